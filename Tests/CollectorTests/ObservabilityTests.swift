import CollectorTestSupport
import Foundation
import Logging
import TestSupport
import Testing
@testable import Collector

@Suite("Metrics, request ids and log lines")
struct ObservabilityTests {
    @Test("/metrics on its own port counts requests by route and status, events, pool and spool, and never shows a key or host")
    func metricsEndpoint() throws {
        let metricsPort = try freePort()
        let collector = try CollectorHarness { $0.metricsPort = metricsPort }
        #expect(try collector.postBatch([event(), event(#""eventId":"m1""#)]).status == 200)
        #expect(try collector.postBatch([event(#""eventId":"m1""#)]).status == 200)
        #expect(try collector.request("GET", "/nowhere").status == 404)

        let client = try RawHTTPClient(port: metricsPort)
        try client.send("GET /metrics HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        let response = try #require(try client.readResponse())
        #expect(response.status == 200)
        #expect(response.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
        let text = response.text
        #expect(text.contains(#"collector_http_requests_total{route="/api/v1/telemetry/batch",status="200"} 2"#))
        #expect(text.contains(#"collector_http_requests_total{route="unknown",status="404"} 1"#))
        #expect(text.contains("collector_events_inserted_total 2\n"))
        #expect(text.contains("collector_events_duplicate_total 1\n"))
        #expect(text.contains(#"collector_batch_events_bucket{le="+Inf"} 2"#))
        #expect(text.contains(#"collector_db_pool_connections{state="idle"}"#))
        #expect(text.contains("collector_spool_bytes 0\n"))
        #expect(!text.contains(collector.key))
        #expect(!text.contains("laptop"))
        #expect(try collector.request("GET", "/metrics").status == 404)
    }

    @Test("X-Request-Id is echoed when the client sends a sane one, and generated otherwise")
    func requestID() throws {
        let collector = try CollectorHarness()
        let echoed = try collector.request("GET", "/api/v1/health", key: "", headers: [("X-Request-Id", "trace-42")])
        #expect(echoed.header("X-Request-Id") == "trace-42")
        let generated = try collector.request("GET", "/api/v1/health", key: "")
        #expect(generated.header("X-Request-Id")?.count == 32)
        let hostile = try collector.request("GET", "/api/v1/health", key: "", headers: [("X-Request-Id", "a b\"c")])
        #expect(hostile.header("X-Request-Id") != "a b\"c")
    }

    @Test("Log lines are logfmt or JSON objects, with metadata and quoting")
    func logLines() throws {
        let event = LogEvent(level: .warning, message: "request failed", metadata: ["request_id": "abc", "note": "a \"b\""],
                             source: "test", file: #file, function: #function, line: #line)
        let logfmt = LogLineHandler(label: "t", level: .info, format: .logfmt).line(event)
        #expect(logfmt.hasPrefix("ts="))
        #expect(logfmt.contains(#" level=warning msg="request failed" note="a \"b\"" request_id=abc"#))
        #expect(logfmt.hasSuffix("\n"))
        let json = LogLineHandler(label: "t", level: .info, format: .json).line(event)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: String])
        #expect(object["level"] == "warning")
        #expect(object["msg"] == "request failed")
        #expect(object["note"] == "a \"b\"")
        #expect(object["request_id"] == "abc")
    }
}

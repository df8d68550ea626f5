import CollectorTestSupport
import Foundation
import Postgres
import TestSupport
import Testing

@Suite("POST /api/otlp/v1/logs")
struct OTLPLogsEndpointTests {
    let collector: CollectorHarness

    init() throws {
        collector = try CollectorHarness()
    }

    func post(_ bytes: [UInt8], headers: [(String, String)] = [("Content-Type", "application/json")]) throws -> ParsedResponse {
        try collector.request("POST", "/api/otlp/v1/logs", bytes: bytes, key: collector.key, headers: headers)
    }

    @Test("Claude Code's real export is stored, one event per record, and answered 200 {}")
    func realExport() throws {
        let response = try post(try ClaudeCodeFixtures.bytes("otlp-logs-1.json"),
                                headers: [("Content-Type", "application/json"), ("User-Agent", "OTel-OTLP-Exporter-JavaScript/0.208.0")])
        #expect(response.status == 200)
        #expect(response.text == "{}")
        let summary = try collector.query("""
            SELECT count(*), count(DISTINCT session_id), min(host_id), max(host_id), min(agent_name),
                   count(*) FILTER (WHERE event_type = 'claude_code.api_request'),
                   count(*) FILTER (WHERE event_type = 'claude_code.hook_registered')
            FROM events
            """).rows[0]
        #expect(summary == ["27", "1", "laptop", "laptop", "claude-code", "2", "9"])
    }

    @Test("Known attributes fill the columns; every attribute, the resource and the scope stay in attributes")
    func mapping() throws {
        #expect(try post(try ClaudeCodeFixtures.bytes("otlp-logs-1.json")).status == 200)
        let api = try collector.query("""
            SELECT session_id, model_tier, latency_ms, to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS'),
                   (attributes->>'cost_usd')::numeric, (attributes->>'input_tokens')::int, attributes->'resource'->>'host.arch',
                   attributes->'scope'->>'name', attributes ? 'body', attributes->>'event.name'
            FROM events WHERE event_type = 'claude_code.api_request' ORDER BY ts LIMIT 1
            """).rows[0]
        #expect(api == [ClaudeCodeFixtures.sessionID, "claude-opus-5-5", "29", "2026-11-22T02:14:18.330", "0.00072", "120", "amd64",
                        "com.anthropic.claude_code.events", "f", "api_request"])
        let tool = try collector.query("""
            SELECT tool_name, latency_ms, attributes->>'success', attributes->>'duration_ms'
            FROM events WHERE event_type = 'claude_code.tool_result'
            """).rows
        #expect(tool == [["Bash", "37", "true", "37"]])
        let decision = try collector.query("SELECT decision, tool_name FROM events WHERE event_type = 'claude_code.tool_decision'").rows
        #expect(decision == [["accept", "Bash"]])
        let first = try collector.query("SELECT ts = '2026-11-22T02:14:18.051Z'::timestamptz FROM events ORDER BY ts LIMIT 1")
        #expect(first.firstValue() == "t")
    }

    @Test("The same export gzip-compressed is the same events; sent again, nothing is stored twice")
    func gzipAndResend() throws {
        let gzipped = try post(try ClaudeCodeFixtures.bytes("otlp-logs-1.json.gz"),
                               headers: [("Content-Type", "application/json"), ("Content-Encoding", "gzip")])
        #expect(gzipped.status == 200)
        #expect(try collector.count() == 27)
        #expect(try post(try ClaudeCodeFixtures.bytes("otlp-logs-1.json")).status == 200)
        #expect(try collector.count() == 27)
    }

    @Test("A chunked body (as some exporters send) works, gzip or not")
    func chunked() throws {
        for (name, encoding) in [("otlp-logs-1.json", nil), ("otlp-logs-1.json.gz", "gzip")] as [(String, String?)] {
            var headers = [("Content-Type", "application/json")]
            if let encoding { headers.append(("Content-Encoding", encoding)) }
            let response = try collector.requestChunked("POST", "/api/otlp/v1/logs", bytes: try ClaudeCodeFixtures.bytes(name),
                                                        headers: headers)
            #expect(response.status == 200, "\(name)")
        }
        #expect(try collector.count() == 27)
    }

    @Test("64-bit integers as strings and as numbers are both read")
    func stringIntegers() throws {
        let body = """
            {"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"sdk"}}]},
             "scopeLogs":[{"logRecords":[
              {"timeUnixNano":"1795313658051000000","attributes":[{"key":"session.id","value":{"stringValue":"s"}},
               {"key":"event.name","value":{"stringValue":"api_request"}},{"key":"input_tokens","value":{"intValue":"9007199254740993"}},
               {"key":"duration_ms","value":{"intValue":"250"}}]},
              {"timeUnixNano":1795313658052000000,"attributes":[{"key":"session.id","value":{"stringValue":"s"}},
               {"key":"event.name","value":{"stringValue":"api_request"}},{"key":"input_tokens","value":{"intValue":12}}]}]}]}]}
            """
        #expect(try post(Array(body.utf8)).text == "{}")
        let rows = try collector.query("""
            SELECT attributes->>'input_tokens', latency_ms, agent_name, event_type FROM events ORDER BY ts
            """).rows
        #expect(rows == [["9007199254740993", "250", "sdk", "api_request"], ["12", nil, "sdk", "api_request"]])
    }

    @Test("One bad record among good ones: 200 with partialSuccess naming it; the good ones are stored")
    func partialSuccess() throws {
        let good = #"{"attributes":[{"key":"session.id","value":{"stringValue":"s"}},{"key":"event.name","value":{"stringValue":"ok"}}]}"#
        let bad = #"{"attributes":[{"key":"session.id","value":{"stringValue":"s"}},{"key":"n","value":{"intValue":"lots"}}]}"#
        let body = #"{"resourceLogs":[{"scopeLogs":[{"logRecords":[\#(good),\#(bad),\#(good.replacingOccurrences(of: "\"ok\"", with: "\"ok2\""))]}]}]}"#
        let response = try post(Array(body.utf8))
        #expect(response.status == 200)
        let partial = try #require(response.json["partialSuccess"] as? [String: Any])
        #expect(partial["rejectedLogRecords"] as? String == "1")
        #expect((partial["errorMessage"] as? String)?.contains("logRecords[1]: intValue must be a 64-bit integer") == true)
        #expect(try collector.count() == 2)
    }

    @Test("Only JSON and protobuf are taken: other media types are 415; no Content-Type is JSON")
    func contentTypes() throws {
        let text = try post(Array("x".utf8), headers: [("Content-Type", "text/plain")])
        #expect(text.status == 415)
        #expect((text.json["error"] as? String)?.contains("application/x-protobuf or application/json") == true)
        #expect(try post(Array(#"{"resourceLogs":[]}"#.utf8), headers: []).status == 200)
        #expect(try post(Array(#"{"resourceLogs":[]}"#.utf8), headers: [("Content-Type", "application/json; charset=utf-8")]).status == 200)
    }

    @Test("Compression other than gzip or deflate is 415; a damaged gzip body is 400; a gzip bomb is 413")
    func encodings() throws {
        let brotli = try post(Array("{}".utf8), headers: [("Content-Type", "application/json"), ("Content-Encoding", "br")])
        #expect(brotli.status == 415)
        #expect(brotli.json["code"] as? String == "unsupported_content_encoding")
        let damaged = try post(Array("not gzip".utf8), headers: [("Content-Type", "application/json"), ("Content-Encoding", "gzip")])
        #expect(damaged.status == 400)
        let bomb = try gzip(Array(#"{"resourceLogs":[],"pad":""#.utf8) + [UInt8](repeating: 0x20, count: 20 << 20) + Array(#""}"#.utf8))
        #expect(bomb.count < 1 << 20)
        let refused = try post(bomb, headers: [("Content-Type", "application/json"), ("Content-Encoding", "gzip")])
        #expect(refused.status == 413)
        #expect(refused.json["code"] as? String == "body_too_large")
    }

    @Test("Without a key the export is 401, as for every endpoint")
    func key() throws {
        let response = try collector.request("POST", "/api/otlp/v1/logs", bytes: Array("{}".utf8), key: nil)
        #expect(response.status == 401)
    }
}

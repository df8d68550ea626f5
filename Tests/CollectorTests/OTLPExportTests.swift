import Collector
import CollectorTestSupport
import Foundation
import OTLPProtobuf
import OTLPTestSupport
import Postgres
import SwiftProtobuf
import TestSupport
import Testing

/// The OTLP/JSON an exporter with `http/json` sends for the same export: protobuf's JSON mapping with enums as
/// integers and trace and span ids in hex.
func otlpJSON(_ message: some SwiftProtobuf.Message) throws -> [UInt8] {
    var options = JSONEncodingOptions()
    options.alwaysPrintEnumsAsInts = true
    let text = try message.jsonString(options: options)
    let ids = try NSRegularExpression(pattern: #""(traceId|spanId)":"([^"]*)""#)
    var result = ""
    var last = text.startIndex
    for match in ids.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
        let whole = Range(match.range, in: text)!
        let name = text[Range(match.range(at: 1), in: text)!]
        let base64 = String(text[Range(match.range(at: 2), in: text)!])
        let hex = Data(base64Encoded: base64)!.map { String(format: "%02x", $0) }.joined()
        result += text[last..<whole.lowerBound] + #""\#(name)":"\#(hex)""#
        last = whole.upperBound
    }
    return Array((result + text[last...]).utf8)
}

/// Both OTLP routes in protobuf: real exports stored as the JSON path stores them, answers in protobuf, and every
/// malformed shape refused whole (400) or item by item (`partial_success`), never half-written.
@Suite("OTLP/HTTP protobuf on the logs and metrics routes")
struct OTLPExportTests {
    let collector: CollectorHarness
    static let protobuf = [("Content-Type", "application/x-protobuf")]
    static let logs = "/api/otlp/v1/logs"
    static let metrics = "/api/otlp/v1/metrics"
    static let eventColumns = """
        host_id, session_id, event_type, ts, agent_name, decision, decision_reason, tool_name, model_tier, latency_ms,
        event_id, attributes::text, trace_id, span_id
        """
    static let metricColumns = """
        host_id, session_id, name, kind, unit, temporality, is_monotonic, start_ts, ts, value, detail::text,
        attributes::text, resource::text, point_id
        """

    init() throws {
        collector = try CollectorHarness()
    }

    func post(_ path: String, _ bytes: [UInt8], headers: [(String, String)] = protobuf) throws -> ParsedResponse {
        try collector.request("POST", path, bytes: bytes, key: collector.key, headers: headers)
    }

    @Test("Claude Code's protobuf logs are stored, with their trace and span ids, and answered with an empty ExportLogsServiceResponse")
    func claudeCodeLogs() throws {
        for name in ["otlp-logs-1.pb", "otlp-logs-2.pb"] {
            let response = try post(Self.logs, try SharedFixtures.bytes("claude-code/protobuf/" + name))
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "application/x-protobuf")
            let answer = try OTLP.ExportLogsServiceResponse(serializedBytes: response.body)
            #expect(!answer.hasPartialSuccess)
        }
        #expect(try collector.count() == 27)
        let api = try collector.query("""
            SELECT event_type, agent_name, model_tier, trace_id, span_id, attributes->'resource'->>'service.version',
                   attributes->'scope'->>'name', attributes ? 'traceId'
            FROM events WHERE event_type = 'claude_code.api_request'
            """).rows
        let row: [String?] = ["claude_code.api_request", "claude-code", "claude-opus-5-5", "7ba1193fc440cb01e95ddaf5a4fb7b05",
                              "2a29e0539c2e322a", "2.1.332", "com.anthropic.claude_code.events", "f"]
        #expect(api == [row, row])
        // 14 of the 27 records were written inside a span; the tool decision inside another.
        #expect(try collector.query("SELECT count(trace_id), count(DISTINCT span_id) FROM events").rows == [["14", "2"]])
    }

    @Test("The Python SDK's protobuf log record becomes an event with its name, session, service and attributes")
    func pythonLogs() throws {
        #expect(try post(Self.logs, try SharedFixtures.bytes("otel-python/logs-1.pb")).status == 200)
        let rows = try collector.query("""
            SELECT event_type, agent_name, attributes->>'k', attributes->'resource'->>'host.name', session_id <> ''
            FROM events
            """).rows
        #expect(rows == [["demo.log_event", "demo-agent", rows.first?[2], "demo-h", "t"]])
        #expect(rows.first?[2] != nil)
    }

    @Test("Claude Code's and the Python SDK's protobuf metrics are one row per data point; the answer is an ExportMetricsServiceResponse")
    func metricsFixtures() throws {
        let response = try post(Self.metrics, try SharedFixtures.bytes("claude-code/protobuf/otlp-metrics-1.pb"))
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "application/x-protobuf")
        #expect(!(try OTLP.ExportMetricsServiceResponse(serializedBytes: response.body)).hasPartialSuccess)
        let rows = try collector.query("""
            SELECT name, kind, temporality, is_monotonic, count(*), count(session_id) FROM otlp_metrics
            GROUP BY 1, 2, 3, 4 ORDER BY 1
            """).rows
        #expect(rows == [
            ["claude_code.active_time.total", "sum", "delta", "t", "1", "1"],
            ["claude_code.cost.usage", "sum", "delta", "t", "1", "1"],
            ["claude_code.session.count", "sum", "delta", "t", "1", "1"],
            ["claude_code.token.usage", "sum", "delta", "t", "4", "4"],
        ])
        for name in ["metrics-1.pb", "metrics-2.pb"] {
            #expect(try post(Self.metrics, try SharedFixtures.bytes("otel-python/" + name)).status == 200)
        }
        let python = try collector.query("""
            SELECT count(*), min(kind), min(resource->>'service.name'), bool_and(attributes ? 'route')
            FROM otlp_metrics WHERE name = 'demo.requests'
            """).rows
        #expect(python == [["2", "sum", "demo-agent", "t"]])
    }

    @Test("Gzip-compressed and chunked protobuf bodies are taken; a resent export is not stored twice")
    func gzipChunkedAndResent() throws {
        let logs = try SharedFixtures.bytes("claude-code/protobuf/otlp-logs-1.pb")
        let gzipped = try gzip(logs)
        #expect(try post(Self.logs, gzipped, headers: Self.protobuf + [("Content-Encoding", "gzip")]).status == 200)
        let chunked = try collector.requestChunked("POST", Self.logs, bytes: logs, headers: Self.protobuf, chunkSize: 700)
        #expect(chunked.status == 200)
        let both = try collector.requestChunked("POST", Self.logs, bytes: gzipped,
                                                headers: Self.protobuf + [("Content-Encoding", "gzip")], chunkSize: 500)
        #expect(both.status == 200)
        #expect(try collector.count() == 23)
        let metrics = try SharedFixtures.bytes("claude-code/protobuf/otlp-metrics-1.pb")
        #expect(try post(Self.metrics, try gzip(metrics), headers: Self.protobuf + [("Content-Encoding", "gzip")]).status == 200)
        #expect(try collector.requestChunked("POST", Self.metrics, bytes: metrics, headers: Self.protobuf).status == 200)
        #expect(try collector.count("otlp_metrics") == 7)
    }

    @Test("The same export in JSON and in protobuf stores identical rows, and sent both ways is stored once", arguments: [
        "claude-code/protobuf/otlp-logs-1.pb", "claude-code/protobuf/otlp-logs-2.pb", "otel-python/logs-1.pb",
    ])
    func jsonAndProtobufLogsAreOneRow(fixture: String) throws {
        let protobuf = try SharedFixtures.bytes(fixture)
        let json = try otlpJSON(try OTLP.ExportLogsServiceRequest(serializedBytes: protobuf))
        let select = "SELECT \(Self.eventColumns) FROM events ORDER BY event_id"
        #expect(try post(Self.logs, protobuf).status == 200)
        let fromProtobuf = try collector.query(select).rows
        #expect(try post(Self.logs, json, headers: [("Content-Type", "application/json")]).text == "{}")
        #expect(try collector.query(select).rows == fromProtobuf)
        _ = try collector.query("DELETE FROM events")
        #expect(try post(Self.logs, json, headers: [("Content-Type", "application/json")]).status == 200)
        #expect(try collector.query(select).rows == fromProtobuf)
        #expect(!fromProtobuf.isEmpty)
    }

    @Test("The same metrics in JSON and in protobuf store identical rows, and sent both ways are stored once", arguments: [
        "claude-code/protobuf/otlp-metrics-1.pb", "otel-python/metrics-1.pb",
    ])
    func jsonAndProtobufMetricsAreOneRow(fixture: String) throws {
        let protobuf = try SharedFixtures.bytes(fixture)
        let json = try otlpJSON(try OTLP.ExportMetricsServiceRequest(serializedBytes: protobuf))
        let select = "SELECT \(Self.metricColumns) FROM otlp_metrics ORDER BY point_id"
        #expect(try post(Self.metrics, protobuf).status == 200)
        let fromProtobuf = try collector.query(select).rows
        #expect(try post(Self.metrics, json, headers: [("Content-Type", "application/json")]).text == "{}")
        #expect(try collector.query(select).rows == fromProtobuf)
        _ = try collector.query("DELETE FROM otlp_metrics")
        #expect(try post(Self.metrics, json, headers: [("Content-Type", "application/json")]).status == 200)
        #expect(try collector.query(select).rows == fromProtobuf)
        #expect(!fromProtobuf.isEmpty)
    }

    @Test("Histograms, exponential histograms and summaries store the same value and detail from either encoding")
    func histogramsInBothEncodings() throws {
        var histogram = OTLP.Metric()
        histogram.name = "latency"
        histogram.unit = "ms"
        histogram.histogram.aggregationTemporality = .cumulative
        histogram.histogram.dataPoints = [OTLP.HistogramDataPoint.with {
            $0.timeUnixNano = 1_795_313_658_000_000_000
            $0.count = 3
            $0.sum = 7.5
            $0.min = 0.5
            $0.bucketCounts = [1, 2]
            $0.explicitBounds = [1]
            $0.attributes = [Wire.keyValue("session.id", "s")]
        }]
        var exponential = OTLP.Metric()
        exponential.name = "sizes"
        exponential.exponentialHistogram.dataPoints = [OTLP.ExponentialHistogramDataPoint.with {
            $0.count = 2
            $0.scale = -1
            $0.positive.offset = 2
            $0.positive.bucketCounts = [1, 1]
        }]
        var summary = OTLP.Metric()
        summary.name = "quantiles"
        summary.summary.dataPoints = [OTLP.SummaryDataPoint.with {
            $0.count = 4
            $0.sum = 10
            $0.quantileValues = [.with { $0.quantile = 0.5; $0.value = 2 }]
        }]
        var request = OTLP.ExportMetricsServiceRequest()
        request.resourceMetrics = [.with { $0.scopeMetrics = [.with { $0.metrics = [histogram, exponential, summary] }] }]
        let protobuf = try Wire.bytes(request)
        #expect(try post(Self.metrics, protobuf).status == 200)
        let select = "SELECT name, kind, value, detail::text, session_id, point_id FROM otlp_metrics ORDER BY name"
        let rows = try collector.query(select).rows
        #expect(rows.map { Array($0.prefix(5)) } == [
            ["latency", "histogram", "7.5", #"{"min": 0.5, "sum": 7.5, "count": 3, "bucketCounts": [1, 2], "explicitBounds": [1.0]}"#, "s"],
            ["quantiles", "summary", "10", #"{"sum": 10.0, "count": 4, "quantileValues": [{"value": 2.0, "quantile": 0.5}]}"#, nil],
            ["sizes", "exponential_histogram", nil, #"{"count": 2, "scale": -1, "negative": {"offset": 0, "bucketCounts": []}, "positive": {"offset": 2, "bucketCounts": [1, 1]}, "zeroCount": 0, "zeroThreshold": 0.0}"#, nil],
        ])
        _ = try collector.query("DELETE FROM otlp_metrics")
        #expect(try post(Self.metrics, try otlpJSON(request), headers: [("Content-Type", "application/json")]).status == 200)
        #expect(try collector.query(select).rows == rows)
    }

    @Test("Only JSON and protobuf are taken: text/plain is 415 on both routes, naming both")
    func otherMedia() throws {
        for path in [Self.logs, Self.metrics] {
            let response = try post(path, Array("hello".utf8), headers: [("Content-Type", "text/plain")])
            #expect(response.status == 415)
            #expect((response.json["error"] as? String)?.contains("application/x-protobuf or application/json") == true)
        }
    }
}

import CollectorTestSupport
import Foundation
import Postgres
import TestSupport
import Testing

@Suite("POST /api/otlp/v1/metrics")
struct OTLPMetricsEndpointTests {
    let collector: CollectorHarness

    init() throws {
        collector = try CollectorHarness()
    }

    func post(_ bytes: [UInt8], headers: [(String, String)] = [("Content-Type", "application/json")]) throws -> ParsedResponse {
        try collector.request("POST", "/api/otlp/v1/metrics", bytes: bytes, key: collector.key, headers: headers)
    }

    @Test("Claude Code's real export: one row per data point, with name, kind, unit, temporality, value, session and resource")
    func realExport() throws {
        let response = try post(try ClaudeCodeFixtures.bytes("otlp-metrics-1.json"))
        #expect(response.status == 200)
        #expect(response.text == "{}")
        let rows = try collector.query("""
            SELECT name, kind, unit, temporality, is_monotonic, value, session_id, host_id, attributes->>'type',
                   resource->>'service.name', ts = '2026-11-22T02:14:18.431Z'::timestamptz, start_ts IS NOT NULL, detail IS NULL
            FROM otlp_metrics ORDER BY name, attributes->>'type'
            """).rows
        let session = ClaudeCodeFixtures.sessionID
        #expect(rows == [
            ["claude_code.active_time.total", "sum", "s", "delta", "t", "0.267", session, "laptop", "cli", "claude-code", "t", "t", "t"],
            ["claude_code.cost.usage", "sum", "USD", "delta", "t", "0.00144", session, "laptop", nil, "claude-code", "t", "t", "t"],
            ["claude_code.session.count", "sum", nil, "delta", "t", "1", session, "laptop", nil, "claude-code", "t", "t", "t"],
            ["claude_code.token.usage", "sum", "tokens", "delta", "t", "0", session, "laptop", "cacheCreation", "claude-code", "t", "t", "t"],
            ["claude_code.token.usage", "sum", "tokens", "delta", "t", "0", session, "laptop", "cacheRead", "claude-code", "t", "t", "t"],
            ["claude_code.token.usage", "sum", "tokens", "delta", "t", "240", session, "laptop", "input", "claude-code", "t", "t", "t"],
            ["claude_code.token.usage", "sum", "tokens", "delta", "t", "24", session, "laptop", "output", "claude-code", "t", "t", "t"],
        ])
    }

    @Test("Gzip works, and an export sent again is not counted twice (delta sums stay right)")
    func gzipAndResend() throws {
        #expect(try post(try ClaudeCodeFixtures.bytes("otlp-metrics-1.json.gz"),
                         headers: [("Content-Type", "application/json"), ("Content-Encoding", "gzip")]).status == 200)
        #expect(try post(try ClaudeCodeFixtures.bytes("otlp-metrics-1.json")).status == 200)
        #expect(try collector.count("otlp_metrics") == 7)
        #expect(try collector.query("SELECT sum(value) FROM otlp_metrics WHERE name = 'claude_code.token.usage'").firstValue() == "264")
    }

    @Test("Delta points of later exports add up: the total is the sum of the values")
    func deltaSums() throws {
        for (index, tokens) in [100, 50, 25].enumerated() {
            let time = 1_795_313_658_000_000_000 + index * 60_000_000_000
            let body = """
                {"resourceMetrics":[{"resource":{"attributes":[]},"scopeMetrics":[{"metrics":[{"name":"claude_code.token.usage",
                 "unit":"tokens","sum":{"aggregationTemporality":1,"isMonotonic":true,"dataPoints":[{"attributes":[
                 {"key":"session.id","value":{"stringValue":"s"}},{"key":"type","value":{"stringValue":"input"}}],
                 "startTimeUnixNano":"\(time - 60_000_000_000)","timeUnixNano":"\(time)","asDouble":\(tokens)}]}}]}]}]}
                """
            #expect(try post(Array(body.utf8)).status == 200)
        }
        #expect(try collector.query("SELECT sum(value) FROM otlp_metrics").firstValue() == "175")
    }

    @Test("asInt as a string or a number, and gauges without temporality")
    func integersAndGauges() throws {
        let body = """
            {"resourceMetrics":[{"scopeMetrics":[{"metrics":[
             {"name":"a","sum":{"aggregationTemporality":2,"isMonotonic":true,"dataPoints":[{"asInt":"9007199254740993","timeUnixNano":"1795313658000000000"}]}},
             {"name":"b","gauge":{"dataPoints":[{"asInt":3,"timeUnixNano":1795313658000000000}]}}]}]}]}
            """
        #expect(try post(Array(body.utf8)).text == "{}")
        let rows = try collector.query("SELECT name, value::numeric::text, temporality, is_monotonic, session_id FROM otlp_metrics ORDER BY name").rows
        #expect(rows == [["a", "9007199254740990", "cumulative", "t", nil], ["b", "3", nil, nil, nil]])
    }

    @Test("One bad point among good ones: 200 with partialSuccess; the good ones are stored")
    func partialSuccess() throws {
        let body = """
            {"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"m","sum":{"aggregationTemporality":1,"dataPoints":[
             {"asDouble":1,"timeUnixNano":"1795313658000000000"},{"asDouble":"many"},{"asDouble":2,"timeUnixNano":"1795313659000000000"}]}}]}]}]}
            """
        let response = try post(Array(body.utf8))
        #expect(response.status == 200)
        let partial = try #require(response.json["partialSuccess"] as? [String: Any])
        #expect(partial["rejectedDataPoints"] as? String == "1")
        #expect((partial["errorMessage"] as? String)?.contains("dataPoints[1]: asDouble must be a number") == true)
        #expect(try collector.count("otlp_metrics") == 2)
    }

    @Test("A protobuf body cut short is 400 invalid_protobuf; text/plain is 415")
    func protobufCutShort() throws {
        let response = try post([0x0a, 0x05, 0x0a], headers: [("Content-Type", "application/x-protobuf")])
        #expect(response.status == 400)
        #expect(response.json["code"] as? String == "invalid_protobuf")
        #expect((response.json["error"] as? String)?.contains("cut short") == true)
        #expect(try post(Array("x".utf8), headers: [("Content-Type", "text/plain")]).status == 415)
    }

    @Test("While PostgreSQL is down the export gets 503 with Retry-After, so the exporter retries")
    func databaseDown() throws {
        let cluster = try PostgresCluster()
        defer { try? cluster.stop() }
        let collector = try CollectorHarness(cluster: cluster)
        try cluster.stop()
        let response = try collector.request("POST", "/api/otlp/v1/metrics", bytes: try ClaudeCodeFixtures.bytes("otlp-metrics-1.json"),
                                             key: collector.key)
        #expect(response.status == 503)
        #expect(response.header("Retry-After") != nil)
    }
}

import CollectorTestSupport
import Foundation
import Postgres
import TestSupport
import Testing

@Suite("POST /api/otlp/v1/traces")
struct OTLPTracesEndpointTests {
    let collector: CollectorHarness

    init() throws {
        collector = try CollectorHarness()
    }

    static let json = [("Content-Type", "application/json")]

    func post(_ bytes: [UInt8], headers: [(String, String)] = json) throws -> ParsedResponse {
        try collector.request("POST", "/api/otlp/v1/traces", bytes: bytes, key: collector.key, headers: headers)
    }

    /// Every stored span as text, ordered by span id, for comparing what two requests stored.
    func stored() throws -> [[String?]] {
        try collector.query("""
            SELECT host_id, trace_id, span_id, parent_span_id, name, kind, start_ts, end_ts, duration_ms, status_code,
                   status_message, service_name, session_id, source, operation, model_request, model_response, tool_name,
                   input_tokens, output_tokens, cache_read_tokens, cache_creation_tokens, cost_usd, attributes::text,
                   resource::text, events::text, links::text
            FROM spans ORDER BY span_id
            """).rows
    }

    static let claudeCodeJSON = Result { try OTLPJSONFromProtobuf.traces(try ClaudeCodeFixtures.bytes("protobuf/otlp-traces-1.pb")) }

    @Test("Claude Code's trace in OTLP/JSON: the tree of interaction, LLM requests and tool, with tokens and model")
    func claudeCodeTree() throws {
        let response = try post(try Self.claudeCodeJSON.get())
        #expect(response.status == 200)
        #expect(response.text == "{}")
        let tree = try collector.query("""
            SELECT child.name, parent.name, child.operation, child.model_request, child.input_tokens, child.output_tokens,
                   child.tool_name, child.session_id, child.host_id
            FROM spans child LEFT JOIN spans parent
              ON parent.host_id = child.host_id AND parent.trace_id = child.trace_id AND parent.span_id = child.parent_span_id
            ORDER BY child.start_ts, child.name
            """).rows
        let session = "cdc8484e-b75c-4704-80d4-7444d06332e8"
        #expect(tree == [
            ["claude_code.interaction", nil, "agent", nil, nil, nil, nil, session, "laptop"],
            ["claude_code.llm_request", "claude_code.interaction", "chat", "claude-opus-5-5", "120", "12", nil, session, "laptop"],
            ["claude_code.tool", "claude_code.interaction", "tool", nil, nil, nil, "Bash", session, "laptop"],
            ["claude_code.tool.blocked_on_user", "claude_code.tool", "other", nil, nil, nil, nil, session, "laptop"],
            ["claude_code.tool.execution", "claude_code.tool", "other", nil, nil, nil, nil, session, "laptop"],
            ["claude_code.llm_request", "claude_code.interaction", "chat", "claude-opus-5-5", "120", "12", nil, session, "laptop"],
        ])
    }

    @Test("An export sent again (a retry after a timeout) is not stored twice; gzip works")
    func retriedExport() throws {
        let body = try Self.claudeCodeJSON.get()
        #expect(try post(body).status == 200)
        let first = try stored()
        #expect(try post(try gzip(body), headers: Self.json + [("Content-Encoding", "gzip")]).status == 200)
        #expect(try stored() == first)
        #expect(first.count == 6)
    }

    @Test("Bad spans among good ones: 200 with partialSuccess naming the count; the good ones are stored")
    func partialSuccess() throws {
        let body = #"""
            {"resourceSpans":[{"scopeSpans":[{"spans":[
             {"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"00f067aa0ba902b7","name":"a","startTimeUnixNano":"1796290928899000000","endTimeUnixNano":"1796290928971943245"},
             {"traceId":"4bf92f3577b34da6a3ce929d0e0e473","spanId":"00f067aa0ba902b8","name":"short id","startTimeUnixNano":"1796290928899000000","endTimeUnixNano":"1796290928971943245"},
             {"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"00f067aa0ba902b9","name":"ends first","startTimeUnixNano":"1796290928999000000","endTimeUnixNano":"1796290928971943245"}]}]}]}
            """#
        let response = try post(Array(body.utf8))
        #expect(response.status == 200)
        let partial = try #require(response.json["partialSuccess"] as? [String: Any])
        #expect(partial["rejectedSpans"] as? String == "2")
        #expect((partial["errorMessage"] as? String)?.contains("spans[1]: traceId must be 32 hex digits") == true)
        #expect(try collector.query("SELECT name FROM spans").rows == [["a"]])
    }

    @Test("A body that is not an export is 400 and nothing is stored; no key is 401")
    func undecodable() throws {
        #expect(try post(Array(#"{"resourceSpans":{"#.utf8)).status == 400)
        #expect(try post(Array(#"{"resourceSpans":[{"scopeSpans":[{"spans":7}]}]}"#.utf8)).status == 400)
        let anonymous = try collector.request("POST", "/api/otlp/v1/traces", bytes: try Self.claudeCodeJSON.get(), key: nil)
        #expect(anonymous.status == 401)
        #expect(try collector.count("spans") == 0)
    }

    @Test("While PostgreSQL is down the export gets 503 with Retry-After and nothing is acknowledged")
    func databaseDown() throws {
        let cluster = try PostgresCluster()
        defer { try? cluster.stop() }
        let collector = try CollectorHarness(cluster: cluster)
        try cluster.stop()
        let response = try collector.request("POST", "/api/otlp/v1/traces", bytes: try Self.claudeCodeJSON.get(),
                                             key: collector.key)
        #expect(response.status == 503)
        #expect(response.header("Retry-After") != nil)
    }
}

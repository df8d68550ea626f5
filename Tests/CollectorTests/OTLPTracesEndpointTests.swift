import Collector
import CollectorTestSupport
import Foundation
import OTLPProtobuf
import Postgres
import SwiftProtobuf
import TestSupport
import Testing

@Suite("POST /api/otlp/v1/traces")
struct OTLPTracesEndpointTests {
    let collector: CollectorHarness

    init() throws {
        collector = try CollectorHarness()
    }

    static let json = [("Content-Type", "application/json")]
    static let protobuf = [("Content-Type", "application/x-protobuf")]

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

    static let claudeCodeProtobuf = Result { try ClaudeCodeFixtures.bytes("protobuf/otlp-traces-1.pb") }
    static let claudeCodeJSON = Result { try OTLPJSONFromProtobuf.traces(try claudeCodeProtobuf.get()) }

    /// The protobuf answer's `partial_success`; fails the test unless the answer is protobuf.
    func partialSuccess(_ response: ParsedResponse) throws -> OTLP.ExportTraceServiceResponse {
        #expect(response.header("Content-Type") == "application/x-protobuf")
        return try OTLP.ExportTraceServiceResponse(serializedBytes: response.body)
    }

    @Test("Claude Code's trace as it sends it (protobuf): stored as the same export in OTLP/JSON is, answered in protobuf")
    func protobufAndJSONStoredAlike() throws {
        let response = try post(try Self.claudeCodeProtobuf.get(), headers: Self.protobuf)
        #expect(response.status == 200)
        #expect(try partialSuccess(response).hasPartialSuccess == false)
        #expect(response.body.isEmpty)
        let fromProtobuf = try stored()
        #expect(fromProtobuf.count == 6)
        _ = try collector.query("DELETE FROM spans")
        #expect(try post(try Self.claudeCodeJSON.get()).status == 200)
        #expect(try stored() == fromProtobuf)
    }

    @Test("Protobuf sent chunked and gzipped, as the Python SDK does with compression on, is stored")
    func protobufChunkedGzip() throws {
        let body = try gzip(try ClaudeCodeFixtures.bytes("../otel-python/traces-4.pb"))
        let client = try RawHTTPClient(port: collector.port)
        var request = Array(("POST /api/otlp/v1/traces HTTP/1.1\r\nHost: localhost\r\nX-API-Key: \(collector.key)\r\n"
            + "Content-Type: application/x-protobuf\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n"
            + "Connection: close\r\n\r\n").utf8)
        for chunk in stride(from: 0, to: body.count, by: 100).map({ body[$0..<min($0 + 100, body.count)] }) {
            request += Array((String(chunk.count, radix: 16) + "\r\n").utf8) + chunk + Array("\r\n".utf8)
        }
        try client.send(request + Array("0\r\n\r\n".utf8))
        let response = try #require(try client.readResponse())
        #expect(response.status == 200)
        #expect(try collector.query("SELECT name, operation FROM spans ORDER BY name").rows
                == [["chat claude-sonnet-4-5", "chat"], ["execute_tool Bash", "tool"], ["invoke_agent demo", "agent"]])
    }

    /// A span as the protobuf tests build it.
    static func span(_ name: String, trace: [UInt8] = Array(1 ... 16), id: UInt8, start: UInt64 = 1_796_290_928_899_000_000,
                     end: UInt64 = 1_796_290_928_971_943_245, attributes: [OTLP.KeyValue] = []) -> OTLP.Span {
        OTLP.Span.with {
            $0.traceID = Data(trace)
            $0.spanID = Data(repeating: id, count: 8)
            $0.name = name
            $0.startTimeUnixNano = start
            $0.endTimeUnixNano = end
            $0.attributes = attributes
        }
    }

    static func export(_ spans: [OTLP.Span]) throws -> [UInt8] {
        try OTLP.ExportTraceServiceRequest.with {
            $0.resourceSpans = [.with { $0.scopeSpans = [.with { $0.spans = spans }] }]
        }.serializedBytes()
    }

    /// An attribute value nested `depth` arrays deep.
    static func nested(_ depth: Int) -> OTLP.AnyValue {
        var value = OTLP.AnyValue.with { $0.stringValue = "bottom" }
        for _ in 0 ..< depth { value = .with { $0.arrayValue = .with { $0.values = [value] } } }
        return value
    }

    @Test("Bad protobuf bodies are 400 with the reason, and nothing of them is stored", arguments: [
        ("truncated", "cut short"), ("wrong wire type", "must have wire type 2"), ("length past body", "claims 100 bytes"),
        ("unterminated varint", "varint does not end"), ("nesting past the limit", "nest deeper than 32"),
        ("not UTF-8", "UTF-8"),
    ])
    func badProtobuf(shape: String, reason: String) throws {
        let good = try Self.export([Self.span("a", id: 1), Self.span("MARKNAME", id: 2)])
        let body: [UInt8]
        switch shape {
        case "truncated": body = Array(good.dropLast(5))
        // resourceSpans (field 1) as a varint.
        case "wrong wire type": body = good + [0x08, 0x01]
        // A resourceSpans of 5 bytes whose scopeSpans (field 2) claims 100.
        case "length past body": body = good + [0x0A, 5, 0x12, 100, 1, 2, 3]
        // An unknown field 9 whose varint never ends.
        case "unterminated varint": body = good + [0x48, 0xFF]
        case "nesting past the limit":
            body = try Self.export([Self.span("deep", id: 3, attributes: [.with { $0.key = "deep"; $0.value = Self.nested(14) }])])
        default:
            let marker = Array("MARKNAME".utf8)
            let at = try #require((0 ... good.count - marker.count).first { Array(good[$0 ..< $0 + marker.count]) == marker })
            body = Array(good[..<at]) + [0xC3, 0x28] + Array(good[(at + 2)...])
        }
        let response = try post(body, headers: Self.protobuf)
        #expect(response.status == 400, "\(shape)")
        #expect(response.text.contains(reason), "\(shape): \(response.text)")
        #expect(try collector.count("spans") == 0)
    }

    @Test("Wrong-length ids and a span ending before it starts: 200 with partial_success naming the count; the rest stored")
    func refusedSpansInProtobuf() throws {
        var shortSpanID = Self.span("short span id", id: 3)
        shortSpanID.spanID = Data([3, 3, 3])
        let body = try Self.export([
            Self.span("good", id: 1), Self.span("short trace id", trace: Array(1 ... 15), id: 2), shortSpanID,
            Self.span("ends first", id: 4, start: 2_000, end: 1_000), Self.span("also good", id: 5),
        ])
        let response = try post(body, headers: Self.protobuf)
        #expect(response.status == 200)
        let answer = try partialSuccess(response)
        #expect(answer.partialSuccess.rejectedSpans == 3)
        #expect(answer.partialSuccess.errorMessage.hasPrefix(
            "3 of 5 spans rejected; the first: resourceSpans[0].scopeSpans[0].spans[1]: trace_id must be 16 bytes"))
        #expect(try collector.query("SELECT name FROM spans ORDER BY name").rows == [["also good"], ["good"]])
    }

    @Test("More spans than OTLP_MAX_SPANS is 413 in either encoding, and nothing is stored")
    func tooManySpans() throws {
        let collector = try CollectorHarness { $0.otlpLimits.maxSpans = 2 }
        let body = try Self.export([Self.span("a", id: 1), Self.span("b", id: 2), Self.span("c", id: 3)])
        for (bytes, headers) in [(body, Self.protobuf), (try OTLPJSONFromProtobuf.traces(body), Self.json)] {
            let response = try collector.request("POST", "/api/otlp/v1/traces", bytes: bytes, key: collector.key,
                                                 headers: headers)
            #expect(response.status == 413)
        }
        #expect(try collector.count("spans") == 0)
    }

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

import CollectorTestSupport
import Foundation
import OTLPProtobuf
import SwiftProtobuf
import Testing
@testable import Collector

@Suite("OTLPSpanProtobufDecoder")
struct OTLPSpanProtobufDecoderTests {
    let decoder = OTLPSpanProtobufDecoder(limits: OTLPProtobufLimits())

    static func text(_ bytes: [UInt8]?) -> String? {
        bytes.map { String(decoding: $0, as: UTF8.self) }
    }

    static func json(_ bytes: [UInt8]?) throws -> [String: Any] {
        guard let bytes else { return [:] }
        return try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] ?? [:]
    }

    static func array(_ bytes: [UInt8]?) throws -> [[String: Any]] {
        guard let bytes else { return [] }
        return try JSONSerialization.jsonObject(with: Data(bytes)) as? [[String: Any]] ?? []
    }

    static func span(_ name: String = "chat", trace: [UInt8] = Array(1 ... 16), id: [UInt8] = Array(1 ... 8),
                     start: UInt64 = 1_796_290_928_899_000_000, end: UInt64 = 1_796_290_928_971_943_245,
                     attributes: [OTLP.KeyValue] = []) -> OTLP.Span {
        var span = OTLP.Span()
        span.traceID = Data(trace)
        span.spanID = Data(id)
        span.name = name
        span.startTimeUnixNano = start
        span.endTimeUnixNano = end
        span.attributes = attributes
        return span
    }

    static func attribute(_ key: String, _ set: (inout OTLP.AnyValue) -> Void) -> OTLP.KeyValue {
        var keyValue = OTLP.KeyValue()
        keyValue.key = key
        set(&keyValue.value)
        return keyValue
    }

    static func request(_ spans: [OTLP.Span], resource: [OTLP.KeyValue] = []) throws -> [UInt8] {
        var scope = OTLP.ScopeSpans()
        scope.spans = spans
        var resourceSpans = OTLP.ResourceSpans()
        resourceSpans.resource.attributes = resource
        resourceSpans.scopeSpans = [scope]
        var request = OTLP.ExportTraceServiceRequest()
        request.resourceSpans = [resourceSpans]
        return try request.serializedBytes()
    }

    @Test("Claude Code's real trace: the interaction, its LLM requests and its tool with the tool's two phases, as a tree")
    func claudeCodeTrace() throws {
        let decoded = try decoder.decode(try ClaudeCodeFixtures.bytes("protobuf/otlp-traces-1.pb"))
        #expect(decoded.rejections.count == 0)
        #expect(decoded.rows.count == 6)
        let byID = Dictionary(uniqueKeysWithValues: decoded.rows.map { (Self.text($0.spanID)!, $0) })
        let interaction = try #require(byID["2a29e0539c2e322a"])
        #expect(Self.text(interaction.name) == "claude_code.interaction")
        #expect(interaction.parentSpanID == nil)
        #expect(interaction.operation == .agent)
        #expect(Set(decoded.rows.map { Self.text($0.traceID) }) == ["7ba1193fc440cb01e95ddaf5a4fb7b05"])
        for row in decoded.rows {
            #expect(Self.text(row.sessionID) == "cdc8484e-b75c-4704-80d4-7444d06332e8")
            #expect(Self.text(row.serviceName) == "claude-code")
            #expect(row.kind == .internal && row.status == .unset && row.source == .otlp)
            #expect(try Self.json(row.resource)["service.version"] as? String == "2.1.332")
            #expect(try Self.json(row.attributes)["otel.scope.name"] as? String == "com.anthropic.claude_code.tracing")
        }
        for id in ["07f80d0f741483d4", "e3f4fec157534f4c"] {
            let llm = try #require(byID[id])
            #expect(Self.text(llm.name) == "claude_code.llm_request")
            #expect(Self.text(llm.parentSpanID) == "2a29e0539c2e322a")
            #expect(llm.operation == .chat)
            #expect(Self.text(llm.modelRequest) == "claude-opus-5-5" && Self.text(llm.modelResponse) == "claude-opus-5-5")
            #expect([llm.inputTokens, llm.outputTokens, llm.cacheReadTokens, llm.cacheCreationTokens] == [120, 12, 0, 0])
            let events = try Self.array(llm.events)
            #expect(events.count == 1)
            #expect(events.first?["name"] as? String == "gen_ai.request.attempt")
            #expect((events.first?["attributes"] as? [String: Any])?["attempt"] as? Int == 1)
        }
        let first = try #require(byID["07f80d0f741483d4"])
        #expect(first.startTime == 1_796_290_928_899_000 - 946_684_800_000_000)
        #expect(first.durationMs == 72.943)
        #expect((try Self.json(first.attributes)["gen_ai.response.finish_reasons"] as? [String]) == ["tool_use"])
        let tool = try #require(byID["1d6360c04790b85b"])
        #expect(Self.text(tool.name) == "claude_code.tool")
        #expect(tool.operation == .tool && Self.text(tool.toolName) == "Bash")
        #expect(Self.text(tool.parentSpanID) == "2a29e0539c2e322a")
        for id in ["c96a9100f3a89264", "ae1d58938c314a56"] {
            #expect(Self.text(byID[id]?.parentSpanID) == "1d6360c04790b85b")
            #expect(byID[id]?.operation == .other)
        }
        #expect(Self.text(byID["c96a9100f3a89264"]?.name) == "claude_code.tool.blocked_on_user")
    }

    @Test("The OpenTelemetry Python SDK's GenAI trace: an agent span with a chat and a tool span under it")
    func pythonSDKTrace() throws {
        let decoded = try decoder.decode(try ClaudeCodeFixtures.bytes("../otel-python/traces-4.pb"))
        let byName = Dictionary(uniqueKeysWithValues: decoded.rows.map { (Self.text($0.name)!, $0) })
        #expect(byName.count == 3)
        let agent = try #require(byName["invoke_agent demo"])
        #expect(agent.operation == .agent && agent.parentSpanID == nil)
        #expect(Self.text(agent.sessionID) == "demo-h-session")
        let chat = try #require(byName["chat claude-sonnet-4-5"])
        #expect(chat.operation == .chat && Self.text(chat.parentSpanID) == "6967658fb0912664")
        #expect(Self.text(chat.modelRequest) == "claude-sonnet-4-5")
        #expect([chat.inputTokens, chat.outputTokens] == [1234, 567])
        #expect(chat.sessionID == nil)
        let tool = try #require(byName["execute_tool Bash"])
        #expect(tool.operation == .tool && Self.text(tool.toolName) == "Bash")
        #expect(Self.text(chat.serviceName) == "demo-agent")
    }

    @Test("Every kind of value becomes plain JSON, as the JSON path writes it: bytes as base64, NaN as a string")
    func values() throws {
        var nested = OTLP.KeyValueList()
        nested.values = [Self.attribute("k") { $0.boolValue = false }]
        var list = OTLP.ArrayValue()
        list.values = [OTLP.AnyValue.with { $0.intValue = 1 }, OTLP.AnyValue.with { $0.stringValue = "a" }, OTLP.AnyValue()]
        let span = Self.span(attributes: [
            Self.attribute("s") { $0.stringValue = "quote \" and \u{1}" }, Self.attribute("b") { $0.boolValue = true },
            Self.attribute("i") { $0.intValue = -9_007_199_254_740_993 }, Self.attribute("d") { $0.doubleValue = 0.25 },
            Self.attribute("nan") { $0.doubleValue = .nan }, Self.attribute("inf") { $0.doubleValue = -.infinity },
            Self.attribute("bytes") { $0.bytesValue = Data("hello".utf8) }, Self.attribute("list") { $0.arrayValue = list },
            Self.attribute("map") { $0.kvlistValue = nested }, Self.attribute("empty") { _ in },
        ])
        let row = try #require(try decoder.decode(try Self.request([span])).rows.first)
        let attributes = try Self.json(row.attributes)
        #expect(attributes["s"] as? String == "quote \" and \u{1}")
        #expect(attributes["b"] as? Bool == true)
        #expect(attributes["i"] as? Int64 == -9_007_199_254_740_993)
        #expect(attributes["d"] as? Double == 0.25)
        #expect(attributes["nan"] as? String == "NaN" && attributes["inf"] as? String == "-Infinity")
        #expect(attributes["bytes"] as? String == "aGVsbG8=")
        #expect(Self.text(Array(try JSONSerialization.data(withJSONObject: attributes["list"] ?? []))) == #"[1,"a",null]"#)
        #expect((attributes["map"] as? [String: Bool]) == ["k": false])
        #expect(attributes["empty"] is NSNull)
        #expect(row.events == nil && row.links == nil)
    }

    @Test("Links keep their ids in hex, their trace state and attributes; kind and status are named")
    func linksKindStatus() throws {
        var span = Self.span()
        var link = OTLP.Span.Link()
        link.traceID = Data(Array(17 ... 32))
        link.spanID = Data([0xAB, 0, 0, 0, 0, 0, 0, 1])
        link.traceState = "vendor=1"
        link.attributes = [Self.attribute("why") { $0.stringValue = "retry" }]
        span.links = [link]
        span.kind = .client
        span.status.code = .error
        span.status.message = "overloaded"
        span.parentSpanID = Data(Array(9 ... 16))
        let row = try #require(try decoder.decode(try Self.request([span])).rows.first)
        let links = try Self.array(row.links)
        #expect(links.first?["traceId"] as? String == "1112131415161718191a1b1c1d1e1f20")
        #expect(links.first?["spanId"] as? String == "ab00000000000001")
        #expect(links.first?["traceState"] as? String == "vendor=1")
        #expect((links.first?["attributes"] as? [String: String]) == ["why": "retry"])
        #expect(row.kind == .client && row.status == .error && Self.text(row.statusMessage) == "overloaded")
        #expect(Self.text(row.parentSpanID) == "090a0b0c0d0e0f10")
        #expect(Self.text(row.traceID) == "0102030405060708090a0b0c0d0e0f10")
    }

    @Test("Bad spans are refused one by one with the count and the first reason; the good ones are kept")
    func refusedSpans() throws {
        let spans = [
            Self.span("good"),
            Self.span("short trace id", trace: Array(1 ... 15), id: [2, 2, 2, 2, 2, 2, 2, 2]),
            Self.span("ends first", id: [3, 3, 3, 3, 3, 3, 3, 3], start: 2_000, end: 1_000),
            Self.span("no start", id: [4, 4, 4, 4, 4, 4, 4, 4], start: 0, end: 1_000),
            Self.span("nul", id: [5, 5, 5, 5, 5, 5, 5, 5], attributes: [Self.attribute("a") { $0.stringValue = "x\u{0}y" }]),
            Self.span("zero id", id: [0, 0, 0, 0, 0, 0, 0, 0]),
        ]
        let decoded = try decoder.decode(try Self.request(spans))
        #expect(decoded.rows.map { Self.text($0.name) } == ["good"])
        #expect(decoded.rejections.count == 5)
        #expect(decoded.rejections.message.hasPrefix(
            "5 of 6 spans rejected; the first: resourceSpans[0].scopeSpans[0].spans[1]: trace_id must be 16 bytes, not 15"))
    }

    @Test("A resource that PostgreSQL cannot store refuses the spans under it, not the request")
    func refusedResource() throws {
        let body = try Self.request([Self.span(), Self.span(id: [9, 9, 9, 9, 9, 9, 9, 9])],
                                    resource: [Self.attribute("host\u{0}") { $0.stringValue = "x" }])
        let decoded = try decoder.decode(body)
        #expect(decoded.rows.isEmpty)
        #expect(decoded.rejections.count == 2)
        #expect(decoded.rejections.message.contains("an attribute's key contains U+0000"))
    }

    @Test("A body the wire decoder cannot read throws, and a span past the limit is refused as the limits say")
    func undecodable() throws {
        let body = try Self.request([Self.span()])
        #expect(throws: OTLPProtobufError.self) { try decoder.decode(Array(body.dropLast(3))) }
        let limited = OTLPSpanProtobufDecoder(limits: OTLPProtobufLimits(maxAttributeValueBytes: 3))
        let long = Self.span(attributes: [Self.attribute("a") { $0.stringValue = "four" }])
        #expect(try limited.decode(try Self.request([long])).rejections.count == 1)
    }
}

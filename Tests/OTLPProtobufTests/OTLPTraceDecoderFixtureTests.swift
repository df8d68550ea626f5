import OTLPProtobuf
import Testing

@Suite("OTLPTraceDecoder on real exports")
struct OTLPTraceDecoderFixtureTests {
    @Test("Claude Code's traces export decodes to its spans, attributes and resource")
    func decodesClaudeCodeTraces() throws {
        let traces = try OTLPTraceDecoder().decode(try Fixtures.bytes("claude-code/protobuf/otlp-traces-1.pb"))
        #expect(traces.spanCount == 6)
        let resource = try #require(traces.resourceSpans.first)
        #expect(resource.resource["service.name"] == .string("claude-code"))
        #expect(resource.resource["service.version"] == .string("2.1.332"))
        #expect(resource.resource["host.arch"] == .string("amd64"))
        let scope = try #require(resource.scopeSpans.first)
        #expect(scope.scopeName == "com.anthropic.claude_code.tracing")
        #expect(scope.scopeVersion == "1.0.0")
        #expect(scope.spans.map(\.name) == [
            "claude_code.llm_request", "claude_code.tool.blocked_on_user", "claude_code.tool.execution",
            "claude_code.tool", "claude_code.llm_request", "claude_code.interaction",
        ])
        let request = scope.spans[0]
        #expect(request.traceID.count == 16)
        #expect(Array(request.spanID) == [0x07, 0xF8, 0x0D, 0x0F, 0x74, 0x14, 0x83, 0xD4])
        #expect(request.parentSpanID.count == 8)
        #expect(request.kind == 1)
        #expect(request.startTimeUnixNano == 0x18ED_B515_2A48_06C0)
        #expect(request.endTimeUnixNano == 0x18ED_B515_2EA1_0D4D)
        #expect(request.attributes["session.id"] == .string("cdc8484e-b75c-4704-80d4-7444d06332e8"))
        #expect(request.attributes["span.type"] == .string("llm_request"))
        #expect(request.attributes["anthropic.custom_base_url"] == .bool(true))
        #expect(request.attributes["gen_ai.provider.name"] == .string("anthropic"))
        let interaction = scope.spans[5]
        #expect(interaction.parentSpanID.isEmpty)
        #expect(Array(request.traceID) == Array(interaction.traceID))
        #expect(OTLPItemCheck().rejectedSpans(traces).isEmpty)
    }

    @Test("the Python SDK's GenAI spans decode with their gen_ai attributes, one per request or three in one")
    func decodesPythonGenAISpans() throws {
        let decoder = OTLPTraceDecoder()
        let single = try ["traces-1.pb", "traces-2.pb", "traces-3.pb"].map { name in
            try decoder.decode(try Fixtures.bytes("otel-python/\(name)"))
        }
        #expect(single.map(\.spanCount) == [1, 1, 1])
        let together = try decoder.decode(try Fixtures.bytes("otel-python/traces-4.pb"))
        let spans = together.resourceSpans[0].scopeSpans[0].spans
        #expect(spans.map(\.name) == ["chat claude-sonnet-4-5", "execute_tool Bash", "invoke_agent demo"])
        #expect(single.map { $0.resourceSpans[0].scopeSpans[0].spans[0].name } == spans.map(\.name))
        #expect(together.resourceSpans[0].resource["service.name"] == .string("demo-agent"))
        #expect(together.resourceSpans[0].scopeSpans[0].scopeName == "demo.agents")

        let chat = spans[0]
        #expect(chat.attributes["gen_ai.operation.name"] == .string("chat"))
        #expect(chat.attributes["gen_ai.request.model"] == .string("claude-sonnet-4-5"))
        #expect(chat.attributes["gen_ai.usage.input_tokens"] == .int(1234))
        #expect(chat.attributes["gen_ai.usage.output_tokens"] == .int(567))
        #expect(chat.startTimeUnixNano == 1_796_291_076_084_834_308)
        #expect(chat.endTimeUnixNano == 1_796_291_076_095_101_800)
        let agent = spans[2]
        #expect(agent.parentSpanID.isEmpty)
        #expect(Array(chat.parentSpanID) == Array(agent.spanID))
        #expect(Array(spans[1].parentSpanID) == Array(agent.spanID))
        #expect(agent.attributes["session.id"] == .string("demo-h-session"))
        #expect(spans[1].attributes["gen_ai.tool.name"] == .string("Bash"))
        #expect(OTLPItemCheck().rejectedSpans(together).isEmpty)
    }
}

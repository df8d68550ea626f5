import Testing
@testable import Collector

@Suite("Span conventions")
struct SpanConventionsTests {
    typealias Value = SpanConventions.Value

    /// A span named `name` with these attributes, through the mapping.
    func mapped(_ name: String, _ attributes: [(String, Value)], resourceSession: String? = nil) -> SpanRow {
        var row = SpanRow(traceID: [], spanID: [], name: Array(name.utf8), startTime: 0, source: .otlp)
        var conventions = SpanConventions()
        for (key, value) in attributes { conventions.read(key) { value } }
        conventions.apply(to: &row, spanName: name, resourceSessionID: resourceSession.map { Array($0.utf8) })
        return row
    }

    func mapped(_ attributes: [(String, Value)], resourceSession: String? = nil) -> SpanRow {
        mapped("span", attributes, resourceSession: resourceSession)
    }

    func text(_ bytes: [UInt8]?) -> String? {
        bytes.map { String(decoding: $0, as: UTF8.self) }
    }

    @Test("OpenTelemetry GenAI, current names: operation, both models, the four token counts and the conversation")
    func genAICurrent() {
        let row = mapped("chat claude-sonnet-4-5", [
            ("gen_ai.operation.name", .string("chat")), ("gen_ai.request.model", .string("claude-sonnet-4-5")),
            ("gen_ai.response.model", .string("claude-sonnet-4-5-20250929")), ("gen_ai.usage.input_tokens", .int(1234)),
            ("gen_ai.usage.output_tokens", .int(567)), ("gen_ai.usage.cache_read.input_tokens", .int(800)),
            ("gen_ai.usage.cache_creation.input_tokens", .int(90)), ("gen_ai.conversation.id", .string("conv_1")),
        ])
        #expect(row.operation == .chat)
        #expect(text(row.modelRequest) == "claude-sonnet-4-5")
        #expect(text(row.modelResponse) == "claude-sonnet-4-5-20250929")
        #expect([row.inputTokens, row.outputTokens, row.cacheReadTokens, row.cacheCreationTokens] == [1234, 567, 800, 90])
        #expect(text(row.sessionID) == "conv_1")
        #expect(row.costUSD == nil && row.toolName == nil)
    }

    @Test("GenAI operations: tools, agents, embeddings and workflows; an unknown operation is other",
          arguments: [("execute_tool", SpanRow.Operation.tool), ("invoke_agent", .agent), ("create_agent", .agent),
                      ("embeddings", .embeddings), ("text_completion", .chat), ("generate_content", .chat),
                      ("invoke_workflow", .chain), ("evaluate", .other)])
    func genAIOperations(name: String, operation: SpanRow.Operation) {
        #expect(mapped([("gen_ai.operation.name", .string(name))]).operation == operation)
    }

    @Test("A tool span names its tool")
    func genAITool() {
        let row = mapped("execute_tool Bash", [("gen_ai.operation.name", .string("execute_tool")),
                                               ("gen_ai.tool.name", .string("Bash"))])
        #expect(row.operation == .tool)
        #expect(text(row.toolName) == "Bash")
    }

    @Test("GenAI, older names: prompt and completion tokens, and a span with gen_ai.system and a model but no operation is a chat")
    func genAIOlder() {
        let row = mapped("anthropic.chat", [
            ("gen_ai.system", .string("anthropic")), ("gen_ai.request.model", .string("claude-3-5-haiku")),
            ("gen_ai.usage.prompt_tokens", .int(10)), ("gen_ai.usage.completion_tokens", .int(3)),
            ("gen_ai.usage.cache_read_input_tokens", .int(4)), ("gen_ai.usage.cache_creation_input_tokens", .int(5)),
        ])
        #expect(row.operation == .chat)
        #expect(text(row.modelRequest) == "claude-3-5-haiku")
        #expect([row.inputTokens, row.outputTokens, row.cacheReadTokens, row.cacheCreationTokens] == [10, 3, 4, 5])
    }

    @Test("OpenInference: the span kind, llm.model_name for both models, llm.token_count.*, the cost and session.id")
    func openInference() {
        let row = mapped("ChatAnthropic", [
            ("openinference.span.kind", .string("LLM")), ("llm.model_name", .string("claude-opus-4-5")),
            ("llm.token_count.prompt", .int(200)), ("llm.token_count.completion", .int(20)),
            ("llm.token_count.prompt_details.cache_read", .int(150)),
            ("llm.token_count.prompt_details.cache_write", .int(50)), ("llm.cost.total", .double(0.0066)),
            ("session.id", .string("thread-9")),
        ])
        #expect(row.operation == .chat)
        #expect(text(row.modelRequest) == "claude-opus-4-5")
        #expect(text(row.modelResponse) == "claude-opus-4-5")
        #expect([row.inputTokens, row.outputTokens, row.cacheReadTokens, row.cacheCreationTokens] == [200, 20, 150, 50])
        #expect(row.costUSD == 0.0066)
        #expect(text(row.sessionID) == "thread-9")
    }

    @Test("OpenInference: request and response model names win over llm.model_name; span kinds map",
          arguments: [("TOOL", SpanRow.Operation.tool), ("AGENT", .agent), ("CHAIN", .chain), ("RETRIEVER", .retriever),
                      ("RERANKER", .retriever), ("EMBEDDING", .embeddings), ("GUARDRAIL", .other)])
    func openInferenceKinds(kind: String, operation: SpanRow.Operation) {
        let row = mapped([("llm.model_name", .string("generic")), ("openinference.span.kind", .string(kind)),
                          ("llm.response.model_name", .string("answered")), ("llm.request.model_name", .string("asked")),
                          ("tool.name", .string("search"))])
        #expect(row.operation == operation)
        #expect(text(row.modelRequest) == "asked")
        #expect(text(row.modelResponse) == "answered")
        #expect(text(row.toolName) == "search")
    }

    @Test("OpenLLMetry: the request type and span kind, and llm.usage.* tokens")
    func openLLMetry() {
        let chat = mapped([("llm.request.type", .string("chat")), ("llm.usage.prompt_tokens", .int(7)),
                           ("llm.usage.completion_tokens", .int(2))])
        #expect(chat.operation == .chat)
        #expect([chat.inputTokens, chat.outputTokens] == [7, 2])
        #expect(mapped([("traceloop.span.kind", .string("workflow"))]).operation == .chain)
    }

    @Test("Claude Code's spans by name, with its own token, model, tool and cost attributes", arguments: [
        ("claude_code.interaction", SpanRow.Operation.agent), ("claude_code.llm_request", .chat),
        ("claude_code.tool", .tool), ("claude_code.tool.blocked_on_user", .other),
        ("claude_code.tool.execution", .other), ("claude_code.hook", .hook),
    ])
    func claudeCode(name: String, operation: SpanRow.Operation) {
        let row = mapped(name, [
            ("model", .string("claude-opus-4-5")), ("input_tokens", .int(120)), ("output_tokens", .int(12)),
            ("cache_read_tokens", .int(3)), ("cache_creation_tokens", .int(4)), ("cost_usd", .double(0.0123)),
            ("tool_name", .string("Bash")), ("session.id", .string("cdc8484e")),
        ])
        #expect(row.operation == operation)
        #expect(text(row.modelRequest) == "claude-opus-4-5")
        #expect([row.inputTokens, row.outputTokens, row.cacheReadTokens, row.cacheCreationTokens] == [120, 12, 3, 4])
        #expect(row.costUSD == 0.0123)
        #expect(text(row.toolName) == "Bash")
        #expect(text(row.sessionID) == "cdc8484e")
    }

    @Test("Claude Code's name wins over the gen_ai.operation.name it sends as well; its cache_write spelling counts")
    func claudeCodeNameWins() {
        let row = mapped("claude_code.interaction", [("gen_ai.operation.name", .string("chat")),
                                                     ("gen_ai.usage.cache_write.input_tokens", .int(8))])
        #expect(row.operation == .agent)
        #expect(row.cacheCreationTokens == 8)
    }

    @Test("Gemini CLI's operations llm_call and tool_call")
    func geminiCLI() {
        #expect(mapped([("gen_ai.operation.name", .string("llm_call"))]).operation == .chat)
        #expect(mapped([("gen_ai.operation.name", .string("tool_call"))]).operation == .tool)
    }

    @Test("The preferred spelling wins whichever comes first")
    func preferredSpellingWins() {
        let later = mapped([("input_tokens", .int(1)), ("llm.token_count.prompt", .int(2)),
                            ("gen_ai.usage.input_tokens", .int(3)), ("gen_ai.usage.prompt_tokens", .int(4))])
        #expect(later.inputTokens == 3)
        let earlier = mapped([("gen_ai.usage.input_tokens", .int(3)), ("input_tokens", .int(1))])
        #expect(earlier.inputTokens == 3)
        let session = mapped([("gen_ai.conversation.id", .string("conversation")), ("session.id", .string("session"))])
        #expect(text(session.sessionID) == "session")
    }

    @Test("A session on the span wins over its resource's; without one the resource's is used")
    func resourceSession() {
        #expect(text(mapped([("session.id", .string("span"))], resourceSession: "resource").sessionID) == "span")
        #expect(text(mapped([], resourceSession: "resource").sessionID) == "resource")
        #expect(mapped([]).sessionID == nil)
    }

    @Test("Counts sent as whole doubles or strings of digits are read; negative, fractional or other ones are not")
    func tokenForms() {
        #expect(mapped([("gen_ai.usage.input_tokens", .double(42))]).inputTokens == 42)
        #expect(mapped([("gen_ai.usage.input_tokens", .string("42"))]).inputTokens == 42)
        #expect(mapped([("gen_ai.usage.input_tokens", .double(4.5))]).inputTokens == nil)
        #expect(mapped([("gen_ai.usage.input_tokens", .int(-1))]).inputTokens == nil)
        #expect(mapped([("gen_ai.usage.input_tokens", .bool(true))]).inputTokens == nil)
        #expect(mapped([("cost_usd", .string("0.5"))]).costUSD == 0.5)
        #expect(mapped([("cost_usd", .double(-1))]).costUSD == nil)
        #expect(mapped([("cost_usd", .double(.nan))]).costUSD == nil)
    }

    @Test("A text longer than the typed columns hold, or empty, stays in attributes only; a non-string model is ignored")
    func textLimits() {
        let long = String(repeating: "m", count: SpanConventions.maxTextLength + 1)
        #expect(mapped([("gen_ai.request.model", .string(long))]).modelRequest == nil)
        let fits = String(repeating: "é", count: SpanConventions.maxTextLength)
        #expect(text(mapped([("gen_ai.request.model", .string(fits))]).modelRequest) == fits)
        #expect(mapped([("gen_ai.tool.name", .string(""))]).toolName == nil)
        let numeric = mapped([("gen_ai.request.model", .int(4))])
        #expect(numeric.modelRequest == nil)
    }

    @Test("A span with no convention's attributes has no operation and no typed columns")
    func nothingKnown() {
        let row = mapped("GET /", [("http.method", .string("GET")), ("model.version", .string("3"))])
        #expect(row.operation == nil)
        #expect(row.modelRequest == nil && row.inputTokens == nil && row.sessionID == nil)
    }
}

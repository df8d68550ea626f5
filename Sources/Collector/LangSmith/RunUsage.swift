import JSON

/// The model and token counts of a run, read from where LangChain and the LangSmith SDK put them: the model in
/// `extra.metadata.ls_model_name` or `extra.invocation_params` (asked for) and in the outputs' `llm_output` or a
/// generation's `response_metadata` (answered with); the tokens in `usage_metadata` (in the outputs, in
/// `extra.metadata`, or on a generation's message), `llm_output.token_usage` or `llm_output.usage`, or an
/// OpenAI-style `usage` in the outputs. The first place that has a value wins; nil where none has.
struct RunUsage: Sendable, Equatable {
    var modelRequest: [UInt8]?
    var modelResponse: [UInt8]?
    var inputTokens: Int64?
    var outputTokens: Int64?
    var cacheReadTokens: Int64?
    var cacheCreationTokens: Int64?

    init(outputs: JSONValue?, extra: JSONValue?) {
        let metadata = extra?.member("metadata")
        let invocation = extra?.member("invocation_params")
        let llmOutput = outputs?.member("llm_output")
        let message = Self.firstGenerationMessage(outputs)
        modelRequest = Self.text(metadata?.member("ls_model_name"))
            ?? Self.text(invocation?.member("model")) ?? Self.text(invocation?.member("model_name"))
        modelResponse = Self.text(llmOutput?.member("model_name")) ?? Self.text(llmOutput?.member("model"))
            ?? Self.text(message?.member("response_metadata")?.member("model_name"))
            ?? Self.text(message?.member("response_metadata")?.member("model"))
            ?? Self.text(outputs?.member("response_metadata")?.member("model_name"))
            ?? Self.text(outputs?.member("model"))

        for usage in [outputs?.member("usage_metadata"), metadata?.member("usage_metadata"),
                      message?.member("usage_metadata")] {
            guard let usage, usage.kind == .object else { continue }
            inputTokens = Self.count(usage.member("input_tokens"))
            outputTokens = Self.count(usage.member("output_tokens"))
            let details = usage.member("input_token_details")
            cacheReadTokens = Self.count(details?.member("cache_read"))
            cacheCreationTokens = Self.count(details?.member("cache_creation"))
            if inputTokens != nil || outputTokens != nil { return }
        }
        // Provider shapes: OpenAI's prompt/completion counts, Anthropic's input/output with cache counts.
        for usage in [llmOutput?.member("token_usage"), llmOutput?.member("usage"), outputs?.member("usage")] {
            guard let usage, usage.kind == .object else { continue }
            inputTokens = Self.count(usage.member("prompt_tokens")) ?? Self.count(usage.member("input_tokens"))
            outputTokens = Self.count(usage.member("completion_tokens")) ?? Self.count(usage.member("output_tokens"))
            cacheReadTokens = Self.count(usage.member("cache_read_input_tokens"))
                ?? Self.count(usage.member("prompt_tokens_details")?.member("cached_tokens"))
            cacheCreationTokens = Self.count(usage.member("cache_creation_input_tokens"))
            if inputTokens != nil || outputTokens != nil { return }
        }
    }

    /// `generations[0][0].message` (LangChain's serialized message keeps its fields in `kwargs`).
    private static func firstGenerationMessage(_ outputs: JSONValue?) -> JSONValue? {
        guard let generations = outputs?.member("generations") else { return nil }
        var first = generations.elements.first { _ in true }
        if let inner = first, inner.kind == .array { first = inner.elements.first { _ in true } }
        guard let message = first?.member("message") else { return nil }
        return message.member("kwargs") ?? message
    }

    private static func text(_ value: JSONValue?) -> [UInt8]? {
        guard let text = value?.string, text.unicodeScalarCount >= 1, text.unicodeScalarCount <= maxModelLength else {
            return nil
        }
        return text.decodedBytes()
    }

    /// A token count: a whole number from 0 up.
    private static func count(_ value: JSONValue?) -> Int64? {
        guard let count = value?.int64, count >= 0 else { return nil }
        return count
    }

    /// Longer strings are not model names.
    static let maxModelLength = 256
}

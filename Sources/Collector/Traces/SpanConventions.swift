/// The typed columns of a span (operation, models, tool, tokens, cost, session), read from whichever convention its
/// attributes follow; both encodings of OTLP go through this one mapping, so a span is stored the same whether it came
/// as JSON or protobuf. Everything stays in `attributes` as well.
///
/// Where several spellings of one column are sent, the earlier in its list wins:
/// - OpenTelemetry GenAI, current: `gen_ai.operation.name`, `gen_ai.request.model`, `gen_ai.response.model`,
///   `gen_ai.tool.name`, `gen_ai.usage.input_tokens` / `output_tokens` / `cache_read.input_tokens` /
///   `cache_creation.input_tokens`, `gen_ai.conversation.id`;
/// - GenAI, older: `gen_ai.usage.prompt_tokens` / `completion_tokens`, `gen_ai.usage.cache_read_input_tokens` /
///   `cache_creation_input_tokens`; spans of that era name `gen_ai.system` and a model but no operation, so a span
///   with a model and no operation is taken for a chat;
/// - OpenInference: `openinference.span.kind`, `llm.model_name` (and `llm.request.model_name` /
///   `llm.response.model_name`), `llm.token_count.prompt` / `completion` / `prompt_details.cache_read` /
///   `prompt_details.cache_write`, `llm.cost.total`, `tool.name`, `session.id`;
/// - OpenLLMetry: `llm.request.type`, `traceloop.span.kind`, `llm.usage.prompt_tokens` / `completion_tokens`;
/// - Claude Code (`CLAUDE_CODE_ENHANCED_TELEMETRY_BETA=1`): its span names (`claude_code.interaction`, `.llm_request`,
///   `.tool`, `.tool.blocked_on_user`, `.tool.execution`, `.hook`), `model`, `tool_name`, `input_tokens`,
///   `output_tokens`, `cache_read_tokens`, `cache_creation_tokens`, `cost_usd`, `session.id`, and the
///   `gen_ai.usage.cache_write.input_tokens` it sends beside the GenAI names.
/// - Gemini CLI: `gen_ai.operation.name` values `llm_call` and `tool_call`.
struct SpanConventions {
    /// An attribute's value as far as the mapping reads it.
    enum Value {
        case string(String)
        case int(Int64)
        case double(Double)
        case bool(Bool)
    }

    /// A typed column's value longer than this many characters stays in `attributes` only.
    static let maxTextLength = 256

    private enum Column: Int, CaseIterable {
        case operation, modelRequest, modelResponse, toolName, inputTokens, outputTokens, cacheReadTokens
        case cacheCreationTokens, costUSD, sessionID
    }

    /// Each column's attribute names, the preferred first.
    private static let spellings: [Column: [String]] = [
        .operation: ["gen_ai.operation.name", "openinference.span.kind", "llm.request.type", "traceloop.span.kind"],
        .modelRequest: ["gen_ai.request.model", "llm.request.model_name", "llm.model_name", "model"],
        .modelResponse: ["gen_ai.response.model", "llm.response.model_name", "llm.model_name"],
        .toolName: ["gen_ai.tool.name", "tool.name", "tool_name"],
        .inputTokens: ["gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens", "llm.token_count.prompt",
                       "llm.usage.prompt_tokens", "input_tokens"],
        .outputTokens: ["gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens", "llm.token_count.completion",
                        "llm.usage.completion_tokens", "output_tokens"],
        .cacheReadTokens: ["gen_ai.usage.cache_read.input_tokens", "gen_ai.usage.cache_read_input_tokens",
                           "llm.token_count.prompt_details.cache_read", "cache_read_tokens"],
        .cacheCreationTokens: ["gen_ai.usage.cache_creation.input_tokens", "gen_ai.usage.cache_creation_input_tokens",
                               "gen_ai.usage.cache_write.input_tokens", "llm.token_count.prompt_details.cache_write",
                               "cache_creation_tokens"],
        .costUSD: ["cost_usd", "llm.cost.total"],
        .sessionID: ["session.id", "gen_ai.conversation.id"],
    ]

    /// Attribute name -> the columns it may fill and its rank in each; built once from `spellings`.
    private static let columns: [String: [(column: Column, rank: Int)]] = {
        var columns: [String: [(column: Column, rank: Int)]] = [:]
        for (column, names) in spellings {
            for (rank, name) in names.enumerated() { columns[name, default: []].append((column, rank)) }
        }
        return columns
    }()

    /// The operation each convention's value names (keys lowercased). A value not listed is `other`.
    private static let operations: [String: SpanRow.Operation] = [
        // GenAI
        "chat": .chat, "text_completion": .chat, "generate_content": .chat, "embeddings": .embeddings,
        "execute_tool": .tool, "invoke_agent": .agent, "create_agent": .agent, "invoke_workflow": .chain,
        // Gemini CLI
        "llm_call": .chat, "tool_call": .tool,
        // OpenInference span kinds
        "llm": .chat, "embedding": .embeddings, "tool": .tool, "agent": .agent, "chain": .chain,
        "retriever": .retriever, "reranker": .retriever,
        // OpenLLMetry request types and span kinds
        "completion": .chat, "rerank": .retriever, "workflow": .chain, "task": .chain,
    ]

    /// Claude Code's spans say what they are by name; its tool's phases are parts of the tool call, not calls.
    private static let claudeCodeSpans: [String: SpanRow.Operation] = [
        "claude_code.interaction": .agent, "claude_code.llm_request": .chat, "claude_code.tool": .tool,
        "claude_code.tool.blocked_on_user": .other, "claude_code.tool.execution": .other, "claude_code.hook": .hook,
    ]

    private var found: [(value: Value, rank: Int)?] = Array(repeating: nil, count: Column.allCases.count)

    /// Reads one attribute; `value` is called only for a name the mapping knows and a column it may still fill.
    mutating func read(_ key: String, _ value: () -> Value?) {
        guard let targets = Self.columns[key] else { return }
        let wanted = targets.filter { target in found[target.column.rawValue].map { $0.rank > target.rank } ?? true }
        guard !wanted.isEmpty, let value = value() else { return }
        for (column, rank) in wanted { found[column.rawValue] = (value, rank) }
    }

    /// Fills the typed columns of `row`; a session named on the span wins over its resource's.
    func apply(to row: inout SpanRow, spanName: String, resourceSessionID: [UInt8]?) {
        row.modelRequest = text(.modelRequest)
        row.modelResponse = text(.modelResponse)
        row.toolName = text(.toolName)
        row.inputTokens = tokens(.inputTokens)
        row.outputTokens = tokens(.outputTokens)
        row.cacheReadTokens = tokens(.cacheReadTokens)
        row.cacheCreationTokens = tokens(.cacheCreationTokens)
        row.costUSD = number(.costUSD).flatMap { $0 >= 0 ? $0 : nil }
        row.sessionID = text(.sessionID) ?? resourceSessionID
        if let operation = Self.claudeCodeSpans[spanName] {
            row.operation = operation
        } else if case let .string(name)? = found[Column.operation.rawValue]?.value {
            row.operation = Self.operations[name.lowercased()] ?? .other
        } else if row.modelRequest != nil || row.modelResponse != nil {
            row.operation = .chat
        }
    }

    private func text(_ column: Column) -> [UInt8]? {
        guard case let .string(text)? = found[column.rawValue]?.value else { return nil }
        return Self.fitting(text)
    }

    /// `text` as a typed column holds it: 1 to `maxTextLength` characters, else nil.
    static func fitting(_ text: String) -> [UInt8]? {
        let count = text.unicodeScalars.count
        return count >= 1 && count <= maxTextLength ? Array(text.utf8) : nil
    }

    /// A count: a non-negative integer, also as a whole double or a string of digits (as some senders write them).
    private func tokens(_ column: Column) -> Int64? {
        switch found[column.rawValue]?.value {
        case let .int(count)?: count >= 0 ? count : nil
        case let .double(count)?: count >= 0 && count < 9.2e18 && count.rounded() == count ? Int64(count) : nil
        case let .string(text)?: Int64(text).flatMap { $0 >= 0 ? $0 : nil }
        default: nil
        }
    }

    private func number(_ column: Column) -> Double? {
        switch found[column.rawValue]?.value {
        case let .int(number)?: Double(number)
        case let .double(number)?: number.isFinite ? number : nil
        case let .string(text)?: Double(text).flatMap { $0.isFinite ? $0 : nil }
        default: nil
        }
    }
}

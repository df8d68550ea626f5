/// One span, validated, ready for `SpanColumns`: what an OTLP span (JSON or protobuf) or a LangSmith run becomes.
/// Texts are UTF-8 bytes, JSON values are serialized JSON, times are microseconds since 2000-01-01 UTC (PostgreSQL's
/// epoch), as the binary transport takes them. The host is not here: it is always the key's (`SpanColumns.hostID`).
struct SpanRow: Sendable, Equatable {
    enum Kind: String, Sendable {
        case `internal`, server, client, producer, consumer
    }

    enum Status: String, Sendable {
        case unset, ok, error
    }

    enum Source: String, Sendable {
        case otlp, langsmith
    }

    /// What the span does, normalised over the conventions (`gen_ai.operation.name`, `openinference.span.kind`,
    /// Claude Code's span names, LangSmith's `run_type`).
    enum Operation: String, Sendable {
        case chat, embeddings, tool, agent, chain, retriever, hook, other
    }

    /// Lowercase hex for OTLP ids, the UUID as sent for LangSmith runs.
    var traceID: [UInt8]
    var spanID: [UInt8]
    var parentSpanID: [UInt8]?
    var name: [UInt8]
    var kind: Kind?
    var startTime: Int64
    /// nil while a LangSmith run is open.
    var endTime: Int64?
    var status: Status = .unset
    var statusMessage: [UInt8]?
    var serviceName: [UInt8]?
    var sessionID: [UInt8]?
    var source: Source
    var operation: Operation?
    var modelRequest: [UInt8]?
    var modelResponse: [UInt8]?
    var toolName: [UInt8]?
    var inputTokens: Int64?
    var outputTokens: Int64?
    var cacheReadTokens: Int64?
    var cacheCreationTokens: Int64?
    /// The cost the sender stated; nil when it stated none.
    var costUSD: Double?
    /// A JSON object.
    var attributes: [UInt8] = Array("{}".utf8)
    /// A JSON object.
    var resource: [UInt8] = Array("{}".utf8)
    /// JSON arrays, nil when the span has none.
    var events: [UInt8]?
    var links: [UInt8]?
    var runType: [UInt8]?
    var dottedOrder: [UInt8]?
    var inputs: [UInt8]?
    var outputs: [UInt8]?

    /// The span's length in milliseconds, when it has ended.
    var durationMs: Double? {
        endTime.map { Double($0 - startTime) / 1000 }
    }
}

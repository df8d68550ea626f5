import JSON

/// One run as one request tells it, its post and patch merged: each field holds what the operations that carried it
/// said (null counts as not carried), so a patch fills in what its post left open. Stored with `RunUpsert`, which
/// merges it the same way into a run an earlier request stored.
struct LangSmithRun: Sendable {
    /// The run's id, lowercase: the span id.
    let id: String
    var traceID: String?
    var parentRunID: String?
    var dottedOrder: DottedOrder?
    var startTime: Int64?
    var endTime: Int64?
    var name: [UInt8]?
    var runType: [UInt8]?
    var error: [UInt8]?
    var sessionName: [UInt8]?
    /// The conversation: `thread_id`, `session_id` or `conversation_id` in `extra.metadata`.
    var threadID: [UInt8]?
    var usage = RunUsage(outputs: nil, extra: nil)
    var inputs: [UInt8]?
    var outputs: [UInt8]?
    var events: [UInt8]?
    /// `extra.runtime`: the SDK and platform that sent the run.
    var runtime: [UInt8]?
    /// Top-level JSON members of `attributes` by key, in the order first seen; a later operation's value replaces.
    private(set) var attributes: [(key: String, json: [UInt8])] = []
    /// True when a post of the run was among the operations.
    var posted = false

    init(id: String) {
        self.id = id
    }

    mutating func setAttribute(_ key: String, _ json: [UInt8]) {
        if let index = attributes.firstIndex(where: { $0.key == key }) {
            attributes[index].json = json
        } else {
            attributes.append((key, json))
        }
    }

    /// Where the run sits in time, which with host, trace and id makes it the same run in every request: its own
    /// segment of `dotted_order` when sent, which every SDK sends unchanged with post and patch (the JS SDK's
    /// `start_time` is in milliseconds while its dotted order adds an execution counter in the microseconds), else
    /// `start_time`. nil for a patch that carries neither: the stored run's start is looked up.
    var placeInTime: Int64? {
        dottedOrder?.own.start ?? startTime
    }

    var operation: SpanRow.Operation? {
        guard let runType else { return nil }
        return switch String(decoding: runType, as: UTF8.self) {
        case "llm", "chat_model", "chat": .chat
        case "tool": .tool
        case "chain": .chain
        case "retriever": .retriever
        case "embedding", "embeddings": .embeddings
        case "agent": .agent
        default: .other
        }
    }

    /// The span row, once the trace id is known and the run's place in time is `start`. A run open (posted, not yet
    /// ended) or told in a patch before its post leaves fields nil (and the name empty) for `RunUpsert` to keep the
    /// stored values.
    func span(traceID: String, start: Int64) -> SpanRow {
        var attributes: [UInt8] = [UInt8(ascii: "{")]
        for (offset, member) in self.attributes.enumerated() {
            if offset > 0 { attributes.append(UInt8(ascii: ",")) }
            JSONText.appendQuoted(member.key, to: &attributes)
            attributes.append(UInt8(ascii: ":"))
            attributes += member.json
        }
        attributes.append(UInt8(ascii: "}"))
        var row = SpanRow(traceID: Array(traceID.utf8), spanID: Array(id.utf8), name: name ?? [], startTime: start,
                          source: .langsmith)
        row.parentSpanID = parentRunID.map { Array($0.utf8) }
        row.endTime = endTime
        row.status = error != nil ? .error : (endTime != nil ? .ok : .unset)
        row.statusMessage = error
        row.serviceName = sessionName
        row.sessionID = threadID
        row.operation = operation
        row.modelRequest = usage.modelRequest
        row.modelResponse = usage.modelResponse
        row.toolName = operation == .tool ? name : nil
        row.inputTokens = usage.inputTokens
        row.outputTokens = usage.outputTokens
        row.cacheReadTokens = usage.cacheReadTokens
        row.cacheCreationTokens = usage.cacheCreationTokens
        row.attributes = attributes
        if let runtime { row.resource = runtime }
        row.events = events
        row.runType = runType
        row.dottedOrder = dottedOrder.map { Array($0.text.utf8) }
        row.inputs = inputs
        row.outputs = outputs
        return row
    }
}

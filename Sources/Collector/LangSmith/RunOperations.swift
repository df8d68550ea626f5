import JSON

/// The run operations of one request applied in order, posts before patches, and merged per run: what
/// `LangSmithRunDecoder` builds from a batch, a single run or a multipart body, whichever the SDK sent.
struct RunOperations {
    enum Kind: String, Sendable {
        case post, patch
    }

    let fieldMaxBytes: Int
    let maxOperations: Int
    private(set) var runs: [LangSmithRun] = []
    private var positions: [String: Int] = [:]
    private var operationCount = 0

    init(fieldMaxBytes: Int, maxOperations: Int) {
        self.fieldMaxBytes = fieldMaxBytes
        self.maxOperations = maxOperations
    }

    /// Applies one post or patch given as its fields (a run object's members, plus a multipart body's
    /// `post.{id}.inputs` and such). `index` is the operation's place in its list, for errors.
    mutating func apply(
        _ kind: Kind, fields: [(key: String, value: JSONValue)], pathID: String? = nil, index: Int?
    ) throws(ValidationError) {
        operationCount += 1
        guard operationCount <= maxOperations else {
            throw ValidationError("too_many_runs", "one request may carry at most \(maxOperations) run operations "
                                  + "(LANGSMITH_MAX_RUNS_PER_REQUEST); send fewer at once")
        }
        var id = pathID
        if let value = fields.last(where: { $0.key == "id" })?.value {
            guard let bodyID = try RunID.optional(value, field: "id", index: index) else {
                throw .missing("id", index: index, "each \(kind.rawValue) needs the run's id")
            }
            if let pathID, pathID != bodyID {
                throw ValidationError("invalid_field", "the body's id \(bodyID) is not the run \(pathID) of the path",
                                      index: index, field: "id")
            }
            id = bodyID
        }
        guard let id else { throw .missing("id", index: index, "each \(kind.rawValue) needs the run's id") }
        let position = positions[id] ?? {
            runs.append(LangSmithRun(id: id))
            positions[id] = runs.count - 1
            return runs.count - 1
        }()
        var run = runs[position]
        if kind == .post { run.posted = true }
        var outputs: JSONValue?
        var extra: JSONValue?
        for (key, value) in fields where !value.isNull {
            switch key {
            case "id": continue
            case "trace_id": run.traceID = try RunID.optional(value, field: key, index: index)
            case "parent_run_id": run.parentRunID = try RunID.optional(value, field: key, index: index)
            case "dotted_order":
                guard let text = value.string, let order = DottedOrder(text.decoded()) else {
                    throw ValidationError("invalid_field", "dotted_order must be segments YYYYMMDDTHHMMSSffffffZ<run id> "
                                          + "joined by dots, from the trace's root run to this one", index: index, field: key)
                }
                run.dottedOrder = order
            case "start_time": run.startTime = try Self.time(value, field: key, index: index)
            case "end_time": run.endTime = try Self.time(value, field: key, index: index)
            case "name": run.name = try text(value, field: key, index: index)
            case "run_type": run.runType = try text(value, field: key, index: index)
            case "session_name": run.sessionName = try text(value, field: key, index: index)
            case "error": run.error = try text(value, field: key, index: index)
            // Empty inputs, outputs or events say nothing either: the SDK posts a run still open with `{}` outputs
            // and `[]` events, which must not hide what its patch, arrived first, told.
            case "inputs" where value.isEmptyContainer, "outputs" where value.isEmptyContainer,
                 "events" where value.isEmptyContainer:
                continue
            case "inputs": run.inputs = cut(value, key: key, into: &run)
            case "outputs":
                outputs = value
                run.outputs = cut(value, key: key, into: &run)
            case "events": run.events = cut(value, key: key, into: &run)
            case "extra":
                guard value.kind == .object else {
                    throw ValidationError("invalid_field", "extra must be an object", index: index, field: key)
                }
                extra = value
                for member in value.members where !member.value.isNull {
                    let name = member.key.decoded()
                    if name == "runtime" {
                        run.runtime = member.value.kind == .object ? cut(member.value, key: name, into: &run) : nil
                    } else {
                        run.setAttribute(name, cut(member.value, key: name, into: &run))
                    }
                }
                if let thread = Self.thread(value.member("metadata")) { run.threadID = thread }
            default: run.setAttribute(key, cut(value, key: key, into: &run))
            }
        }
        if outputs != nil || extra != nil {
            let usage = RunUsage(outputs: outputs, extra: extra)
            run.usage.modelRequest = usage.modelRequest ?? run.usage.modelRequest
            run.usage.modelResponse = usage.modelResponse ?? run.usage.modelResponse
            run.usage.inputTokens = usage.inputTokens ?? run.usage.inputTokens
            run.usage.outputTokens = usage.outputTokens ?? run.usage.outputTokens
            run.usage.cacheReadTokens = usage.cacheReadTokens ?? run.usage.cacheReadTokens
            run.usage.cacheCreationTokens = usage.cacheCreationTokens ?? run.usage.cacheCreationTokens
        }
        runs[position] = run
    }

    /// Notes a multipart attachment under the run's `attachments` attribute (its name, type and size; the bytes are
    /// not kept). The run must be in the same request.
    mutating func attach(name: String, to id: String, contentType: String?, size: Int) throws(ValidationError) {
        guard let position = positions[id] else {
            throw ValidationError("unknown_run", "the attachment \(name) is for run \(id), which this request does not "
                                  + "post or patch", field: "attachment.\(id).\(name)")
        }
        var entry: [UInt8] = Array(#"{"name":"#.utf8)
        JSONText.appendQuoted(name, to: &entry)
        entry += Array(#","content_type":"#.utf8)
        if let contentType { JSONText.appendQuoted(contentType, to: &entry) } else { entry += Array("null".utf8) }
        entry += Array(#","bytes":\#(size)}"#.utf8)
        var run = runs[position]
        let list = run.attributes.first { $0.key == "attachments" }?.json
        run.setAttribute("attachments", list.map { Array($0.dropLast()) + Array(",".utf8) + entry + Array("]".utf8) }
                         ?? Array("[".utf8) + entry + Array("]".utf8))
        runs[position] = run
    }

    /// The runs, each checked: a trace id (sent, the root of its dotted order, or its own id for a root run), a
    /// dotted order that names this run last and its trace first, a name for a post, an end not before its start.
    func finished() throws(ValidationError) -> [(run: LangSmithRun, traceID: String)] {
        var out: [(run: LangSmithRun, traceID: String)] = []
        out.reserveCapacity(runs.count)
        for run in runs {
            let traceID = run.traceID ?? run.dottedOrder?.root.id ?? (run.posted && run.parentRunID == nil ? run.id : nil)
            guard let traceID else {
                throw .missing("trace_id", "run \(run.id) needs trace_id (or a dotted_order) to be placed in its trace")
            }
            if let order = run.dottedOrder {
                guard order.own.id == run.id else {
                    throw ValidationError("invalid_dotted_order", "run \(run.id): the last segment of dotted_order names "
                                          + "run \(order.own.id), not this run", field: "dotted_order")
                }
                guard order.root.id == traceID else {
                    throw ValidationError("invalid_dotted_order", "run \(run.id): the first segment of dotted_order names "
                                          + "run \(order.root.id), not the trace \(traceID)", field: "dotted_order")
                }
            }
            if run.posted && (run.name ?? []).isEmpty {
                throw .missing("name", "run \(run.id) is posted without a name")
            }
            if let start = run.placeInTime, let end = run.endTime, end < start {
                throw ValidationError("invalid_field", "run \(run.id) ends before it starts", field: "end_time")
            }
            out.append((run, traceID))
        }
        return out
    }

    /// A string field's text (cut to the field limit), or the error naming it.
    private func text(_ value: JSONValue, field: String, index: Int?) throws(ValidationError) -> [UInt8] {
        guard let text = value.string else {
            throw ValidationError("invalid_field", "\(field) must be a string or null", index: index, field: field)
        }
        return Array(JSONCut.utf8Prefix(text.decodedBytes(), maxBytes: fieldMaxBytes))
    }

    /// A JSON value kept whole up to the field limit, else cut with its size recorded as `<key>_truncated`.
    private func cut(_ value: JSONValue, key: String, into run: inout LangSmithRun) -> [UInt8] {
        var out: [UInt8] = []
        if let size = JSONCut.append(value, maxBytes: fieldMaxBytes, to: &out) {
            run.setAttribute(key + "_truncated", Array(String(size).utf8))
        }
        return out
    }

    /// The conversation a run belongs to, from LangGraph's `thread_id` or the `session_id`/`conversation_id` apps set.
    private static func thread(_ metadata: JSONValue?) -> [UInt8]? {
        guard let metadata, metadata.kind == .object else { return nil }
        for key in ["thread_id", "session_id", "conversation_id"] {
            guard let value = metadata.member(key) else { continue }
            if let text = value.string, text.unicodeScalarCount >= 1, text.unicodeScalarCount <= EventSchema.sessionID.maxLength {
                return text.decodedBytes()
            }
            if value.kind == .number { return Array(value.rawBytes) }
        }
        return nil
    }

    /// An RFC 3339 time (without an offset it is UTC, as older Python SDKs send it), or milliseconds since the Unix
    /// epoch (as JavaScript's `Date.now()`), as microseconds since 2000-01-01 UTC.
    static func time(_ value: JSONValue, field: String, index: Int?) throws(ValidationError) -> Int64 {
        if let text = value.string?.decodedBytes() {
            if let time = Timestamp.parse(text) ?? Timestamp.parse(text + Array("Z".utf8)) { return time }
        } else if let milliseconds = value.double, milliseconds.isFinite, abs(milliseconds) < 1e14 {
            return Int64((milliseconds * 1000).rounded()) - Timestamp.unixEpochMicrosecondsSince2000
        }
        throw ValidationError("invalid_field", "\(field) must be an RFC 3339 time (2026-01-15T10:30:00.123456Z) or "
                              + "milliseconds since 1970", index: index, field: field)
    }
}

private extension JSONValue {
    var isEmptyContainer: Bool { (kind == .object || kind == .array) && count == 0 }
}

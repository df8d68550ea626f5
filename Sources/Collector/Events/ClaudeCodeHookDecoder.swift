import JSON

/// One Claude Code hook call (the JSON a hook gets: `session_id`, `hook_event_name`, `tool_name`, ...) as one
/// event. `hook_event_name` is the event type, `session_id` the session, `tool_name` the tool, `duration_ms`
/// the latency; `tool_use_id` plus the hook name is the idempotency key. Everything else is kept in
/// `attributes`, each value longer than `fieldMaxBytes` cut, with `<field>_truncated` holding its original size.
struct ClaudeCodeHookDecoder: Sendable {
    /// The agent name hook events are stored under.
    static let agentName = "claude-code"

    var fieldMaxBytes: Int
    var jsonLimits: JSONLimits

    func decode(_ body: [UInt8], hostID: String, receivedAt: Int64) throws(APIError) -> EventBatch {
        let root = try JSONBody.object(body, limits: jsonLimits, expected: "the JSON object Claude Code sends to a hook").root
        var eventType: [UInt8]?
        var sessionID: [UInt8]?
        var toolName: [UInt8]?
        var latency: Int32?
        var toolUseID: [UInt8]?
        var attributes = JSONObjectBuilder()
        for member in root.members {
            let key = member.key
            let value = member.value
            if key.equals("hook_event_name") {
                eventType = try requiredText(value, field: "hook_event_name", maxLength: EventSchema.eventType.maxLength)
                continue
            }
            if key.equals("session_id") {
                sessionID = try requiredText(value, field: "session_id", maxLength: EventSchema.sessionID.maxLength)
                continue
            }
            if key.equals("tool_name"), let text = value.string, text.unicodeScalarCount <= EventSchema.toolName.maxLength {
                toolName = text.decodedBytes()
                continue
            }
            if key.equals("duration_ms"), let milliseconds = Self.milliseconds(value) {
                latency = milliseconds
                continue
            }
            if key.equals("tool_use_id"), let text = value.string {
                toolUseID = text.decodedBytes()
            }
            var originalSize: Int?
            attributes.add(key: key) { (out: inout [UInt8]) in
                originalSize = JSONCut.append(value, maxBytes: fieldMaxBytes, to: &out)
            }
            if let originalSize {
                attributes.add(key: key.decoded() + "_truncated", value: String(originalSize).utf8)
            }
        }
        guard let eventType else {
            throw APIError(400, "missing_field", "the body needs hook_event_name", field: "hook_event_name")
        }
        guard let sessionID else {
            throw APIError(400, "missing_field", "the body needs session_id", field: "session_id")
        }
        var eventID: [UInt8]?
        if let toolUseID, !toolUseID.isEmpty {
            let id = toolUseID + Array(":".utf8) + eventType
            if String(decoding: id, as: UTF8.self).unicodeScalars.count <= EventSchema.eventID.maxLength { eventID = id }
        }
        var columns = OptionalColumns()
        columns[EventSchema.agentName] = Array(Self.agentName.utf8)
        columns[EventSchema.toolName] = toolName
        var batch = EventBatch(hostID: hostID)
        var seenIDs: Set<String> = []
        batch.append(EventRow(sessionID: sessionID, eventType: eventType, timestamp: receivedAt, optionalText: columns.values,
                              latencyMs: latency, eventID: eventID, attributes: attributes.finished()),
                     seenIDs: &seenIDs)
        return batch
    }

    private func requiredText(_ value: JSONValue, field: String, maxLength: Int) throws(APIError) -> [UInt8] {
        guard let text = value.string, text.unicodeScalarCount >= 1, text.unicodeScalarCount <= maxLength else {
            throw APIError(400, "invalid_field", "\(field) must be a string of 1 to \(maxLength) characters", field: field)
        }
        return text.decodedBytes()
    }

    /// A duration in milliseconds that fits the latency column: a number from 0 up, rounded.
    static func milliseconds(_ value: JSONValue) -> Int32? {
        if let whole = value.int64 {
            return whole >= 0 ? Int32(clamping: whole) : nil
        }
        guard let number = value.double, number.isFinite, number >= 0 else { return nil }
        return number >= Double(Int32.max) ? Int32.max : Int32(number.rounded())
    }
}

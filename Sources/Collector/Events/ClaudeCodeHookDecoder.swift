import JSON

/// One Claude Code hook call (the JSON a hook gets: `session_id`, `hook_event_name`, `tool_name`, ...) as one
/// event. `hook_event_name` is the event type, `session_id` the session, `tool_name` the tool, `duration_ms`
/// the latency; `tool_use_id` plus the hook name is the event's id. The time is that of receipt (a hook call carries
/// none), so a call delivered twice is two events of one id; a spool replay keeps it and is skipped. Everything else is kept in
/// `attributes`, each value longer than `fieldMaxBytes` cut, with `<field>_truncated` holding its original size.
struct ClaudeCodeHookDecoder: Sendable {
    /// The agent name hook events are stored under.
    static let agentName = "claude-code"

    var fieldMaxBytes: Int
    var jsonLimits: JSONLimits

    func decode(_ body: [UInt8], hostID: String, receivedAt: Int64) throws(ValidationError) -> EventBatch {
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
                eventType = try Self.requiredText(value, field: "hook_event_name", maxLength: EventSchema.eventType.maxLength)
                continue
            }
            if key.equals("session_id") {
                sessionID = try Self.requiredText(value, field: "session_id", maxLength: EventSchema.sessionID.maxLength)
                continue
            }
            if key.equals("tool_name"), let text = EventSchema.toolName.fitting(value.string) {
                toolName = text
                continue
            }
            if key.equals("duration_ms"), let milliseconds = Latency.rounded(value) {
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
        guard let eventType else { throw .missing("hook_event_name", "the body needs hook_event_name") }
        guard let sessionID else { throw .missing("session_id", "the body needs session_id") }
        var row = EventRow(sessionID: sessionID, eventType: eventType, timestamp: receivedAt, attributes: attributes.finished())
        row.agentName = Array(Self.agentName.utf8)
        row.toolName = toolName
        row.latencyMs = latency
        if let toolUseID, !toolUseID.isEmpty {
            let id = toolUseID + Array(":".utf8) + eventType
            if String(decoding: id, as: UTF8.self).unicodeScalars.count <= EventSchema.eventID.maxLength { row.eventID = id }
        }
        var batch = EventBatch(hostID: hostID)
        batch.append(row)
        return batch
    }

    private static func requiredText(_ value: JSONValue, field: String, maxLength: Int) throws(ValidationError) -> [UInt8] {
        guard let text = value.string, text.unicodeScalarCount >= 1, text.unicodeScalarCount <= maxLength else {
            throw ValidationError("invalid_field", "\(field) must be a string of 1 to \(maxLength) characters", field: field)
        }
        return text.decodedBytes()
    }
}

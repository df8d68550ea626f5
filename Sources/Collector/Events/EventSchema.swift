import JSON

/// The fields of an event the collector understands, and the most each may hold (in Unicode code points).
/// Everything else an event carries is kept, exactly, in `attributes`.
enum EventSchema {
    static let sessionID = Field(name: "sessionId", maxLength: 256)
    static let eventType = Field(name: "eventType", maxLength: 128)
    static let hostID = Field(name: "hostId", maxLength: 128)
    static let agentName = Field(name: "agentName", maxLength: 128)
    static let decision = Field(name: "decision", maxLength: 64)
    static let decisionReason = Field(name: "decisionReason", maxLength: 4096)
    static let toolName = Field(name: "toolName", maxLength: 256)
    static let modelTier = Field(name: "modelTier", maxLength: 64)
    static let eventID = Field(name: "eventId", maxLength: 128)
    static let timestamp = "timestamp"
    static let latencyMs = "latencyMs"

    struct Field: Sendable {
        let name: String
        let maxLength: Int

        /// A string or null: its UTF-8 bytes, nil for null. `index` names the event in errors.
        func optionalText(_ value: JSONValue, index: Int? = nil) throws(ValidationError) -> [UInt8]? {
            if value.isNull { return nil }
            guard let text = value.string else {
                throw ValidationError("invalid_field", "\(name) must be a string or null", index: index, field: name)
            }
            guard text.unicodeScalarCount <= maxLength else {
                throw ValidationError("field_too_long", "\(name) is longer than \(maxLength) characters", index: index,
                                      field: name)
            }
            return text.hasEscapes ? text.decodedBytes() : Array(text.rawContent)
        }

        /// A string of 1 to `maxLength` characters.
        func requiredText(_ value: JSONValue, index: Int? = nil) throws(ValidationError) -> [UInt8] {
            guard let text = try optionalText(value, index: index), !text.isEmpty else {
                throw ValidationError("invalid_field", "\(name) must be a string of 1 to \(maxLength) characters",
                                      index: index, field: name)
            }
            return text
        }

        /// A string that fits, or nil: for formats where a value too long for its column stays in `attributes`.
        func fitting(_ text: JSONString?) -> [UInt8]? {
            guard let text, text.unicodeScalarCount <= maxLength else { return nil }
            return text.decodedBytes()
        }

        func fitting(_ text: String?) -> [UInt8]? {
            guard let text, text.unicodeScalars.count <= maxLength else { return nil }
            return Array(text.utf8)
        }
    }
}

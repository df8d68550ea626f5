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

    /// The optional text columns, in the order the insert statement takes them.
    static let optionalText = [agentName, decision, decisionReason, toolName, modelTier]

    struct Field: Sendable {
        let name: String
        let maxLength: Int
    }
}

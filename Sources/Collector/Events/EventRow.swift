/// One event after validation, its text as UTF-8 bytes (no NULs, within the caps of `EventSchema`).
struct EventRow: Sendable {
    var sessionID: [UInt8]
    var eventType: [UInt8]
    /// Microseconds since 2000-01-01 UTC.
    var timestamp: Int64
    var agentName: [UInt8]?
    var decision: [UInt8]?
    var decisionReason: [UInt8]?
    var toolName: [UInt8]?
    var modelTier: [UInt8]?
    var latencyMs: Int32?
    var eventID: [UInt8]?
    /// The OTLP trace and span a log record was written in, as lowercase hex (32 and 16 digits).
    var traceID: [UInt8]?
    var spanID: [UInt8]?
    /// A JSON object's text.
    var attributes: [UInt8]

    init(sessionID: [UInt8], eventType: [UInt8], timestamp: Int64, attributes: [UInt8]) {
        self.sessionID = sessionID
        self.eventType = eventType
        self.timestamp = timestamp
        self.attributes = attributes
    }
}

import Postgres

/// One request's validated events on their way to a writer, already in the columns of the insert.
struct EventBatch: Sendable {
    let hostID: String
    var columns = EventColumns()
    /// Each event's id and timestamp: the id skips a repeat within the request, both tell inserted from duplicate
    /// (the table's key is host, id and timestamp).
    private(set) var timestampsByEventID: [String: Int64] = [:]
    /// Events dropped because an earlier event of the same request had the same eventId.
    var duplicatesWithinRequest = 0

    init(hostID: String) {
        self.hostID = hostID
    }

    var count: Int { columns.count }

    var eventIDs: Set<String> { Set(timestampsByEventID.keys) }

    /// Adds one validated event, giving it an id if it has none. A repeat of an eventId already in this batch
    /// is counted, not added.
    mutating func append(_ row: EventRow) {
        let eventID = row.eventID ?? EventID.generate()
        let key = String(decoding: eventID, as: UTF8.self)
        guard timestampsByEventID[key] == nil else {
            duplicatesWithinRequest += 1
            return
        }
        timestampsByEventID[key] = row.timestamp
        columns.update(.hostID) { $0.appendText(hostID.utf8) }
        columns.update(.sessionID) { $0.appendText(row.sessionID) }
        columns.update(.eventType) { $0.appendText(row.eventType) }
        columns.update(.timestamp) { $0.appendTimestamp(microsecondsSince2000: row.timestamp) }
        columns.update(.agentName) { $0.appendOptionalText(row.agentName) }
        columns.update(.decision) { $0.appendOptionalText(row.decision) }
        columns.update(.decisionReason) { $0.appendOptionalText(row.decisionReason) }
        columns.update(.toolName) { $0.appendOptionalText(row.toolName) }
        columns.update(.modelTier) { $0.appendOptionalText(row.modelTier) }
        columns.update(.latencyMs) { column in
            if let latency = row.latencyMs { column.appendInt32(value: latency) } else { column.appendNull() }
        }
        columns.update(.eventID) { $0.appendText(eventID) }
        columns.update(.attributes) { $0.appendJSONB(row.attributes) }
        columns.update(.traceID) { $0.appendOptionalText(row.traceID) }
        columns.update(.spanID) { $0.appendOptionalText(row.spanID) }
    }
}

import Postgres

/// Validated events laid out as the columns of the events insert, each already in PostgreSQL's binary array
/// format, so that batches join a group commit by concatenation.
struct EventColumns: Sendable {
    var hostID = BinaryArray(elementType: PostgresType.text, arrayType: PostgresType.textArray)
    var sessionID = BinaryArray(elementType: PostgresType.text, arrayType: PostgresType.textArray)
    var eventType = BinaryArray(elementType: PostgresType.text, arrayType: PostgresType.textArray)
    var timestamp = BinaryArray(elementType: PostgresType.timestamptz, arrayType: PostgresType.timestamptzArray)
    /// agent_name, decision, decision_reason, tool_name, model_tier: `EventSchema.optionalText` in order.
    var optionalText = Array(
        repeating: BinaryArray(elementType: PostgresType.text, arrayType: PostgresType.textArray),
        count: EventSchema.optionalText.count)
    var latencyMs = BinaryArray(elementType: PostgresType.int4, arrayType: PostgresType.int4Array)
    var eventID = BinaryArray(elementType: PostgresType.text, arrayType: PostgresType.textArray)
    var attributes = BinaryArray(elementType: PostgresType.jsonb, arrayType: PostgresType.jsonbArray)

    var count: Int { sessionID.elementCount }

    init() {}

    /// Columns from the arrays `arrays(of:)` gave, in that order.
    init(arrays: [BinaryArray]) {
        precondition(arrays.count == 7 + EventSchema.optionalText.count, "wrong number of event columns")
        hostID = arrays[0]
        sessionID = arrays[1]
        eventType = arrays[2]
        timestamp = arrays[3]
        optionalText = Array(arrays[4..<(4 + EventSchema.optionalText.count)])
        let rest = 4 + EventSchema.optionalText.count
        latencyMs = arrays[rest]
        eventID = arrays[rest + 1]
        attributes = arrays[rest + 2]
    }

    /// Every column, in a fixed order, for storing a batch and reading it back.
    static func arrays(of columns: EventColumns) -> [BinaryArray] {
        [columns.hostID, columns.sessionID, columns.eventType, columns.timestamp] + columns.optionalText
            + [columns.latencyMs, columns.eventID, columns.attributes]
    }

    mutating func append(contentsOf other: EventColumns) {
        hostID.append(contentsOf: other.hostID)
        sessionID.append(contentsOf: other.sessionID)
        eventType.append(contentsOf: other.eventType)
        timestamp.append(contentsOf: other.timestamp)
        for index in optionalText.indices { optionalText[index].append(contentsOf: other.optionalText[index]) }
        latencyMs.append(contentsOf: other.latencyMs)
        eventID.append(contentsOf: other.eventID)
        attributes.append(contentsOf: other.attributes)
    }

    /// The parameters of `insertSQL`, in its order.
    var parameters: [PostgresParameter?] {
        [hostID.parameter(), sessionID.parameter(), eventType.parameter(), timestamp.parameter(),
         optionalText[0].parameter(), optionalText[1].parameter(), optionalText[2].parameter(),
         optionalText[3].parameter(), latencyMs.parameter(), optionalText[4].parameter(), eventID.parameter(),
         attributes.parameter()]
    }

    static let insertColumns =
        "host_id, session_id, event_type, ts, agent_name, decision, decision_reason, tool_name, latency_ms, model_tier, event_id, attributes"

    /// One statement for the whole group: the arrays are unnested side by side into rows.
    static let insertSQL = """
        INSERT INTO events (\(insertColumns))
        SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::text[], $7::text[],
                             $8::text[], $9::int4[], $10::text[], $11::text[], $12::jsonb[])
        ON CONFLICT (host_id, event_id) DO NOTHING
        """

    /// The same insert, telling which (host, eventId) pairs went in; used only when some were duplicates.
    static let insertReturningSQL = """
        \(insertSQL) RETURNING host_id, event_id
        """
}

/// One request's validated events on their way to a writer.
struct EventBatch: Sendable {
    let hostID: String
    var columns = EventColumns()
    /// Each event's idempotency key, in order: to tell inserted from duplicate.
    var eventIDs: [String] = []
    /// Events dropped because an earlier event of the same request had the same eventId.
    var duplicatesWithinRequest = 0

    init(hostID: String) {
        self.hostID = hostID
    }

    var count: Int { columns.count }

    /// Adds one validated event, giving it an id if it has none. A repeat of an eventId already in this batch
    /// is counted, not added.
    mutating func append(_ row: EventRow, seenIDs: inout Set<String>) {
        let eventID: [UInt8]
        if let given = row.eventID {
            guard seenIDs.insert(String(decoding: given, as: UTF8.self)).inserted else {
                duplicatesWithinRequest += 1
                return
            }
            eventID = given
        } else {
            eventID = EventID.generate()
        }
        columns.hostID.appendText(hostID.utf8)
        columns.sessionID.appendText(row.sessionID)
        columns.eventType.appendText(row.eventType)
        columns.timestamp.appendTimestamp(microsecondsSince2000: row.timestamp)
        for position in columns.optionalText.indices {
            if let text = row.optionalText[position] {
                columns.optionalText[position].appendText(text)
            } else {
                columns.optionalText[position].appendNull()
            }
        }
        if let latency = row.latencyMs { columns.latencyMs.appendInt32(value: latency) } else { columns.latencyMs.appendNull() }
        columns.eventID.appendText(eventID)
        columns.attributes.appendJSONB(row.attributes)
        eventIDs.append(String(decoding: eventID, as: UTF8.self))
    }
}

/// One event after validation, its text as UTF-8 bytes (no NULs, within the caps of `EventSchema`).
struct EventRow: Sendable {
    var sessionID: [UInt8]
    var eventType: [UInt8]
    /// Microseconds since 2000-01-01 UTC.
    var timestamp: Int64
    /// agent_name, decision, decision_reason, tool_name, model_tier: `EventSchema.optionalText` in order.
    var optionalText: [[UInt8]?]
    var latencyMs: Int32?
    var eventID: [UInt8]?
    /// A JSON object's text.
    var attributes: [UInt8]
}

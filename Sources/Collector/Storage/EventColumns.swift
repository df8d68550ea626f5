import Postgres

/// A column of the `events` table that the collector writes: its name and type live here and nowhere else.
/// The insert statement, its parameters and the spool's record format are all derived from these cases, so a
/// column added here reaches each of them, and two columns cannot trade places.
enum EventColumn: Int, CaseIterable, Sendable {
    case hostID, sessionID, eventType, timestamp
    case agentName, decision, decisionReason, toolName, modelTier
    case latencyMs, eventID, attributes
    case traceID, spanID

    var insertColumn: UnnestInsert.Column {
        switch self {
        case .hostID: .init("host_id", .text)
        case .sessionID: .init("session_id", .text)
        case .eventType: .init("event_type", .text)
        case .timestamp: .init("ts", .timestamptz)
        case .agentName: .init("agent_name", .text)
        case .decision: .init("decision", .text)
        case .decisionReason: .init("decision_reason", .text)
        case .toolName: .init("tool_name", .text)
        case .modelTier: .init("model_tier", .text)
        case .latencyMs: .init("latency_ms", .int4)
        case .eventID: .init("event_id", .text)
        case .attributes: .init("attributes", .jsonb)
        case .traceID: .init("trace_id", .text)
        case .spanID: .init("span_id", .text)
        }
    }
}

/// Validated events laid out as the columns of the events insert, each already in PostgreSQL's binary array
/// format, so that batches join a group commit by concatenation.
struct EventColumns: Sendable {
    private var arrays: [BinaryArray] = EventColumn.allCases.map { BinaryArray($0.insertColumn.type) }

    init() {}

    var count: Int { self[.sessionID].elementCount }

    subscript(column: EventColumn) -> BinaryArray {
        arrays[Self.position(column)]
    }

    /// Changes one column in place (a copy through a getter and setter would copy its whole buffer).
    mutating func update(_ column: EventColumn, _ change: (inout BinaryArray) -> Void) {
        change(&arrays[Self.position(column)])
    }

    mutating func replace(_ column: EventColumn, with array: BinaryArray) {
        arrays[Self.position(column)] = array
    }

    mutating func append(contentsOf other: EventColumns) {
        for index in arrays.indices { arrays[index].append(contentsOf: other.arrays[index]) }
    }

    /// The parameters of `EventColumns.insert`, in its order.
    var parameters: [PostgresParameter?] {
        arrays.map { $0.parameter() }
    }

    /// What makes an event the same event: its host, id and timestamp (the unique key of the partitioned table
    /// includes its partition column, migration 013). A replay carries the id and timestamp it was first sent with.
    static let conflictTarget = "(host_id, event_id, ts)"

    /// One statement for a whole group: the arrays are unnested side by side into rows; an event whose
    /// (host, eventId, timestamp) is stored already is skipped.
    static let insert = UnnestInsert(
        table: "events", columns: EventColumn.allCases.map(\.insertColumn),
        conflictClause: "ON CONFLICT \(conflictTarget) DO NOTHING")

    /// `arrays` was built from `allCases`, which lists the cases in declaration order, as their raw values count.
    private static func position(_ column: EventColumn) -> Int { column.rawValue }
}

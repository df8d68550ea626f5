import Postgres

/// The one way events reach the `events` table, for the group-commit writer and the spool's replayer alike.
extension EventColumns {
    /// Inserts every row, skipping those whose (host, eventId) is stored already; returns how many went in.
    func insert(on connection: PostgresConnection) throws(PostgresError) -> Int {
        try connection.execute(prepared: "insert_events", sql: Self.insert.sql, parameters).affectedRows
    }

    /// The same insert, telling which (host, eventId) pairs went in; used only when some were duplicates.
    func insertReportingNew(on connection: PostgresConnection) throws(PostgresError) -> Set<HostEventID> {
        let rows = try connection.execute(
            prepared: "insert_events_returning", sql: Self.insert.returning("host_id, event_id"), parameters).rows
        return Set(rows.map { HostEventID(host: $0[0] ?? "", id: $0[1] ?? "") })
    }
}

struct HostEventID: Hashable, Sendable {
    let host: String
    let id: String
}

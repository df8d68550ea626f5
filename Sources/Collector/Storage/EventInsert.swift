import Postgres

/// The one way events reach the `events` table, for the group-commit writer and the spool's replayer alike.
extension EventColumns {
    /// Inserts every row, skipping those whose (host, eventId, timestamp) is stored already; returns how many went in.
    func insert(on connection: PostgresConnection) throws(PostgresError) -> Int {
        try connection.execute(prepared: "insert_events", sql: Self.insert.sql, parameters).affectedRows
    }

    /// The same insert, telling which events went in; used only when some were duplicates.
    func insertReportingNew(on connection: PostgresConnection) throws(PostgresError) -> Set<StoredEventKey> {
        let rows = try connection.execute(
            prepared: "insert_events_returning", sql: Self.insert.returning(StoredEventKey.returnedColumns), parameters).rows
        return Set(rows.map { StoredEventKey(host: $0[0] ?? "", id: $0[1] ?? "", timestamp: Int64($0[2] ?? "") ?? 0) })
    }
}

/// An event as the table's unique key knows it: host, eventId and timestamp (microseconds since 2000, as the
/// binary timestamptz the insert sends).
struct StoredEventKey: Hashable, Sendable {
    let host: String
    let id: String
    let timestamp: Int64

    /// The key as RETURNING gives it; the timestamp exactly, as extract returns numeric.
    static let returnedColumns = "host_id, event_id, ((extract(epoch FROM ts) - 946684800) * 1000000)::int8"
}

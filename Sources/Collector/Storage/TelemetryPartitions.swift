import Postgres

/// A telemetry table partitioned by time (migrations 012-014): a partition per UTC day (per week for
/// `otlp_metrics`), a default partition for rows dated where none is, and on upgraded databases a legacy partition
/// holding everything before the upgrade.
enum PartitionedTable: String, CaseIterable, Sendable {
    case events
    case otlpMetrics = "otlp_metrics"
    case spans
}

/// The partitions' upkeep, through the SECURITY DEFINER functions of migration 013 (the serving role may create and
/// drop nothing itself). Creating a partition and dropping one each lock the parent for a moment; every such
/// statement is its own transaction whose lock waits are bounded by `lockTimeout`, so that a writer's insert never
/// queues behind one for longer, and is tried again up to `lockRetries` times after a pause as long.
struct TelemetryPartitions: Sendable {
    let pool: ConnectionPool
    let lockTimeout: Duration
    let lockRetries: Int
    /// True when asked to stop; pauses between retries.
    let pause: @Sendable (Duration) -> Bool

    /// Creates the partitions of every table missing from `daysBehind` days ago to `daysAhead` days from now (the
    /// whole day or week of each end); returns how many it made.
    func create(daysBehind: Int, daysAhead: Int) throws(PostgresError) -> Int {
        var created = 0
        for table in PartitionedTable.allCases {
            created += try withLockRetries { connection throws(PostgresError) in
                Int(try connection.execute("""
                    SELECT telemetry_partitions_create($1, now() - make_interval(days => $2), now() + make_interval(days => $3))
                    """, [.text(table.rawValue), .int(daysBehind), .int(daysAhead)]).firstValue() ?? "0") ?? 0
            } ?? 0
        }
        return created
    }

    /// Drops the oldest partition of `table` that holds only rows older than `days` days; returns its name, or nil
    /// when there is none (or when its lock could not be had: the next sweep tries again).
    func dropOldest(_ table: PartitionedTable, olderThanDays days: Int) throws(PostgresError) -> String? {
        try withLockRetries { connection throws(PostgresError) in
            try connection.execute("SELECT telemetry_partitions_drop_oldest($1, now() - make_interval(days => $2))",
                                   [.text(table.rawValue), .int(days)]).firstValue()
        } ?? nil
    }

    /// Deletes up to `batchRows` rows of `table` older than `days` days from the partitions that straddle the cutoff;
    /// returns how many.
    func deleteBatch(_ table: PartitionedTable, olderThanDays days: Int, batchRows: Int) throws(PostgresError) -> Int {
        try withLockRetries { connection throws(PostgresError) in
            Int(try connection.execute("SELECT telemetry_delete_before($1, now() - make_interval(days => $2), $3)",
                                       [.text(table.rawValue), .int(days), .int(batchRows)]).firstValue() ?? "0") ?? 0
        } ?? 0
    }

    /// Runs `body` in a transaction with `lock_timeout`; nil when every try found its lock held past it.
    private func withLockRetries<Value>(
        _ body: (PostgresConnection) throws(PostgresError) -> Value
    ) throws(PostgresError) -> Value? {
        let milliseconds = lockTimeout.components.seconds * 1000 + lockTimeout.components.attoseconds / 1_000_000_000_000_000
        for attempt in 0...lockRetries {
            do {
                return try pool.withConnection { connection throws(PostgresError) in
                    try connection.transaction { connection throws(PostgresError) in
                        try connection.execute("SELECT set_config('lock_timeout', $1, true)", [.text("\(milliseconds)ms")])
                        return try body(connection)
                    }
                }
            } catch .server(sqlState: Self.lockNotAvailable, _) where attempt < lockRetries {
                if pause(lockTimeout) { return nil }
            } catch .server(sqlState: Self.lockNotAvailable, _) {
                return nil
            }
        }
        return nil
    }

    static let lockNotAvailable = "55P03"
}

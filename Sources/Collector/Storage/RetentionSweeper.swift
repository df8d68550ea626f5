import Logging
import Postgres
import Threads

/// Removes telemetry (events, OTLP metric points, spans) older than RETENTION_DAYS (by its timestamp) and
/// transcripts not updated for TRANSCRIPT_RETENTION_DAYS, in the background. Telemetry goes a partition at a time:
/// each partition wholly past the window is dropped (no dead rows, no bloat, a moment's lock on the table), and only
/// the partitions that straddle the cutoff are deleted from, in small batches. Transcripts are deleted in batches.
/// Each step is its own short transaction: no long locks, no pause for the writers.
final class RetentionSweeper: Sendable {
    struct Swept: Equatable, Sendable {
        var partitionsDropped = 0
        /// Rows deleted from partitions that straddle the cutoff (rows in dropped partitions are not counted).
        var rowsDeleted = 0
        var transcripts = 0
    }

    private let pool: ConnectionPool
    private let partitions: TelemetryPartitions
    private let telemetryDays: Int
    private let transcriptDays: Int
    private let interval: Duration
    /// Rows per DELETE; small enough that each holds its locks for milliseconds.
    private let batchRows: Int
    private let logger: Logger
    private let thread: BackgroundThread

    init(pool: ConnectionPool, telemetryDays: Int, transcriptDays: Int, interval: Duration, batchRows: Int,
         lockTimeout: Duration, lockRetries: Int, logger: Logger) {
        let thread = BackgroundThread()
        self.thread = thread
        self.pool = pool
        partitions = TelemetryPartitions(pool: pool, lockTimeout: lockTimeout, lockRetries: lockRetries,
                                         pause: { thread.pause($0) })
        self.telemetryDays = telemetryDays
        self.transcriptDays = transcriptDays
        self.interval = interval
        self.batchRows = batchRows
        self.logger = logger
    }

    var isEnabled: Bool { telemetryDays > 0 || transcriptDays > 0 }

    func start() {
        guard isEnabled else { return }
        thread.start(name: "retention") { [self] thread in
            repeat {
                do {
                    let swept = try sweep()
                    if swept != Swept() {
                        logger.info("retention removed old data", metadata: [
                            "partitions_dropped": "\(swept.partitionsDropped)", "rows_deleted": "\(swept.rowsDeleted)",
                            "transcripts": "\(swept.transcripts)",
                        ])
                    }
                } catch {
                    logger.warning("retention sweep failed, will try again", metadata: ["error": "\(error)"])
                }
            } while !thread.pause(interval)
        }
    }

    func stop() {
        thread.stop()
    }

    /// Removes everything past its age now; returns what it did.
    func sweep() throws(PostgresError) -> Swept {
        var swept = Swept()
        if telemetryDays > 0 {
            for table in PartitionedTable.allCases {
                while let dropped = try partitions.dropOldest(table, olderThanDays: telemetryDays) {
                    logger.debug("retention dropped a partition", metadata: ["partition": "\(dropped)"])
                    swept.partitionsDropped += 1
                }
                swept.rowsDeleted += try inBatches { () throws(PostgresError) in
                    try partitions.deleteBatch(table, olderThanDays: telemetryDays, batchRows: batchRows)
                }
            }
        }
        if transcriptDays > 0 {
            swept.transcripts = try inBatches { () throws(PostgresError) in
                try pool.withConnection { connection throws(PostgresError) in
                    try connection.execute("""
                        DELETE FROM transcripts WHERE ctid IN (
                            SELECT ctid FROM transcripts WHERE updated_at < now() - make_interval(days => $1) LIMIT $2)
                        """, [.int(transcriptDays), .int(batchRows)]).affectedRows
                }
            }
        }
        return swept
    }

    /// Repeats `deleteBatch` until it deletes less than a batch (or the sweeper stops); returns the total.
    private func inBatches(_ deleteBatch: () throws(PostgresError) -> Int) throws(PostgresError) -> Int {
        var total = 0
        while true {
            let deleted = try deleteBatch()
            total += deleted
            if deleted < batchRows || thread.pause(.milliseconds(20)) { return total }
        }
    }
}

import Logging
import Postgres
import Threads

/// Deletes events older than RETENTION_DAYS (by their timestamp) and transcripts not updated for
/// TRANSCRIPT_RETENTION_DAYS, in the background, in small batches, each its own short transaction: no long
/// locks, no pause for the writers.
final class RetentionSweeper: Sendable {
    private let pool: ConnectionPool
    private let eventDays: Int
    private let transcriptDays: Int
    private let interval: Duration
    /// Rows per DELETE; small enough that each holds its locks for milliseconds.
    private let batchRows: Int
    private let logger: Logger
    private let thread = BackgroundThread()

    init(pool: ConnectionPool, eventDays: Int, transcriptDays: Int, interval: Duration, batchRows: Int, logger: Logger) {
        self.pool = pool
        self.eventDays = eventDays
        self.transcriptDays = transcriptDays
        self.interval = interval
        self.batchRows = batchRows
        self.logger = logger
    }

    var isEnabled: Bool { eventDays > 0 || transcriptDays > 0 }

    func start() {
        guard isEnabled else { return }
        thread.start(name: "retention") { [self] thread in
            repeat {
                do {
                    let deleted = try sweep()
                    if deleted.events + deleted.transcripts > 0 {
                        logger.info("retention deleted old rows", metadata: [
                            "events": "\(deleted.events)", "transcripts": "\(deleted.transcripts)",
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

    /// Deletes everything past its age now, batch by batch; returns the counts.
    func sweep() throws(PostgresError) -> (events: Int, transcripts: Int) {
        var events = 0
        var transcripts = 0
        if eventDays > 0 {
            events = try deleteInBatches("""
                DELETE FROM events WHERE ctid IN (
                    SELECT ctid FROM events WHERE ts < now() - make_interval(days => $1) LIMIT $2)
                """, days: eventDays)
        }
        if transcriptDays > 0 {
            transcripts = try deleteInBatches("""
                DELETE FROM transcripts WHERE ctid IN (
                    SELECT ctid FROM transcripts WHERE updated_at < now() - make_interval(days => $1) LIMIT $2)
                """, days: transcriptDays)
        }
        return (events, transcripts)
    }

    private func deleteInBatches(_ sql: String, days: Int) throws(PostgresError) -> Int {
        var total = 0
        while true {
            let deleted = try pool.withConnection { connection throws(PostgresError) in
                try connection.execute(sql, [.int(days), .int(batchRows)]).affectedRows
            }
            total += deleted
            if deleted < batchRows || thread.pause(.milliseconds(20)) { return total }
        }
    }
}

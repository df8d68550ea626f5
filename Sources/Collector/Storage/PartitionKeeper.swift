import Logging
import Postgres
import Threads

/// Keeps a partition ready for every row the collector may be sent: in the background, every `interval`, it creates
/// the partitions of every telemetry table from `daysBehind` days ago (no further back than retention keeps) to
/// `daysAhead` days ahead. A row dated outside that window still lands, in the default partition; the partition
/// made later for its date takes it in.
final class PartitionKeeper: Sendable {
    private let partitions: TelemetryPartitions
    private let daysAhead: Int
    private let daysBehind: Int
    private let interval: Duration
    private let logger: Logger
    private let thread: BackgroundThread

    init(pool: ConnectionPool, daysAhead: Int, daysBehind: Int, retentionDays: Int, interval: Duration, lockTimeout: Duration,
         lockRetries: Int, logger: Logger) {
        let thread = BackgroundThread()
        self.thread = thread
        partitions = TelemetryPartitions(pool: pool, lockTimeout: lockTimeout, lockRetries: lockRetries,
                                         pause: { thread.pause($0) })
        self.daysAhead = daysAhead
        // Partitions older than retention would be dropped at its next sweep.
        self.daysBehind = retentionDays > 0 ? min(daysBehind, retentionDays) : daysBehind
        self.interval = interval
        self.logger = logger
    }

    func start() {
        thread.start(name: "partitions") { [self] thread in
            repeat {
                do {
                    let created = try createMissing()
                    if created > 0 { logger.info("created partitions", metadata: ["partitions": "\(created)"]) }
                } catch {
                    logger.warning("creating partitions failed, will try again", metadata: ["error": "\(error)"])
                }
            } while !thread.pause(interval)
        }
    }

    func stop() {
        thread.stop()
    }

    /// Creates what the window lacks now; returns how many partitions.
    func createMissing() throws(PostgresError) -> Int {
        try partitions.create(daysBehind: daysBehind, daysAhead: daysAhead)
    }
}

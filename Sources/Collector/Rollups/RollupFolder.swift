import Logging
import Postgres
import Threads

/// Keeps the dashboards' rollups current (migration 015) on a connection of its own: every `interval` it folds what
/// inserts marked since, `batchHours` (host, hour) pairs per transaction, until nothing is left. The marks come from
/// a trigger, so rows that reached the tables without the collector (psql, a restore, a bulk load) are folded too.
/// Two collectors on one database take turns: the fold skips while another holds its lock.
final class RollupFolder: Sendable {
    private let database: PoolConfiguration
    private let interval: Duration
    private let batchHours: Int
    private let logger: Logger
    private let thread = BackgroundThread()

    init(database: PoolConfiguration, interval: Duration, batchHours: Int, logger: Logger) {
        self.database = database
        self.interval = interval
        self.batchHours = batchHours
        self.logger = logger
    }

    func start() {
        thread.start(name: "rollups") { [self] thread in
            while true {
                do throws(PostgresError) {
                    let connection = try connect()
                    repeat {
                        let folded = try foldAll(on: connection)
                        if folded > 0 {
                            logger.debug("rollups folded", metadata: ["host_hours": "\(folded)"])
                        }
                    } while !thread.pause(interval)
                    return
                } catch {
                    logger.warning("rollup fold failed, will try again", metadata: ["error": "\(error)"])
                }
                if thread.pause(database.reconnectBackoff) { return }
            }
        }
    }

    func stop() {
        thread.stop()
    }

    /// Folds batch after batch until nothing marked is left (or another fold holds the lock); returns the (host,
    /// hour) pairs folded.
    func foldAll(on connection: PostgresConnection) throws(PostgresError) -> Int {
        var total = 0
        while true {
            let folded = Int(try connection.execute("SELECT rollups_fold($1)", [.int(batchHours)]).firstValue() ?? "") ?? 0
            total += folded
            if folded == 0 || thread.pause(.zero) { return total }
        }
    }

    private func connect() throws(PostgresError) -> PostgresConnection {
        try PostgresConnection.connect(
            url: database.url, applicationName: "collector-rollups", connectTimeoutSeconds: database.connectTimeoutSeconds,
            statementTimeout: database.statementTimeout, keepalive: database.keepalive)
    }
}

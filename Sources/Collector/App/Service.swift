import HTTPServer
import JSON
import Logging
import Postgres
import Spool
import Threads

/// The running collector: pool, migrations, key store, group-commit writer and HTTP server, wired together
/// and taken down in the reverse order.
public final class Service: Sendable {
    public let settings: Settings
    public let pool: ConnectionPool
    private let workers: WorkerPool
    private let ingest: IngestWriter
    /// Internal for tests that drive a replay by hand.
    let spool: DiskSpool?
    /// Internal for tests that drive a sweep by hand.
    let retention: RetentionSweeper
    private let server: HTTPServer
    private let metricsServer: HTTPServer?
    private let logger: Logger

    /// Connects, migrates and starts serving; throws a message for the operator when any of that fails.
    public init(settings: Settings, logger: Logger) throws(ServiceError) {
        self.settings = settings
        self.logger = logger
        let pool = ConnectionPool(configuration: settings.poolConfiguration)
        self.pool = pool
        let connection: PostgresConnection
        do {
            connection = try pool.acquire()
        } catch {
            throw ServiceError("cannot reach PostgreSQL at start: \(error). Check DATABASE_URL and that the server is running.")
        }
        defer { pool.release(connection) }
        do {
            let applied = try Migrator(directory: settings.migrationsDirectory).migrate(connection)
            for name in applied { logger.info("applied migration", metadata: ["file": "\(name)"]) }
        } catch {
            throw ServiceError(error.description)
        }
        let keyCache = KeyCache(validFor: .seconds(settings.keyCacheSeconds), unknownFor: .seconds(settings.unknownKeyCacheSeconds))
        if settings.spoolMaxBytes > 0 {
            let journal: Journal
            do {
                journal = try Journal(directory: settings.spoolDirectory, maxBytes: settings.spoolMaxBytes)
            } catch {
                throw ServiceError("cannot open the spool in SPOOL_DIR=\(settings.spoolDirectory): \(error)")
            }
            let recovery = journal.recovery
            if recovery.tornBytes > 0 || recovery.corruptBytes > 0 {
                logger.error("spool damaged: dropped what could not be read", metadata: [
                    "torn_bytes": "\(recovery.tornBytes)", "corrupt_bytes": "\(recovery.corruptBytes)",
                ])
            }
            if recovery.pendingRecords > 0 {
                logger.info("spool holds records from before, replaying", metadata: [
                    "records": "\(recovery.pendingRecords)", "bytes": "\(recovery.pendingBytes)",
                ])
            }
            spool = DiskSpool(journal: journal, pool: pool, retryInterval: .milliseconds(settings.spoolRetryMilliseconds),
                              logger: logger)
        } else {
            spool = nil
        }
        spool?.startReplaying()
        retention = RetentionSweeper(pool: pool, eventDays: settings.retentionDays,
                                     transcriptDays: settings.transcriptRetentionDays,
                                     interval: .seconds(settings.retentionIntervalMinutes * 60), logger: logger)
        let metrics = Metrics()
        workers = WorkerPool(name: "db-worker", threads: settings.databaseWorkers, maxQueuedJobs: 4096)
        ingest = IngestWriter(pool: pool, spool: spool, writers: settings.ingestWriters, maxGroupEvents: settings.groupCommitMaxEvents,
                              maxQueuedEvents: settings.ingestQueueMaxEvents, metrics: metrics, logger: logger)
        let keys = KeyStore(cache: keyCache, pool: pool, workers: workers)
        do {
            let count = try keys.warm(on: connection)
            logger.info("loaded host keys", metadata: ["active": "\(count)"])
        } catch {
            throw ServiceError("cannot read api_keys: \(error)")
        }
        let context = CollectorContext(settings: settings, keys: keys, ingest: ingest,
                                       rateLimiter: RateLimiter(eventsPerMinute: settings.rateLimitEventsPerMinute),
                                       metrics: metrics,
                                       spool: spool, pool: pool,
                                       workers: workers, logger: logger, jsonLimits: JSONLimits(maxDepth: settings.maxJSONDepth))
        let responder = CollectorResponder(context: context, endpoints: [
            BatchEndpoint(context: context), TranscriptEndpoint(context: context), HealthEndpoint(context: context),
            ClaudeCodeHookEndpoint(context: context), OTLPLogsEndpoint(context: context), OTLPMetricsEndpoint(context: context),
        ])
        let server = HTTPServer(configuration: settings.serverConfiguration, responder: responder)
        self.server = server
        if settings.metricsPort > 0 {
            var configuration = ServerConfiguration()
            configuration.host = settings.metricsHost
            configuration.port = settings.metricsPort
            configuration.eventLoops = 1
            configuration.maxConnections = 64
            let (ingest, spool) = (ingest, spool)
            metricsServer = HTTPServer(configuration: configuration, responder: MetricsResponder {
                metrics.render(Metrics.Gauges(
                    pool: pool.statistics, openConnections: server.openConnections, queuedEvents: ingest.queuedEvents,
                    spoolRecords: spool?.journal.pendingRecords, spoolBytes: spool?.journal.pendingBytes))
            })
        } else {
            metricsServer = nil
        }
        do {
            try server.start()
            try metricsServer?.start()
        } catch {
            let address = server.port == 0
                ? "\(settings.host):\(settings.port)" : "\(settings.metricsHost):\(settings.metricsPort) (metrics)"
            server.shutdown()
            ingest.shutdown()
            spool?.stop()
            workers.shutdown()
            pool.close()
            throw ServiceError("cannot listen on \(address): \(error)")
        }
        retention.start()
        logger.info("collector listening", metadata: ["host": "\(settings.host)", "port": "\(server.port)"])
    }

    /// The port the server listens on.
    public var port: Int { server.port }

    /// Graceful stop: no new connections, requests in flight answered, queued batches written (to PostgreSQL
    /// or the spool), pool closed.
    public func shutdown() {
        logger.info("shutting down")
        server.shutdown()
        metricsServer?.shutdown()
        ingest.shutdown()
        spool?.stop()
        retention.stop()
        workers.shutdown()
        pool.close()
        logger.info("stopped")
    }
}

public struct ServiceError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}

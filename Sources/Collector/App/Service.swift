import HTTPServer
import Logging
import Postgres
import Spool
import Threads

/// The running collector: pool, migrations, keys, spool, group-commit writer, HTTP servers. Built in two steps:
/// everything that can fail without starting a thread first (connect, migrate, load keys, open the spool),
/// then the parts that own threads, which `shutdown` (or a failure to listen) stops in reverse order.
public final class Service: Sendable {
    public let settings: Settings
    public let pool: ConnectionPool
    private let workers: WorkerPool
    /// The read API's own connections and threads, so that queries never wait for or hold ingest's.
    private let readPool: ConnectionPool
    private let readWorkers: WorkerPool
    private let keyWatcher: KeyWatcher
    private let ingest: IngestWriter
    /// Internal for tests that drive a replay by hand.
    let spool: DiskSpool?
    /// Internal for tests that drive a sweep by hand.
    let retention: RetentionSweeper
    /// Internal for tests that create partitions by hand.
    let partitionKeeper: PartitionKeeper
    /// Internal for tests that fold by hand.
    let rollups: RollupFolder
    private let server: HTTPServer
    private let metricsServer: HTTPServer?
    private let logger: Logger

    /// Connects, migrates and starts serving; throws a message for the operator when any of that fails.
    public init(settings: Settings, logger: Logger) throws(ServiceError) {
        self.settings = settings
        self.logger = logger
        pool = ConnectionPool(configuration: settings.database)
        let prepared = try Self.prepareDatabase(pool: pool, settings: settings, logger: logger)
        let keys = KeyStore(prepared.keys)
        spool = try Self.openSpool(settings: settings, pool: pool, database: prepared.identity, logger: logger)

        let metrics = SelfMetrics()
        workers = WorkerPool(name: "db-worker", threads: settings.databaseWorkers, maxQueuedJobs: settings.databaseQueueMaxJobs)
        readPool = ConnectionPool(configuration: settings.readDatabase)
        readWorkers = WorkerPool(name: "db-reader", threads: settings.readPoolSize, maxQueuedJobs: settings.readQueueMaxJobs)
        ingest = IngestWriter(pool: pool, spool: spool, writers: settings.ingestWriters, maxGroupEvents: settings.groupCommitMaxEvents,
                              maxQueuedEvents: settings.ingestQueueMaxEvents, metrics: metrics, logger: logger)
        retention = RetentionSweeper(pool: pool, telemetryDays: settings.retentionDays, transcriptDays: settings.transcriptRetentionDays,
                                     interval: settings.retentionInterval, batchRows: settings.retentionBatchRows,
                                     lockTimeout: settings.partitionLockTimeout, lockRetries: settings.partitionLockRetries,
                                     logger: logger)
        partitionKeeper = PartitionKeeper(pool: pool, daysAhead: settings.partitionDaysAhead, daysBehind: settings.partitionDaysBehind,
                                          retentionDays: settings.retentionDays, interval: settings.partitionInterval,
                                          lockTimeout: settings.partitionLockTimeout, lockRetries: settings.partitionLockRetries,
                                          logger: logger)
        rollups = RollupFolder(database: settings.database, interval: settings.rollupInterval,
                               batchHours: settings.rollupBatchHours, logger: logger)
        keyWatcher = KeyWatcher(store: keys, database: settings.database, refreshInterval: settings.keyRefreshInterval,
                                flushInterval: settings.keyUseFlushInterval, logger: logger)
        let router = Router(
            endpoints: Self.endpoints(settings: settings, pool: pool, workers: workers, ingest: ingest, spool: spool,
                                      reads: DatabaseWork(workers: readWorkers, pool: readPool,
                                                          retryAfterSeconds: settings.server.retryAfterSeconds, logger: logger),
                                      metrics: metrics, logger: logger),
            keys: keys, observer: RequestObserver(metrics: metrics, logger: logger))
        let server = HTTPServer(configuration: settings.server, responder: router)
        self.server = server
        if settings.metricsPort > 0 {
            let (ingest, spool, pool) = (ingest, spool, pool)
            metricsServer = HTTPServer(configuration: settings.metricsServer, responder: MetricsResponder(render: {
                metrics.render(SelfMetrics.Gauges(
                    pool: pool.statistics, openConnections: server.openConnections, queuedEvents: ingest.queuedEvents,
                    spoolRecords: spool?.journal.pendingRecords, spoolBytes: spool?.journal.pendingBytes))
            }, health: HealthCheck(pool: pool, spool: spool), workers: workers,
               retryAfterSeconds: settings.server.retryAfterSeconds))
        } else {
            metricsServer = nil
        }

        spool?.startReplaying()
        keyWatcher.start()
        do {
            try server.start()
        } catch {
            stop()
            throw ServiceError("cannot listen on \(settings.server.host):\(settings.server.port): \(error). "
                               + "Another process may use the port: choose another with PORT.")
        }
        do {
            try metricsServer?.start()
        } catch {
            stop()
            throw ServiceError("cannot listen on \(settings.metricsHost):\(settings.metricsPort) for /metrics: \(error). "
                               + "Another process may use the port: choose another with METRICS_PORT, or 0 to turn it off.")
        }
        partitionKeeper.start()
        retention.start()
        rollups.start()
        logger.info("collector listening", metadata: ["host": "\(settings.server.host)", "port": "\(server.port)"])
    }

    /// The port the server listens on.
    public var port: Int { server.port }

    /// Graceful stop: no new connections, requests in flight answered, queued batches written (to PostgreSQL
    /// or the spool), pool closed.
    public func shutdown() {
        logger.info("shutting down")
        stop()
        logger.info("stopped")
    }

    /// Stops whatever runs, in the reverse order of starting; each part's stop is harmless when it never started.
    private func stop() {
        server.shutdown()
        metricsServer?.shutdown()
        ingest.shutdown()
        spool?.stop()
        keyWatcher.stop()
        partitionKeeper.stop()
        retention.stop()
        rollups.stop()
        workers.shutdown()
        readWorkers.shutdown()
        pool.close()
        readPool.close()
    }

    /// Every route, each given what it needs.
    private static func endpoints(
        settings: Settings, pool: ConnectionPool, workers: WorkerPool, ingest: IngestWriter, spool: DiskSpool?,
        reads: DatabaseWork, metrics: SelfMetrics, logger: Logger
    ) -> [any Endpoint] {
        let retryAfter = settings.server.retryAfterSeconds
        let pipeline = IngestPipeline(
            rateLimiter: RateLimiter(eventsPerMinute: settings.rateLimitEventsPerMinute), queue: ingest, metrics: metrics,
            retryAfterSeconds: retryAfter)
        let database = DatabaseWork(workers: workers, pool: pool, retryAfterSeconds: retryAfter, logger: logger)
        let json = settings.jsonLimits
        let otlp = settings.otlpLimits
        let runs = LangSmithRunDecoder(fieldMaxBytes: settings.langSmithFieldMaxBytes,
                                       maxOperations: settings.langSmithMaxRunsPerRequest, jsonLimits: json)
        let runStore = LangSmithRunStore(database: database)
        return [
            BatchEndpoint(decoder: EventDecoder(maxEvents: settings.maxEventsPerBatch, jsonLimits: json),
                          bodyLimit: settings.maxBodyBytes, pipeline: pipeline),
            TranscriptEndpoint(bodyLimit: settings.maxTranscriptBytes, jsonLimits: json, database: database, spool: spool),
            HealthEndpoint(check: HealthCheck(pool: pool, spool: spool), database: database, bodyLimit: settings.maxBodyBytes,
                           logger: logger),
            ClaudeCodeHookEndpoint(decoder: ClaudeCodeHookDecoder(fieldMaxBytes: settings.hookFieldMaxBytes, jsonLimits: json),
                                   bodyLimit: settings.maxBodyBytes, pipeline: pipeline),
            OTLPLogsEndpoint(export: OTLPExport(signal: OTLPLogDecoder(limits: otlp), limits: otlp, jsonLimits: json),
                             pipeline: pipeline),
            OTLPMetricsEndpoint(export: OTLPExport(signal: OTLPMetricDecoder(limits: otlp), limits: otlp, jsonLimits: json),
                                database: database),
            OTLPTracesEndpoint(export: OTLPExport(signal: OTLPSpanDecoder(limits: otlp), limits: otlp, jsonLimits: json),
                               database: database),
            EventsEndpoint(reads: reads, maxRangeDays: settings.readMaxRangeDays, bodyLimit: settings.maxBodyBytes),
            SessionsEndpoint(reads: reads, maxRangeDays: settings.readMaxRangeDays, bodyLimit: settings.maxBodyBytes),
            SessionEndpoint(reads: reads, bodyLimit: settings.maxBodyBytes),
            SummaryEndpoint(reads: reads, maxRangeDays: settings.readMaxRangeDays, bodyLimit: settings.maxBodyBytes),
            ExportEndpoint(reads: reads, maxRangeDays: settings.readMaxRangeDays, bodyLimit: settings.maxBodyBytes),
            LangSmithInfoEndpoint(maxRunsPerRequest: settings.langSmithMaxRunsPerRequest,
                                  maxBodyBytes: settings.maxBodyBytes, bodyLimit: settings.maxBodyBytes),
            LangSmithBatchEndpoint(decoder: runs, bodyLimit: settings.maxBodyBytes, store: runStore),
            LangSmithRunEndpoint(decoder: runs, bodyLimit: settings.maxBodyBytes, store: runStore),
            LangSmithRunPatchEndpoint(decoder: runs, bodyLimit: settings.maxBodyBytes, store: runStore),
            LangSmithMultipartEndpoint(decoder: runs, bodyLimit: settings.maxBodyBytes, store: runStore),
        ]
    }

    /// Connects, applies pending migrations, learns which database this is and loads the active keys, on one
    /// connection.
    private static func prepareDatabase(
        pool: ConnectionPool, settings: Settings, logger: Logger
    ) throws(ServiceError) -> (keys: KeySet, identity: DatabaseIdentity) {
        let connection: PostgresConnection
        do {
            connection = try pool.acquire()
        } catch {
            throw ServiceError("cannot reach PostgreSQL at start: \(error). Check DATABASE_URL and that the server is running.")
        }
        defer { pool.release(connection) }
        guard let directory = MigrationsLocation.resolve(explicit: settings.migrationsDirectory) else {
            throw ServiceError(MigrationsLocation.notFound)
        }
        do {
            let applied = try Migrator(directory: directory).migrate(connection)
            for name in applied { logger.info("applied migration", metadata: ["file": "\(name)"]) }
        } catch {
            throw ServiceError(error.description)
        }
        do {
            let keys = try KeySet.load(on: connection)
            logger.info("loaded host keys", metadata: ["active": "\(keys.count)"])
            return (keys, try DatabaseIdentity.of(connection))
        } catch {
            throw ServiceError("cannot read api_keys or database_identity: \(error)")
        }
    }

    /// The spool in SPOOL_DIR, or nil when SPOOL_MAX_BYTES is 0; logs what it recovered from an earlier run.
    /// The spool must be this database's: see `DatabaseIdentity.claimSpool`.
    private static func openSpool(
        settings: Settings, pool: ConnectionPool, database: DatabaseIdentity, logger: Logger
    ) throws(ServiceError) -> DiskSpool? {
        guard settings.spoolMaxBytes > 0 else { return nil }
        let journal: Journal
        do {
            journal = try Journal(directory: settings.spoolDirectory, maxBytes: settings.spoolMaxBytes)
        } catch {
            throw ServiceError("cannot open the spool in SPOOL_DIR=\(settings.spoolDirectory): \(error)")
        }
        let recovery = journal.recovery
        do {
            try database.claimSpool(in: settings.spoolDirectory, pendingRecords: recovery.pendingRecords,
                                    pendingBytes: recovery.pendingBytes)
        } catch {
            throw ServiceError(error.description)
        }
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
        return DiskSpool(journal: journal, pool: pool, retryInterval: settings.spoolRetryInterval,
                         replayBatchBytes: settings.spoolReplayBatchBytes, logger: logger)
    }
}

public struct ServiceError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}

import HTTPServer
import JSON
import Logging
import Postgres
import Threads

/// The running collector: pool, migrations, key store, group-commit writer and HTTP server, wired together
/// and taken down in the reverse order.
public final class Service: Sendable {
    public let settings: Settings
    public let pool: ConnectionPool
    private let workers: WorkerPool
    private let ingest: IngestWriter
    private let server: HTTPServer
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
        workers = WorkerPool(name: "db-worker", threads: settings.databaseWorkers, maxQueuedJobs: 4096)
        ingest = IngestWriter(pool: pool, writers: settings.ingestWriters, maxGroupEvents: settings.groupCommitMaxEvents,
                              maxQueuedEvents: settings.ingestQueueMaxEvents, logger: logger)
        let keys = KeyStore(
            cache: KeyCache(validFor: .seconds(settings.keyCacheSeconds), unknownFor: .seconds(settings.unknownKeyCacheSeconds)),
            pool: pool, workers: workers)
        let context = CollectorContext(settings: settings, keys: keys, ingest: ingest, pool: pool, workers: workers,
                                       logger: logger, jsonLimits: JSONLimits(maxDepth: settings.maxJSONDepth))
        let responder = CollectorResponder(context: context, endpoints: [
            BatchEndpoint(context: context), TranscriptEndpoint(context: context), HealthEndpoint(context: context),
        ])
        server = HTTPServer(configuration: settings.serverConfiguration, responder: responder)
        do {
            try server.start()
        } catch {
            ingest.shutdown()
            workers.shutdown()
            pool.close()
            throw ServiceError("cannot listen on \(settings.host):\(settings.port): \(error)")
        }
        logger.info("collector listening", metadata: ["host": "\(settings.host)", "port": "\(server.port)"])
    }

    /// The port the server listens on.
    public var port: Int { server.port }

    /// Graceful stop: no new connections, requests in flight answered, queued batches written, pool closed.
    public func shutdown() {
        logger.info("shutting down")
        server.shutdown()
        ingest.shutdown()
        workers.shutdown()
        pool.close()
        logger.info("stopped")
    }
}

public struct ServiceError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}

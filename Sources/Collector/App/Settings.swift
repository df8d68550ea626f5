import HTTPServer
import JSON
import Logging
import OTLPProtobuf
import Postgres

/// Everything an operator can set. Each value's default is declared once: here for the collector's own settings,
/// and in `ServerConfiguration`, `HTTPParserLimits` and `PoolConfiguration` for the server's and the pool's, which
/// the collector holds as they are. `SettingDefinition.all` names every one for the environment, the flags of
/// `collector serve`, `--help` and the README's table.
public struct Settings: Sendable {
    /// The HTTP server: address, event loops, connection and parser limits, timeouts, `Retry-After`.
    public var server = ServerConfiguration()
    /// PostgreSQL: the URL, pool size, timeouts, keepalives.
    public var database = PoolConfiguration(url: "")

    public var logLevel: Logger.Level = .info
    public var logFormat: LogLineHandler.Format = .logfmt
    public var metricsHost = "127.0.0.1"
    public var metricsPort = 9464
    /// Connections the metrics listener keeps at once; Prometheus needs one.
    public var metricsMaxConnections = 64
    /// Empty: found beside the binary (`MigrationsLocation`).
    public var migrationsDirectory = ""

    /// Threads that run key look-ups, transcript upserts, metric inserts and health checks.
    public var databaseWorkers = 4
    /// Jobs waiting for those threads before requests that need one get 503.
    public var databaseQueueMaxJobs = 4096

    /// The read API's PostgreSQL connections, one per thread that runs its queries, apart from ingest's.
    public var readPoolSize = 2
    /// Read requests waiting for those threads before more get 503.
    public var readQueueMaxJobs = 64
    /// `statement_timeout` on the read API's connections.
    public var readStatementTimeout: Duration = .seconds(30)
    /// The longest time range one read request may span.
    public var readMaxRangeDays = 31

    /// A full reload of the keys, besides the ones `api_keys_changed` notifications cause.
    public var keyRefreshInterval: Duration = .seconds(60)
    /// How often the keys used since are written to `last_used_at`.
    public var keyUseFlushInterval: Duration = .seconds(5)

    public var maxTranscriptBytes = 16 << 20
    public var maxJSONDepth = JSONLimits().maxDepth
    public var maxEventsPerBatch = 100
    public var hookFieldMaxBytes = 16 * 1024
    /// What one OTLP/HTTP request may hold, in either encoding.
    public var otlpLimits = OTLPProtobufLimits()
    public var langSmithMaxRunsPerRequest = 500
    public var langSmithFieldMaxBytes = 32 * 1024

    public var ingestWriters = 2
    public var groupCommitMaxEvents = 5000
    public var ingestQueueMaxEvents = 50_000
    public var rateLimitEventsPerMinute = 60_000

    public var retentionDays = 0
    public var transcriptRetentionDays = 0
    public var retentionInterval: Duration = .seconds(600)
    public var retentionBatchRows = 5000

    public var partitionDaysAhead = 7
    public var partitionDaysBehind = 7
    public var partitionInterval: Duration = .seconds(3600)
    public var partitionLockTimeout: Duration = .milliseconds(200)
    public var partitionLockRetries = 10

    public var rollupInterval: Duration = .seconds(10)
    public var rollupBatchHours = 200

    public var spoolDirectory = "spool"
    public var spoolMaxBytes = 1 << 30
    public var spoolRetryInterval: Duration = .milliseconds(1000)
    public var spoolReplayBatchBytes = 4 << 20

    public init() {}

    /// The largest body of an event request (batch, hook, OTLP) and of LangSmith runs: the server's default body limit.
    public var maxBodyBytes: Int {
        get { server.parserLimits.defaultBodyLimit }
        set { server.parserLimits.defaultBodyLimit = newValue }
    }

    public var jsonLimits: JSONLimits { JSONLimits(maxDepth: maxJSONDepth) }

    /// The read API's pool: the database's settings with its own size, statement timeout and name.
    var readDatabase: PoolConfiguration {
        var configuration = database
        configuration.maxConnections = readPoolSize
        configuration.statementTimeout = readStatementTimeout
        configuration.applicationName = "collector-read"
        return configuration
    }

    /// The metrics listener: one loop, few connections, nothing else of the API's server settings.
    var metricsServer: ServerConfiguration {
        var configuration = ServerConfiguration()
        configuration.host = metricsHost
        configuration.port = metricsPort
        configuration.eventLoops = 1
        configuration.maxConnections = metricsMaxConnections
        return configuration
    }
}

public struct SettingsError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}

import HTTPServer
import Logging
import Postgres

/// Everything an operator can set, each with a default. `SettingDefinition.all` names them for the environment
/// and for `collector serve` flags; the README's configuration table lists the same names.
public struct Settings: Sendable {
    public var databaseURL = ""
    public var host = "0.0.0.0"
    public var port = 8080
    public var logLevel: Logger.Level = .info
    public var logFormat = "logfmt"
    public var metricsHost = "127.0.0.1"
    public var metricsPort = 9464
    public var migrationsDirectory = "sql"

    public var poolSize = 8
    public var databaseWorkers = 4
    public var connectTimeoutSeconds = 3
    public var statementTimeoutSeconds = 10
    public var acquireTimeoutMilliseconds = 2000

    public var keyCacheSeconds = 60
    public var unknownKeyCacheSeconds = 5
    public var maxBodyBytes = 1 << 20
    public var maxTranscriptBytes = 16 << 20
    public var maxJSONDepth = 128
    public var retryAfterSeconds = 2

    public var maxEventsPerBatch = 100
    public var hookFieldMaxBytes = 16 * 1024
    public var ingestWriters = 2
    public var groupCommitMaxEvents = 5000
    public var ingestQueueMaxEvents = 50_000

    public var rateLimitEventsPerMinute = 60_000
    public var retentionDays = 0
    public var transcriptRetentionDays = 0
    public var retentionIntervalMinutes = 10

    public var spoolDirectory = "spool"
    public var spoolMaxBytes = 1 << 30
    public var spoolRetryMilliseconds = 1000

    public var eventLoops = ServerConfiguration.coreCount
    public var maxConnections = 4096
    public var maxHeaderBytes = 16 * 1024
    public var maxRequestLineBytes = 8 * 1024
    public var headerReadTimeoutSeconds = 10
    public var bodyReadTimeoutSeconds = 60
    public var idleTimeoutSeconds = 60
    public var writeTimeoutSeconds = 30
    public var shutdownTimeoutSeconds = 8

    public init() {}

    public var serverConfiguration: ServerConfiguration {
        var configuration = ServerConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.eventLoops = eventLoops
        configuration.maxConnections = maxConnections
        configuration.parserLimits = HTTPParserLimits(
            maxRequestLineBytes: maxRequestLineBytes, maxHeaderBytes: maxHeaderBytes, defaultBodyLimit: maxBodyBytes)
        configuration.headerReadTimeout = .seconds(headerReadTimeoutSeconds)
        configuration.bodyReadTimeout = .seconds(bodyReadTimeoutSeconds)
        configuration.idleTimeout = .seconds(idleTimeoutSeconds)
        configuration.writeTimeout = .seconds(writeTimeoutSeconds)
        configuration.shutdownTimeout = .seconds(shutdownTimeoutSeconds)
        configuration.retryAfterSeconds = retryAfterSeconds
        return configuration
    }

    public var poolConfiguration: PoolConfiguration {
        var configuration = PoolConfiguration(url: databaseURL)
        configuration.maxConnections = poolSize
        configuration.connectTimeoutSeconds = connectTimeoutSeconds
        configuration.statementTimeout = .seconds(statementTimeoutSeconds)
        configuration.acquireTimeout = .milliseconds(acquireTimeoutMilliseconds)
        return configuration
    }
}

/// A setting's names, meaning and how its text becomes a value.
public struct SettingDefinition: Sendable {
    public let environmentName: String
    public let help: String
    let apply: @Sendable (inout Settings, String) throws(SettingsError) -> Void
    let current: @Sendable (Settings) -> String

    /// The flag of `collector serve`: `PORT` is `--port`, `MAX_BODY_BYTES` is `--max-body-bytes`.
    public var flag: String {
        "--" + String(environmentName.lowercased().map { $0 == "_" ? "-" : $0 })
    }

    public func defaultValue() -> String { current(Settings()) }

    static func text(
        _ name: String, _ help: String, _ keyPath: any WritableKeyPath<Settings, String> & Sendable
    ) -> SettingDefinition {
        SettingDefinition(environmentName: name, help: help, apply: { settings, value in
            settings[keyPath: keyPath] = value
        }, current: { $0[keyPath: keyPath] })
    }

    static func integer(
        _ name: String, _ help: String, _ keyPath: any WritableKeyPath<Settings, Int> & Sendable, minimum: Int = 0,
        maximum: Int = Int(Int32.max)
    ) -> SettingDefinition {
        SettingDefinition(environmentName: name, help: help, apply: { settings, value throws(SettingsError) in
            guard let number = Int(value), number >= minimum, number <= maximum else {
                throw SettingsError("\(name) must be a whole number from \(minimum) to \(maximum), not \"\(value)\"")
            }
            settings[keyPath: keyPath] = number
        }, current: { String($0[keyPath: keyPath]) })
    }

    public static let all: [SettingDefinition] = [
        .text("DATABASE_URL", "PostgreSQL connection URI (libpq), e.g. postgresql://collector:secret@db:5432/telemetry. Required.", \.databaseURL),
        .text("HOST", "Address to listen on.", \.host),
        .integer("PORT", "TCP port to listen on (0 picks a free one).", \.port, maximum: 65535),
        SettingDefinition(environmentName: "LOG_LEVEL", help: "trace, debug, info, notice, warning, error or critical.",
            apply: { settings, value throws(SettingsError) in
                guard let level = Logger.Level(rawValue: value.lowercased()) else {
                    throw SettingsError("LOG_LEVEL must be one of trace, debug, info, notice, warning, error, critical, not \"\(value)\"")
                }
                settings.logLevel = level
            }, current: { $0.logLevel.rawValue }),
        SettingDefinition(environmentName: "LOG_FORMAT", help: "logfmt or json: one line per message on standard error.",
            apply: { settings, value throws(SettingsError) in
                guard ["logfmt", "json"].contains(value.lowercased()) else {
                    throw SettingsError("LOG_FORMAT must be logfmt or json, not \"\(value)\"")
                }
                settings.logFormat = value.lowercased()
            }, current: { $0.logFormat }),
        .text("METRICS_HOST", "Address of the Prometheus /metrics listener; keep it private.", \.metricsHost),
        .integer("METRICS_PORT", "Port of the Prometheus /metrics listener; 0 turns it off.", \.metricsPort, maximum: 65535),
        .text("MIGRATIONS_DIR", "Folder of the numbered .sql migrations.", \.migrationsDirectory),
        .integer("DB_POOL_SIZE", "Most PostgreSQL connections open at once (writers, workers and spare).", \.poolSize, minimum: 2),
        .integer("DB_WORKERS", "Threads that run key look-ups, transcript upserts and health checks.", \.databaseWorkers, minimum: 1),
        .integer("DB_CONNECT_TIMEOUT_SECONDS", "How long one connection attempt may take.", \.connectTimeoutSeconds, minimum: 1),
        .integer("DB_STATEMENT_TIMEOUT_SECONDS", "statement_timeout on every connection.", \.statementTimeoutSeconds, minimum: 1),
        .integer("DB_ACQUIRE_TIMEOUT_MS", "How long a request waits for a free connection before 503.", \.acquireTimeoutMilliseconds, minimum: 1),
        .integer("KEY_CACHE_SECONDS", "How long a valid key is trusted without asking the database; a revoked key stops working within this time.", \.keyCacheSeconds),
        .integer("UNKNOWN_KEY_CACHE_SECONDS", "How long an unknown key is remembered as unknown, so a flood of bad keys is not a flood of queries.", \.unknownKeyCacheSeconds),
        .integer("MAX_BODY_BYTES", "Largest request body for events (413 above).", \.maxBodyBytes, minimum: 1024),
        .integer("MAX_TRANSCRIPT_BYTES", "Largest request body for a transcript (413 above).", \.maxTranscriptBytes, minimum: 1024),
        .integer("MAX_JSON_DEPTH", "Deepest nesting of arrays and objects accepted in a body.", \.maxJSONDepth, minimum: 4, maximum: 1000),
        .integer("RETRY_AFTER_SECONDS", "Retry-After sent with 503 answers.", \.retryAfterSeconds, minimum: 1),
        .integer("MAX_EVENTS_PER_BATCH", "Most events in one batch request.", \.maxEventsPerBatch, minimum: 1, maximum: 10_000),
        .integer("HOOK_FIELD_MAX_BYTES", "Longest value of a Claude Code hook field (tool_input, tool_response, prompt, ...) kept whole; longer ones are cut and their size recorded as <field>_truncated.", \.hookFieldMaxBytes, minimum: 64),
        .integer("INGEST_WRITERS", "Threads that write queued batches to PostgreSQL, each holding one connection.", \.ingestWriters, minimum: 1),
        .integer("GROUP_COMMIT_MAX_EVENTS", "Most events one writer commits in one transaction.", \.groupCommitMaxEvents, minimum: 1),
        .integer("INGEST_QUEUE_MAX_EVENTS", "Events waiting for a writer before new batches get 503.", \.ingestQueueMaxEvents, minimum: 1),
        .integer("RATE_LIMIT_EVENTS_PER_MINUTE", "Events one host may send per minute (a token bucket: a minute's worth at once, then steadily); over it, 429. 0 turns it off.", \.rateLimitEventsPerMinute),
        .integer("RETENTION_DAYS", "Events older than this many days (by their timestamp) are deleted in the background. 0 keeps everything.", \.retentionDays),
        .integer("TRANSCRIPT_RETENTION_DAYS", "Transcripts not updated for this many days are deleted in the background. 0 keeps everything.", \.transcriptRetentionDays),
        .integer("RETENTION_INTERVAL_MINUTES", "How often the retention sweep runs.", \.retentionIntervalMinutes, minimum: 1),
        .text("SPOOL_DIR", "Folder of the on-disk spool that keeps accepted events while PostgreSQL is away.", \.spoolDirectory),
        .integer("SPOOL_MAX_BYTES", "Most bytes waiting in the spool; when full, new work gets 503. 0 turns spooling off.", \.spoolMaxBytes, maximum: Int.max),
        .integer("SPOOL_RETRY_MS", "How often the replayer tries PostgreSQL again while it is away.", \.spoolRetryMilliseconds, minimum: 10),
        .integer("EVENT_LOOPS", "Threads handling connections (default: one per core).", \.eventLoops, minimum: 1, maximum: 64),
        .integer("MAX_CONNECTIONS", "Open connections before new ones get 503.", \.maxConnections, minimum: 1),
        .integer("MAX_HEADER_BYTES", "Largest request line plus headers (431 above).", \.maxHeaderBytes, minimum: 1024),
        .integer("MAX_REQUEST_LINE_BYTES", "Longest request line (414 above).", \.maxRequestLineBytes, minimum: 64),
        .integer("HEADER_READ_TIMEOUT_SECONDS", "Time from a request's first byte to the end of its headers.", \.headerReadTimeoutSeconds, minimum: 1),
        .integer("BODY_READ_TIMEOUT_SECONDS", "Time from the end of the headers to the end of the body.", \.bodyReadTimeoutSeconds, minimum: 1),
        .integer("IDLE_TIMEOUT_SECONDS", "How long a kept-alive connection may wait for its next request.", \.idleTimeoutSeconds, minimum: 1),
        .integer("WRITE_TIMEOUT_SECONDS", "How long a response may take to reach a slow client.", \.writeTimeoutSeconds, minimum: 1),
        .integer("SHUTDOWN_TIMEOUT_SECONDS", "On SIGTERM, how long requests in flight may take to finish.", \.shutdownTimeoutSeconds, minimum: 1),
    ]

    /// Settings from the environment, then from `--flag value` or `--flag=value` arguments, which win.
    public static func resolve(environment: [String: String], arguments: [String]) throws(SettingsError) -> Settings {
        var settings = Settings()
        for definition in all {
            if let value = environment[definition.environmentName], !value.isEmpty {
                try definition.apply(&settings, value)
            }
        }
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            let name: Substring
            let value: String
            if let equals = argument.firstIndex(of: "=") {
                name = argument[..<equals]
                value = String(argument[argument.index(after: equals)...])
            } else {
                name = Substring(argument)
                index += 1
                guard index < arguments.count else { throw SettingsError("\(argument) needs a value") }
                value = arguments[index]
            }
            guard let definition = all.first(where: { $0.flag == name }) else {
                throw SettingsError("unknown option \(name); `collector serve --help` lists the options")
            }
            try definition.apply(&settings, value)
            index += 1
        }
        guard !settings.databaseURL.isEmpty else {
            throw SettingsError("DATABASE_URL is not set: give it in the environment or as --database-url, e.g. postgresql://collector:secret@localhost:5432/telemetry")
        }
        guard settings.poolSize > settings.ingestWriters else {
            throw SettingsError("DB_POOL_SIZE (\(settings.poolSize)) must be larger than INGEST_WRITERS (\(settings.ingestWriters)), so requests still get connections")
        }
        return settings
    }
}

public struct SettingsError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}

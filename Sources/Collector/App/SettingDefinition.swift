import HTTPServer
import Logging
import OTLPProtobuf
import Postgres

/// One setting, declared once: its environment name (the flag is derived from it), unit, help, where its value
/// lives in `Settings` and the range it accepts. The default is what `Settings()` holds, so it cannot drift from
/// the value the collector really uses. `--help` and the README's table are derived from these declarations.
public struct SettingDefinition: Sendable {
    public enum Unit: String, Sendable {
        case text, count, bytes, seconds, milliseconds, minutes, days, port
        case eventsPerMinute = "events/min"
    }

    public let environmentName: String
    public let unit: Unit
    public let help: String
    /// How the README and `--help` name a default that depends on the machine, e.g. "cores".
    public let defaultDescription: String?
    let apply: @Sendable (inout Settings, String) throws(SettingsError) -> Void
    let current: @Sendable (Settings) -> String

    /// The flag of `collector serve`: `PORT` is `--port`, `MAX_BODY_BYTES` is `--max-body-bytes`.
    public var flag: String {
        "--" + String(environmentName.lowercased().map { $0 == "_" ? "-" : $0 })
    }

    /// The default as the README and `--help` show it.
    public var shownDefault: String { defaultDescription ?? current(Settings()) }

    static func text(
        _ name: String, _ help: String, _ keyPath: any WritableKeyPath<Settings, String> & Sendable
    ) -> SettingDefinition {
        SettingDefinition(environmentName: name, unit: .text, help: help, defaultDescription: nil, apply: { settings, value in
            settings[keyPath: keyPath] = value
        }, current: { $0[keyPath: keyPath] })
    }

    static func integer(
        _ name: String, _ unit: Unit, _ help: String, _ keyPath: any WritableKeyPath<Settings, Int> & Sendable,
        minimum: Int = 0, maximum: Int = Int(Int32.max), defaultDescription: String? = nil
    ) -> SettingDefinition {
        SettingDefinition(environmentName: name, unit: unit, help: help, defaultDescription: defaultDescription,
                          apply: { settings, value throws(SettingsError) in
            settings[keyPath: keyPath] = try wholeNumber(value, name: name, minimum: minimum, maximum: maximum)
        }, current: { String($0[keyPath: keyPath]) })
    }

    /// A duration given as a whole number of `unit` (seconds, milliseconds, minutes or days).
    static func duration(
        _ name: String, _ unit: Unit, _ help: String, _ keyPath: any WritableKeyPath<Settings, Duration> & Sendable,
        minimum: Int = 0, maximum: Int = Int(Int32.max)
    ) -> SettingDefinition {
        let nanosecondsPerUnit: Int64 = switch unit {
        case .milliseconds: 1_000_000
        case .minutes: 60_000_000_000
        case .days: 86_400_000_000_000
        default: 1_000_000_000
        }
        return SettingDefinition(environmentName: name, unit: unit, help: help, defaultDescription: nil,
                                 apply: { settings, value throws(SettingsError) in
            let number = try wholeNumber(value, name: name, minimum: minimum, maximum: maximum)
            settings[keyPath: keyPath] = .nanoseconds(Int64(number) * nanosecondsPerUnit)
        }, current: { settings in
            let duration = settings[keyPath: keyPath]
            let nanoseconds = duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
            return String(nanoseconds / nanosecondsPerUnit)
        })
    }

    static func choice<Value: Sendable>(
        _ name: String, _ help: String, _ keyPath: any WritableKeyPath<Settings, Value> & Sendable,
        _ choices: [(String, Value)], current: @escaping @Sendable (Value) -> String
    ) -> SettingDefinition {
        let names = choices.map(\.0)
        return SettingDefinition(environmentName: name, unit: .text, help: help, defaultDescription: nil,
                                 apply: { settings, value throws(SettingsError) in
            guard let chosen = choices.first(where: { $0.0 == value.lowercased() }) else {
                throw SettingsError("\(name) must be one of \(names.joined(separator: ", ")), not \"\(value)\"")
            }
            settings[keyPath: keyPath] = chosen.1
        }, current: { current($0[keyPath: keyPath]) })
    }

    private static func wholeNumber(_ text: String, name: String, minimum: Int, maximum: Int) throws(SettingsError) -> Int {
        guard let number = Int(text), number >= minimum, number <= maximum else {
            throw SettingsError("\(name) must be a whole number from \(minimum) to \(maximum), not \"\(text)\"")
        }
        return number
    }

    public static let all: [SettingDefinition] = [
        .text("DATABASE_URL", "PostgreSQL connection URI (libpq), e.g. postgresql://collector:secret@db:5432/telemetry. Required.", \.database.url),
        .text("HOST", "Address to listen on.", \.server.host),
        .integer("PORT", .port, "TCP port to listen on (0 picks a free one).", \.server.port, maximum: 65535),
        .choice("LOG_LEVEL", "trace, debug, info, notice, warning, error or critical.", \.logLevel,
                Logger.Level.allCases.map { ($0.rawValue, $0) }, current: { $0.rawValue }),
        .choice("LOG_FORMAT", "logfmt or json: one line per message on standard error.", \.logFormat,
                [("logfmt", .logfmt), ("json", .json)], current: { $0.rawValue }),
        .text("METRICS_HOST", "Address of the Prometheus /metrics listener; keep it private.", \.metricsHost),
        .integer("METRICS_PORT", .port, "Port of the Prometheus /metrics listener; 0 turns it off.", \.metricsPort, maximum: 65535),
        .integer("METRICS_MAX_CONNECTIONS", .count, "Open connections the metrics listener accepts.", \.metricsMaxConnections, minimum: 1),
        SettingDefinition(environmentName: "MIGRATIONS_DIR", unit: .text,
                          help: "Folder of the numbered .sql migrations; by default the sql folder beside the binary or above it.",
                          defaultDescription: "beside the binary", apply: { settings, value in settings.migrationsDirectory = value },
                          current: { $0.migrationsDirectory }),

        .integer("DB_POOL_SIZE", .count, "Most PostgreSQL connections open at once (writers, workers and spare).", \.database.maxConnections, minimum: 2),
        .integer("DB_WORKERS", .count, "Threads that run key look-ups, transcript upserts, metric inserts and health checks.", \.databaseWorkers, minimum: 1),
        .integer("DB_QUEUE_MAX_JOBS", .count, "Jobs waiting for those threads before requests that need one get 503.", \.databaseQueueMaxJobs, minimum: 1),
        .integer("DB_CONNECT_TIMEOUT_SECONDS", .seconds, "How long one connection attempt may take.", \.database.connectTimeoutSeconds, minimum: 1),
        .duration("DB_STATEMENT_TIMEOUT_SECONDS", .seconds, "statement_timeout on every connection.", \.database.statementTimeout, minimum: 1),
        .duration("DB_ACQUIRE_TIMEOUT_MS", .milliseconds, "How long a request waits for a free connection before 503.", \.database.acquireTimeout, minimum: 1),
        .duration("DB_RECONNECT_BACKOFF_MS", .milliseconds, "After a failed connect, how long requests fail fast before the next attempt.", \.database.reconnectBackoff, minimum: 1),
        .duration("DB_MAX_CONNECTION_LIFETIME_SECONDS", .seconds, "A connection older than this is closed when returned.", \.database.maxConnectionLifetime, minimum: 1),
        .duration("DB_MAX_CONNECTION_IDLE_SECONDS", .seconds, "An idle connection unused for this long is closed.", \.database.maxConnectionIdleTime, minimum: 1),
        .integer("DB_KEEPALIVES_IDLE_SECONDS", .seconds, "TCP keepalive: silence before the first probe of a PostgreSQL connection.", \.database.keepalive.idleSeconds, minimum: 1),
        .integer("DB_KEEPALIVES_INTERVAL_SECONDS", .seconds, "TCP keepalive: time between probes.", \.database.keepalive.intervalSeconds, minimum: 1),
        .integer("DB_KEEPALIVES_COUNT", .count, "TCP keepalive: unanswered probes before the connection counts as dead.", \.database.keepalive.count, minimum: 1),
        .duration("DB_TCP_USER_TIMEOUT_MS", .milliseconds, "How long sent data may stay unacknowledged before the connection counts as dead.", \.database.keepalive.userTimeout, minimum: 1),

        .integer("READ_POOL_SIZE", .count, "PostgreSQL connections of the read API (GET /api/v1/events, sessions, stats), each with its own thread; reads never take ingest's connections.", \.readPoolSize, minimum: 1),
        .integer("READ_QUEUE_MAX_JOBS", .count, "Read requests waiting for those threads before more get 503.", \.readQueueMaxJobs, minimum: 1),
        .duration("READ_STATEMENT_TIMEOUT_SECONDS", .seconds, "statement_timeout on the read API's connections; a longer query gets 503 query_timeout.", \.readStatementTimeout, minimum: 1),
        .integer("READ_MAX_RANGE_DAYS", .days, "Longest time range (from to to, or window) one read request may span (400 above).", \.readMaxRangeDays, minimum: 1, maximum: 3660),

        .duration("KEY_REFRESH_SECONDS", .seconds, "How often every key is reloaded from api_keys, besides the reload each change notifies at once.", \.keyRefreshInterval, minimum: 1),
        .duration("KEY_USE_FLUSH_SECONDS", .seconds, "How often the keys used since are written to last_used_at (what `collector keys list` shows).", \.keyUseFlushInterval, minimum: 1),

        .integer("MAX_BODY_BYTES", .bytes, "Largest request body for events and LangSmith runs (413 above); /api/langsmith/info tells the LangSmith SDK.", \.maxBodyBytes, minimum: 1024),
        .integer("MAX_TRANSCRIPT_BYTES", .bytes, "Largest request body for a transcript (413 above).", \.maxTranscriptBytes, minimum: 1024),
        .integer("MAX_JSON_DEPTH", .count, "Deepest nesting of arrays and objects accepted in a body.", \.maxJSONDepth, minimum: 4, maximum: 1000),
        .integer("RETRY_AFTER_SECONDS", .seconds, "Retry-After sent with 503 answers.", \.server.retryAfterSeconds, minimum: 1),
        .integer("MAX_EVENTS_PER_BATCH", .count, "Most events in one batch request.", \.maxEventsPerBatch, minimum: 1, maximum: 10_000),
        .integer("HOOK_FIELD_MAX_BYTES", .bytes, "Longest value of a Claude Code hook field (tool_input, tool_response, prompt, ...) kept whole; longer ones are cut and their size recorded as <field>_truncated.", \.hookFieldMaxBytes, minimum: 64),
        .integer("LANGSMITH_MAX_RUNS_PER_REQUEST", .count, "Most run operations (posts plus patches) in one LangSmith request; /api/langsmith/info tells the SDK.", \.langSmithMaxRunsPerRequest, minimum: 1, maximum: 100_000),
        .integer("LANGSMITH_FIELD_MAX_BYTES", .bytes, "Longest inputs, outputs, events, error or other field of a LangSmith run kept whole; longer ones are cut and their size recorded as <field>_truncated.", \.langSmithFieldMaxBytes, minimum: 64),

        .integer("OTLP_MAX_BODY_BYTES", .bytes, "Largest OTLP/HTTP request body (logs, metrics, traces), compressed or inflated (413 above).", \.otlpLimits.maxBodyBytes, minimum: 1024),
        .integer("OTLP_MAX_DEPTH", .count, "Deepest nesting of messages in an OTLP protobuf request, the request itself being 1 (400 above); an attribute value sits at 6.", \.otlpLimits.maxDepth, minimum: 8, maximum: 1000),
        .integer("OTLP_MAX_SPANS", .count, "Most spans in one OTLP traces request (413 above).", \.otlpLimits.maxSpans, minimum: 1),
        .integer("OTLP_MAX_LOG_RECORDS", .count, "Most log records in one OTLP logs request (413 above).", \.otlpLimits.maxLogRecords, minimum: 1),
        .integer("OTLP_MAX_DATA_POINTS", .count, "Most data points in one OTLP metrics request, over all its metrics (413 above).", \.otlpLimits.maxDataPoints, minimum: 1),
        .integer("OTLP_MAX_ATTRIBUTES", .count, "Most attributes on one OTLP span, span event or link, log record, data point, resource or scope; an item over it is refused in partial_success.", \.otlpLimits.maxAttributes, minimum: 1),
        .integer("OTLP_MAX_ATTRIBUTE_VALUE_BYTES", .bytes, "Longest OTLP attribute value (a string's or bytes' size; for arrays and maps the sum of theirs); an item with a longer one is refused in partial_success.", \.otlpLimits.maxAttributeValueBytes, minimum: 64),

        .integer("INGEST_WRITERS", .count, "Threads that write queued batches to PostgreSQL, each holding one connection.", \.ingestWriters, minimum: 1),
        .integer("GROUP_COMMIT_MAX_EVENTS", .count, "Most events one writer commits in one transaction.", \.groupCommitMaxEvents, minimum: 1),
        .integer("INGEST_QUEUE_MAX_EVENTS", .count, "Events waiting for a writer before new batches get 503.", \.ingestQueueMaxEvents, minimum: 1),
        .integer("RATE_LIMIT_EVENTS_PER_MINUTE", .eventsPerMinute, "Events one host may send per minute (a token bucket: a minute's worth at once, then steadily); over it, 429. 0 turns it off.", \.rateLimitEventsPerMinute),

        .integer("RETENTION_DAYS", .days, "Events, OTLP metric points and spans older than this many days (by their timestamp) are removed in the background: whole partitions dropped, the one straddling the cutoff deleted from in batches. 0 keeps everything.", \.retentionDays),
        .integer("TRANSCRIPT_RETENTION_DAYS", .days, "Transcripts not updated for this many days are deleted in the background. 0 keeps everything.", \.transcriptRetentionDays),
        .duration("RETENTION_INTERVAL_MINUTES", .minutes, "How often the retention sweep runs.", \.retentionInterval, minimum: 1),
        .integer("RETENTION_BATCH_ROWS", .count, "Rows one retention DELETE removes; each batch is its own short transaction.", \.retentionBatchRows, minimum: 1),

        .integer("PARTITION_DAYS_AHEAD", .days, "Days ahead for which the time partitions of events, metrics and spans are kept created; a row dated later waits in the default partition.", \.partitionDaysAhead, minimum: 1, maximum: 366),
        .integer("PARTITION_DAYS_BEHIND", .days, "Days back for which missing partitions are created (at most RETENTION_DAYS); a row dated earlier, where no partition is, lands in the default partition.", \.partitionDaysBehind, maximum: 3660),
        .duration("PARTITION_INTERVAL_MINUTES", .minutes, "How often the partitions ahead are created.", \.partitionInterval, minimum: 1),
        .duration("PARTITION_LOCK_TIMEOUT_MS", .milliseconds, "lock_timeout of each partition creation and drop, which lock a table for a moment: the longest an insert may queue behind one.", \.partitionLockTimeout, minimum: 1),
        .integer("PARTITION_LOCK_RETRIES", .count, "Tries of a partition creation or drop whose lock was busy, each after a pause of PARTITION_LOCK_TIMEOUT_MS, before it waits for the next round.", \.partitionLockRetries),

        .duration("ROLLUP_INTERVAL_SECONDS", .seconds, "How often the rollup job folds new rows into the dashboards' hourly and daily rollups.", \.rollupInterval, minimum: 1),
        .integer("ROLLUP_BATCH_HOURS", .count, "Most (host, hour) pairs one rollup transaction recomputes from the raw rows.", \.rollupBatchHours, minimum: 1),

        .text("SPOOL_DIR", "Folder of the on-disk spool that keeps accepted events while PostgreSQL is away.", \.spoolDirectory),
        .integer("SPOOL_MAX_BYTES", .bytes, "Most bytes waiting in the spool; when full, new work gets 503. 0 turns spooling off.", \.spoolMaxBytes, maximum: Int.max),
        .duration("SPOOL_RETRY_MS", .milliseconds, "How often the replayer tries PostgreSQL again while it is away.", \.spoolRetryInterval, minimum: 10),
        .integer("SPOOL_REPLAY_BATCH_BYTES", .bytes, "About how many spooled bytes one replay transaction writes.", \.spoolReplayBatchBytes, minimum: 1024),

        .integer("EVENT_LOOPS", .count, "Threads handling connections (default: one per core).", \.server.eventLoops, minimum: 1, maximum: 64,
                 defaultDescription: "cores"),
        .integer("MAX_CONNECTIONS", .count, "Open connections before new ones get 503.", \.server.maxConnections, minimum: 1),
        .integer("LISTEN_BACKLOG", .count, "Connections the kernel queues before the collector accepts them.", \.server.listenBacklog, minimum: 1),
        .integer("MAX_HEADER_BYTES", .bytes, "Largest request line plus headers (431 above).", \.server.parserLimits.maxHeaderBytes, minimum: 1024),
        .integer("MAX_HEADER_COUNT", .count, "Most header lines in one request (431 above).", \.server.parserLimits.maxHeaderCount, minimum: 8),
        .integer("MAX_REQUEST_LINE_BYTES", .bytes, "Longest request line (414 above).", \.server.parserLimits.maxRequestLineBytes, minimum: 64),
        .integer("MAX_CHUNK_LINE_BYTES", .bytes, "Longest chunk-size line of a chunked body, extensions included (400 above).", \.server.parserLimits.maxChunkLineBytes, minimum: 32),
        .integer("MAX_EMPTY_LINES_BEFORE_REQUEST", .count, "Empty lines tolerated before a request line (400 above).", \.server.parserLimits.maxEmptyLinesBeforeRequest),
        .integer("MAX_PIPELINE_BUFFER_BYTES", .bytes, "Bytes of pipelined requests buffered while one is answered before reading pauses.", \.server.maxPipelineBufferBytes, minimum: 1024),
        .integer("READ_BUDGET_BYTES", .bytes, "Bytes read from one connection per wake-up, so one fast sender cannot starve the others.", \.server.readBudgetBytes, minimum: 4096),
        .duration("HEADER_READ_TIMEOUT_SECONDS", .seconds, "Time from a request's first byte to the end of its headers.", \.server.headerReadTimeout, minimum: 1),
        .duration("BODY_READ_TIMEOUT_SECONDS", .seconds, "Time from the end of the headers to the end of the body.", \.server.bodyReadTimeout, minimum: 1),
        .duration("IDLE_TIMEOUT_SECONDS", .seconds, "How long a kept-alive connection may wait for its next request.", \.server.idleTimeout, minimum: 1),
        .duration("WRITE_TIMEOUT_SECONDS", .seconds, "How long a response may take to reach a slow client.", \.server.writeTimeout, minimum: 1),
        .duration("LINGER_TIMEOUT_SECONDS", .seconds, "After an answer that closes the connection, how long what the client still sends is read and dropped, so it sees the answer rather than a reset.", \.server.lingerTimeout),
        .integer("MAX_LINGER_BYTES", .bytes, "The most bytes read and dropped that way.", \.server.maxLingerBytes),
        .duration("SHUTDOWN_TIMEOUT_SECONDS", .seconds, "On SIGTERM, how long requests in flight may take to finish.", \.server.shutdownTimeout, minimum: 1),
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
        guard !settings.database.url.isEmpty else {
            throw SettingsError("DATABASE_URL is not set: give it in the environment or as --database-url, e.g. postgresql://collector:secret@localhost:5432/telemetry")
        }
        guard settings.database.maxConnections > settings.ingestWriters else {
            throw SettingsError("DB_POOL_SIZE (\(settings.database.maxConnections)) must be larger than INGEST_WRITERS (\(settings.ingestWriters)), so requests still get connections")
        }
        return settings
    }
}

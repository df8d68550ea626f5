import Logging
import Postgres
import Threads

/// Keeps the `KeyStore` current on a connection of its own: LISTENs on `api_keys_changed` (migration 005 notifies
/// on every change of a key) and reloads the whole set when told, and every `refreshInterval` as a safety net for
/// a notification lost while disconnected. Every `flushInterval` it records in `last_used_at` the keys used since.
/// While PostgreSQL is away the last set stays in force, so hosts that were sending keep sending (to the spool).
final class KeyWatcher: Sendable {
    /// The channel migration 005's trigger notifies.
    static let channel = "api_keys_changed"
    /// How long one wait for a notification lasts; also how soon `stop` is noticed.
    static let pollInterval: Duration = .milliseconds(200)

    private let store: KeyStore
    private let database: PoolConfiguration
    private let refreshInterval: Duration
    private let flushInterval: Duration
    private let logger: Logger
    private let thread = BackgroundThread()

    init(store: KeyStore, database: PoolConfiguration, refreshInterval: Duration, flushInterval: Duration, logger: Logger) {
        self.store = store
        self.database = database
        self.refreshInterval = refreshInterval
        self.flushInterval = flushInterval
        self.logger = logger
    }

    func start() {
        thread.start(name: "key-watcher") { [self] thread in
            while true {
                do throws(PostgresError) {
                    let connection = try connect()
                    try watch(on: connection, thread: thread)
                    return
                } catch {
                    logger.warning("key watcher lost PostgreSQL, keeping the keys it has", metadata: ["error": "\(error)"])
                }
                if thread.pause(database.reconnectBackoff) { return }
            }
        }
    }

    /// Stops watching after writing down the uses still pending.
    func stop() {
        thread.stop()
    }

    private func connect() throws(PostgresError) -> PostgresConnection {
        try PostgresConnection.connect(
            url: database.url, applicationName: "collector-keys", connectTimeoutSeconds: database.connectTimeoutSeconds,
            statementTimeout: database.statementTimeout, keepalive: database.keepalive)
    }

    /// LISTEN first, then load: a change made between the two is in the load, one made after it is notified.
    private func watch(on connection: PostgresConnection, thread: BackgroundThread) throws(PostgresError) {
        try connection.execute("LISTEN \(Self.channel)")
        try reload(on: connection)
        var nextRefresh = MonotonicClock.now + MonotonicClock.nanoseconds(refreshInterval)
        var nextFlush = MonotonicClock.now + MonotonicClock.nanoseconds(flushInterval)
        while !thread.pause(.zero) {
            let notified = try !connection.notifications(waitingUpTo: Self.pollInterval).isEmpty
            let now = MonotonicClock.now
            if notified || now >= nextRefresh {
                try reload(on: connection)
                nextRefresh = now + MonotonicClock.nanoseconds(refreshInterval)
            }
            if now >= nextFlush {
                try flushUses(on: connection)
                nextFlush = now + MonotonicClock.nanoseconds(flushInterval)
            }
        }
        try flushUses(on: connection)
    }

    private func reload(on connection: PostgresConnection) throws(PostgresError) {
        let keys = try KeySet.load(on: connection)
        let before = store.count
        store.replace(with: keys)
        if keys.count != before { logger.info("host keys reloaded", metadata: ["active": "\(keys.count)"]) }
    }

    /// One UPDATE for every key used since the last flush.
    private func flushUses(on connection: PostgresConnection) throws(PostgresError) {
        let used = store.takeUsed()
        guard !used.isEmpty else { return }
        var hashes = BinaryArray(.text)
        for digest in used { hashes.appendText(digest.hex.utf8) }
        do {
            try connection.execute("UPDATE api_keys SET last_used_at = now() WHERE key_hash = ANY($1)", [hashes.parameter()])
        } catch {
            store.restoreUsed(used)
            throw error
        }
    }
}

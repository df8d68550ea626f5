import Logging
import Postgres
import Synchronization
import Threads

/// Answers "which host does this key belong to?" from the cache, asking PostgreSQL on a miss. Concurrent
/// misses for one key share a single query, so a burst of requests from a new host costs one round trip.
final class KeyStore: Sendable {
    enum Outcome: Sendable, Equatable {
        case host(String)
        case unknown
        case unavailable(String)
    }

    private let cache: KeyCache
    private let pool: ConnectionPool
    private let workers: WorkerPool
    private let inFlight = Mutex<[String: [@Sendable (Outcome) -> Void]]>([:])

    init(cache: KeyCache, pool: ConnectionPool, workers: WorkerPool) {
        self.cache = cache
        self.pool = pool
        self.workers = workers
    }

    /// Calls `completion` with the key's host: at once from the cache, else from a database worker thread.
    func host<Key: Collection<UInt8>>(forKey key: Key, completion: @escaping @Sendable (Outcome) -> Void) {
        let hash = APIKey.hash(key)
        let staleHost: String?
        switch cache.lookup(hash) {
        case .host(let host): return completion(.host(host))
        case .unknown: return completion(.unknown)
        case .miss(let stale): staleHost = stale
        }
        let first = inFlight.withLock { waiting in
            waiting[hash, default: []].append(completion)
            return waiting[hash]!.count == 1
        }
        guard first else { return }
        let submitted = workers.submit { [self] in
            let outcome = fetch(hash)
            if case .unavailable = outcome, let staleHost {
                finish(hash, .host(staleHost), remember: false)
            } else {
                finish(hash, outcome)
            }
        }
        if !submitted { finish(hash, staleHost.map(Outcome.host) ?? .unavailable("the database queue is full"), remember: false) }
    }

    /// Loads every active key at start, so that the first requests after a restart need no look-up, and
    /// hosts known then are still recognised if PostgreSQL goes away before their first request.
    static func warm(_ cache: KeyCache, on connection: PostgresConnection) throws(PostgresError) -> Int {
        let rows = try connection.execute("SELECT key_hash, host_id FROM api_keys WHERE revoked_at IS NULL OR revoked_at > now()").rows
        for row in rows {
            if let hash = row[0], let host = row[1] { cache.remember(hash, host: host) }
        }
        return rows.count
    }

    private func finish(_ hash: String, _ outcome: Outcome, remember: Bool = true) {
        switch outcome {
        case .host(let host) where remember: cache.remember(hash, host: host)
        case .unknown where remember: cache.remember(hash, host: nil)
        default: break
        }
        let waiting = inFlight.withLock { $0.removeValue(forKey: hash) ?? [] }
        for completion in waiting { completion(outcome) }
    }

    /// Looks the hash up and records the use in the same statement.
    private func fetch(_ hash: String) -> Outcome {
        do {
            let result = try pool.withConnection { connection throws(PostgresError) in
                try connection.execute(
                    prepared: "touch_key",
                    sql: """
                        UPDATE api_keys SET last_used_at = now()
                        WHERE key_hash = $1 AND (revoked_at IS NULL OR revoked_at > now()) RETURNING host_id
                        """,
                    [.text(hash)])
            }
            return result.firstValue().map(Outcome.host) ?? .unknown
        } catch {
            return .unavailable(error.description)
        }
    }
}

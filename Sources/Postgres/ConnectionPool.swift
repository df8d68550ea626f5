import Threads

/// A bounded pool of libpq connections for dedicated threads: `acquire` blocks, so never call it from an
/// event loop or from Swift's cooperative pool.
///
/// As in pgxpool, a returned connection that is broken or still inside a transaction is closed rather than
/// handed to the next caller. While PostgreSQL is down, callers fail fast with `.unavailable`; one caller at a
/// time probes with a fresh connect, and the first success brings the pool back without a restart.
public final class ConnectionPool: Sendable {
    public let configuration: PoolConfiguration
    private let state: ConditionLock<State>

    private struct Idle {
        let connection: PostgresConnection
        let since: UInt64
    }

    private struct State {
        var idle: [Idle] = []
        var open = 0
        var inUse = 0
        var closed = false
        var probing = false
        var downUntil: UInt64 = 0
        var lastError: String?
        var acquireCount = 0
        var failedConnects = 0
    }

    public init(configuration: PoolConfiguration) {
        self.configuration = configuration
        state = ConditionLock(State())
    }

    private enum Step {
        case use(PostgresConnection)
        case connect
        case discard(PostgresConnection)
    }

    public func acquire() throws(PostgresError) -> PostgresConnection {
        let deadline = MonotonicClock.now + MonotonicClock.nanoseconds(configuration.acquireTimeout)
        let lifetime = MonotonicClock.nanoseconds(configuration.maxConnectionLifetime)
        while true {
            let step: Result<Step, PostgresError> = state.wait(
                until: { $0.closed || !$0.idle.isEmpty || $0.open < configuration.maxConnections },
                deadline: deadline
            ) { state, ready in
                if state.closed { return .failure(.poolClosed) }
                guard ready else { return .failure(.acquireTimeout) }
                if let idle = state.idle.popLast() {
                    if MonotonicClock.now - idle.connection.openedAt > lifetime || !idle.connection.isAliveWhileIdle() {
                        state.open -= 1
                        return .success(.discard(idle.connection))
                    }
                    state.inUse += 1
                    state.acquireCount += 1
                    return .success(.use(idle.connection))
                }
                let now = MonotonicClock.now
                if now < state.downUntil || state.probing {
                    return .failure(.unavailable(state.lastError ?? "reconnecting"))
                }
                if state.lastError != nil { state.probing = true }
                state.open += 1
                state.inUse += 1
                state.acquireCount += 1
                return .success(.connect)
            }
            switch step {
            case .failure(let error):
                throw error
            case .success(.use(let connection)):
                return connection
            case .success(.discard(let connection)):
                _ = connection  // released here, outside the lock: PQfinish may block briefly
                continue
            case .success(.connect):
                return try connect()
            }
        }
    }

    private func connect() throws(PostgresError) -> PostgresConnection {
        do {
            let connection = try PostgresConnection.connect(
                url: configuration.url, applicationName: configuration.applicationName,
                connectTimeoutSeconds: configuration.connectTimeoutSeconds,
                statementTimeout: configuration.statementTimeout, keepalive: configuration.keepalive)
            state.withLock { state in
                state.probing = false
                state.lastError = nil
                state.downUntil = 0
            }
            return connection
        } catch {
            state.withLock { state in
                state.open -= 1
                state.inUse -= 1
                state.probing = false
                state.failedConnects += 1
                state.lastError = error.description
                state.downUntil = MonotonicClock.now + MonotonicClock.nanoseconds(configuration.reconnectBackoff)
            }
            state.broadcast()
            throw error
        }
    }

    /// Returns a connection. One that is broken, inside a transaction, or past its lifetime is closed.
    public func release(_ connection: PostgresConnection) {
        let lifetime = MonotonicClock.nanoseconds(configuration.maxConnectionLifetime)
        let idleLimit = MonotonicClock.nanoseconds(configuration.maxConnectionIdleTime)
        let reusable = connection.isUsable && connection.isIdle
        let now = MonotonicClock.now
        var stale: [PostgresConnection] = []
        state.withLock { state in
            state.inUse -= 1
            if reusable && !state.closed && now - connection.openedAt < lifetime {
                state.idle.append(Idle(connection: connection, since: now))
            } else {
                state.open -= 1
                stale.append(connection)
            }
            // `now` was read before the lock: another thread may have returned a connection since, stamped later.
            while let oldest = state.idle.first, now > oldest.since, now - oldest.since > idleLimit {
                state.idle.removeFirst()
                state.open -= 1
                stale.append(oldest.connection)
            }
        }
        state.signal()
        stale.removeAll()  // PQfinish outside the lock
    }

    /// Runs `body` with a connection and returns it to the pool afterwards, whatever happens.
    public func withConnection<Result>(
        _ body: (PostgresConnection) throws(PostgresError) -> Result
    ) throws(PostgresError) -> Result {
        let connection = try acquire()
        defer { release(connection) }
        return try body(connection)
    }

    /// Closes idle connections and refuses new acquires; connections in use close when released.
    public func close() {
        let idle = state.withLock { state in
            state.closed = true
            let idle = state.idle
            state.open -= idle.count
            state.idle = []
            return idle
        }
        state.broadcast()
        _ = idle
    }

    public var statistics: PoolStatistics {
        state.withLock { state in
            PoolStatistics(
                open: state.open, inUse: state.inUse, idle: state.idle.count, maxConnections: configuration.maxConnections,
                acquireCount: state.acquireCount, failedConnects: state.failedConnects,
                isDown: state.lastError != nil && state.open == 0)
        }
    }
}

/// A snapshot of the pool for health reports and metrics.
public struct PoolStatistics: Sendable, Equatable {
    public let open: Int
    public let inUse: Int
    public let idle: Int
    public let maxConnections: Int
    public let acquireCount: Int
    public let failedConnects: Int
    /// The last connect failed and no connection is open.
    public let isDown: Bool
}

import HTTPServer
import Logging
import Postgres
import Synchronization
import Threads

/// The body of an export: one FETCH per part, on a read worker, on the connection that holds the export's cursor.
/// The server asks for a part only when the last has reached the socket, so a slow client slows the FETCHes and
/// memory stays at one batch. The connection goes back to the pool at the end, on a failure, or when the client
/// leaves (after the FETCH in flight, if any).
final class ExportStream: HTTPBodyProducer {
    private struct State {
        /// nil once released.
        var connection: PostgresConnection?
        /// The first batch, read before the answer's head was sent.
        var first: [UInt8]?
        var fetching = false
        var cancelled = false
    }

    private let state: Mutex<State>
    private let query: ExportQuery
    private let reads: DatabaseWork

    init(query: ExportQuery, connection: PostgresConnection, first: [UInt8], reads: DatabaseWork) {
        self.query = query
        self.reads = reads
        state = Mutex(State(connection: connection, first: first))
    }

    func produce(_ deliver: @escaping @Sendable (HTTPBodyPart) -> Void) {
        let start: (first: [UInt8]?, connection: PostgresConnection?) = state.withLock { state in
            if let first = state.first {
                state.first = nil
                return (first, nil)
            }
            state.fetching = state.connection != nil
            return (nil, state.connection)
        }
        if let first = start.first { return deliver(.bytes(first)) }
        guard let connection = start.connection else { return deliver(.end) }
        let submitted = reads.workers.submit { [self] in
            let part: HTTPBodyPart
            do throws(PostgresError) {
                let batch = try query.fetch(on: connection)
                if batch.isEmpty {
                    try connection.execute("COMMIT")
                    part = .end
                } else {
                    part = .bytes(batch)
                }
            } catch {
                reads.logger.warning("export stopped by PostgreSQL", metadata: ["error": "\(error)"])
                part = .failed
            }
            let keep = state.withLock { state in
                state.fetching = false
                guard !state.cancelled, case .bytes = part else {
                    state.connection = nil
                    return false
                }
                return true
            }
            if !keep { reads.pool.release(connection) }
            deliver(part)
        }
        if !submitted {
            reads.logger.warning("export stopped: the read queue is full")
            if let connection = state.withLock({ state in
                defer { state.connection = nil; state.fetching = false }
                return state.connection
            }) { reads.pool.release(connection) }
            deliver(.failed)
        }
    }

    func cancel() {
        // A FETCH in flight releases the connection when it returns; the pool closes it, being in a transaction.
        let idle = state.withLock { state -> PostgresConnection? in
            state.cancelled = true
            guard !state.fetching else { return nil }
            defer { state.connection = nil }
            return state.connection
        }
        if let idle { reads.pool.release(idle) }
    }
}

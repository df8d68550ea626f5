/// What went wrong talking to PostgreSQL, told so that the caller can choose between 503 and 500.
public enum PostgresError: Error, Sendable, CustomStringConvertible {
    /// The server could not be reached or the connection broke.
    case connectionFailed(String)
    /// The pool knows the server is down and fails fast instead of trying again at once.
    case unavailable(String)
    /// No connection became free in time.
    case acquireTimeout
    /// The server answered with an error.
    case server(sqlState: String, message: String)
    case poolClosed

    public var description: String {
        switch self {
        case .connectionFailed(let message): "cannot connect to PostgreSQL: \(message)"
        case .unavailable(let message): "PostgreSQL is unavailable: \(message)"
        case .acquireTimeout: "no database connection became free in time"
        case .server(let sqlState, let message): "PostgreSQL error \(sqlState): \(message)"
        case .poolClosed: "the connection pool is closed"
        }
    }

    /// True when trying again later may succeed: the server is away, busy or a statement timed out.
    public var isTransient: Bool {
        switch self {
        case .connectionFailed, .unavailable, .acquireTimeout: true
        // 57014 query_canceled (statement_timeout), 57P01-03 shutdown and cannot-connect-now, 53xxx resources,
        // 08xxx connection exceptions, 40001/40P01 serialization and deadlock.
        case .server(let sqlState, _):
            sqlState == "57014" || sqlState.hasPrefix("57P") || sqlState.hasPrefix("53") || sqlState.hasPrefix("08")
                || sqlState == "40001" || sqlState == "40P01"
        case .poolClosed: false
        }
    }
}

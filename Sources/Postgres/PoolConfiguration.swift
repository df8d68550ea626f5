/// How the pool connects and how many connections it keeps; modelled on pgxpool's `Config`.
public struct PoolConfiguration: Sendable {
    /// A libpq URI (`postgresql://user:pass@host:5432/db`) or key=value connection string.
    public var url: String
    /// Connections open at most; they are opened lazily, when no idle one is free.
    public var maxConnections: Int = 8
    /// How long `acquire` waits for a free connection before giving up.
    public var acquireTimeout: Duration = .seconds(2)
    /// libpq's `connect_timeout`, in seconds.
    public var connectTimeoutSeconds: Int = 3
    /// `statement_timeout` set on every connection.
    public var statementTimeout: Duration = .seconds(10)
    /// After a failed connect, acquirers fail fast for this long instead of each trying again.
    public var reconnectBackoff: Duration = .milliseconds(500)
    /// A connection older than this is closed when returned, so server-side memory does not grow forever.
    public var maxConnectionLifetime: Duration = .seconds(3600)
    /// An idle connection unused for this long is closed on return of another.
    public var maxConnectionIdleTime: Duration = .seconds(300)
    public var keepalive = TCPKeepalive()
    public var applicationName: String = "collector"

    public init(url: String) {
        self.url = url
    }
}

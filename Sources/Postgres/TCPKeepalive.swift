/// libpq's TCP keepalive settings: how soon a connection to a server that vanished (a VPS rebooted, a NAT entry
/// dropped) is noticed instead of hanging a thread until the kernel gives up, which takes hours by default.
public struct TCPKeepalive: Sendable, Equatable {
    /// Seconds of silence before the first probe (`keepalives_idle`).
    public var idleSeconds: Int = 10
    /// Seconds between probes (`keepalives_interval`).
    public var intervalSeconds: Int = 5
    /// Unanswered probes before the connection is dead (`keepalives_count`).
    public var count: Int = 3
    /// How long sent data may stay unacknowledged before the connection is dead (`tcp_user_timeout`).
    public var userTimeout: Duration = .seconds(15)

    public init() {}
}

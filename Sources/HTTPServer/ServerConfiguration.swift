import Glibc

/// Every limit and timeout of the HTTP server, each with a default that suits a small VPS.
public struct ServerConfiguration: Sendable {
    public var host: String = "0.0.0.0"
    public var port: Int = 8080
    /// Connections the kernel queues before `accept` (listen(2)'s backlog).
    public var listenBacklog: Int = 1024
    /// Threads waiting in epoll; each owns its connections. Defaults to the number of cores.
    public var eventLoops: Int = ServerConfiguration.coreCount
    public var parserLimits = HTTPParserLimits()
    /// From the first byte of a request to the end of its header section.
    public var headerReadTimeout: Duration = .seconds(10)
    /// From the end of the header section to the end of the body.
    public var bodyReadTimeout: Duration = .seconds(60)
    /// How long a kept-alive connection may wait for its next request.
    public var idleTimeout: Duration = .seconds(60)
    /// How long a response may take to drain to a slow reader.
    public var writeTimeout: Duration = .seconds(30)
    /// Past this many open connections, new ones get 503 with `Retry-After` and are closed.
    public var maxConnections: Int = 4096
    /// Bytes of pipelined requests buffered while one is in flight before the server stops reading.
    public var maxPipelineBufferBytes: Int = 1 << 20
    /// Bytes read from one connection per wake-up, so that one fast sender cannot starve a loop's other connections.
    public var readBudgetBytes: Int = 1 << 20
    /// How long a graceful shutdown waits for requests in flight.
    public var shutdownTimeout: Duration = .seconds(8)
    /// After an answer that closes the connection, how long the server keeps reading (and discarding) what
    /// the client still sends, so that the client sees the answer instead of a connection reset.
    public var lingerTimeout: Duration = .seconds(2)
    /// The most bytes discarded that way.
    public var maxLingerBytes: Int = 32 << 20
    /// `Retry-After` seconds sent with the 503 for connections over the limit (and, by the application, with its
    /// own 503s).
    public var retryAfterSeconds: Int = 2

    public init() {}

    public static var coreCount: Int {
        max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }
}

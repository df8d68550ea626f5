import Glibc
import Synchronization
import Threads

/// An HTTP/1.1 server on epoll: one listener and one thread per event loop (sharing the port through
/// SO_REUSEPORT), each owning the connections it accepted.
public final class HTTPServer: Sendable {
    private let shared: ServerShared
    private let threads = Mutex<[OSThread]>([])
    private let boundPort = Atomic<Int>(0)

    public init(configuration: ServerConfiguration, responder: any HTTPResponder) {
        shared = ServerShared(configuration: configuration, responder: responder)
    }

    /// The port the server listens on (the one the system chose when the configuration said 0).
    public var port: Int { boundPort.load(ordering: .acquiring) }

    /// Binds and starts the loops; returns once the server accepts connections.
    public func start() throws(SocketError) {
        let configuration = shared.configuration
        var listeners: [Int32] = []
        var port = configuration.port
        do {
            port = try Socket.claimPort(host: configuration.host, port: port)
            for _ in 0..<max(1, configuration.eventLoops) {
                let fd = try Socket.listen(
                    host: configuration.host, port: port, backlog: Int32(clamping: configuration.listenBacklog), reusePort: true)
                port = Socket.localPort(fd)
                listeners.append(fd)
            }
        } catch {
            for fd in listeners { close(fd) }
            throw error
        }
        boundPort.store(port, ordering: .releasing)
        var started: [OSThread] = []
        for (index, listener) in listeners.enumerated() {
            let loop = try EventLoop()
            let shared = shared
            started.append(OSThread.spawn(name: "http-loop-\(index)") {
                loop.adoptCurrentThread()
                ServerLoop(loop: loop, listener: listener, shared: shared).run()
            })
        }
        threads.withLock { $0 = started }
    }

    /// Graceful shutdown: stop accepting, close idle connections, let requests in flight finish (up to the
    /// configured shutdown timeout), then return.
    public func shutdown() {
        shared.shutdownRequested.store(true, ordering: .releasing)
        let running = threads.withLock { threads in
            let taken = threads
            threads = []
            return taken
        }
        for thread in running { thread.join() }
    }

    /// Connections open right now, across all loops.
    public var openConnections: Int { shared.openConnections.load(ordering: .relaxed) }
}

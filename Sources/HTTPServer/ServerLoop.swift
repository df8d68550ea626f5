import CLinux
import Glibc
import Synchronization
import TextFormats
import Threads

/// One event loop's share of the server: its listener, its connections, their timeouts.
final class ServerLoop: EventHandler {
    let loop: EventLoop
    let configuration: ServerConfiguration
    let responder: any HTTPResponder
    let headerReadTimeout: UInt64
    let bodyReadTimeout: UInt64
    let idleTimeout: UInt64
    let writeTimeout: UInt64
    /// Scratch space every connection of this loop reads into before the bytes go to its parser.
    let readBuffer: UnsafeMutableRawBufferPointer
    private(set) var date: String
    private(set) var isShuttingDown = false
    private var listener: Int32
    private var connections: [Int32: HTTPConnection] = [:]
    private let shared: ServerShared
    private var shutdownDeadline: UInt64 = 0

    init(loop: EventLoop, listener: Int32, shared: ServerShared) {
        self.loop = loop
        self.listener = listener
        self.shared = shared
        configuration = shared.configuration
        responder = shared.responder
        headerReadTimeout = MonotonicClock.nanoseconds(configuration.headerReadTimeout)
        bodyReadTimeout = MonotonicClock.nanoseconds(configuration.bodyReadTimeout)
        idleTimeout = MonotonicClock.nanoseconds(configuration.idleTimeout)
        writeTimeout = MonotonicClock.nanoseconds(configuration.writeTimeout)
        readBuffer = .allocate(byteCount: 64 * 1024, alignment: 16)
        date = HTTPDate.now()
    }

    deinit {
        readBuffer.deallocate()
    }

    func run() {
        loop.register(listener, events: CLINUX_EPOLLIN, handler: self)
        loop.run(tick: .milliseconds(100)) { tick() }
        for connection in Array(connections.values) { connection.close() }
    }

    /// The listener is readable: accept what is waiting.
    func handle(events: UInt32) {
        for _ in 0..<64 {
            let fd: Int32?
            do {
                fd = try Socket.accept(listener)
            } catch {
                // Out of descriptors (EMFILE) or similar: leave the backlog for the next tick rather than spin.
                return
            }
            guard let fd else { return }
            guard shared.openConnections.add(1, ordering: .relaxed).newValue <= configuration.maxConnections else {
                shared.openConnections.subtract(1, ordering: .relaxed)
                refuseOverCapacity(fd)
                continue
            }
            let connection = HTTPConnection(fd: fd, owner: self)
            connections[fd] = connection
            connection.start()
        }
    }

    private func refuseOverCapacity(_ fd: Int32) {
        let refusal = ServerRefusal(status: 503, code: "overloaded",
                                    message: "the server has too many open connections; retry shortly",
                                    retryAfterSeconds: configuration.retryAfterSeconds)
        let bytes = responder.response(for: refusal).encoded(keepAlive: false, date: date)
        _ = bytes.withUnsafeBytes { Socket.write(fd, $0) }
        close(fd)
    }

    func connectionClosed(_ fd: Int32) {
        connections[fd] = nil
        shared.openConnections.subtract(1, ordering: .relaxed)
    }

    private func tick() {
        date = HTTPDate.now()
        let now = MonotonicClock.now
        if !isShuttingDown && shared.shutdownRequested.load(ordering: .acquiring) { beginShutdown(now: now) }
        for connection in Array(connections.values) where connection.deadline != 0 && now >= connection.deadline {
            connection.expire()
        }
        if isShuttingDown {
            if now >= shutdownDeadline {
                for connection in Array(connections.values) { connection.close() }
            }
            if connections.isEmpty { loop.stop() }
        }
    }

    /// Stops accepting, closes idle connections and lets requests in flight finish, each then closing.
    private func beginShutdown(now: UInt64) {
        isShuttingDown = true
        shutdownDeadline = now + MonotonicClock.nanoseconds(configuration.shutdownTimeout)
        loop.deregister(listener)
        close(listener)
        listener = -1
        for connection in Array(connections.values) { connection.closeIfIdle() }
    }
}

/// What the loops of one server share across threads.
final class ServerShared: Sendable {
    let configuration: ServerConfiguration
    let responder: any HTTPResponder
    let openConnections = Atomic<Int>(0)
    let shutdownRequested = Atomic<Bool>(false)

    init(configuration: ServerConfiguration, responder: any HTTPResponder) {
        self.configuration = configuration
        self.responder = responder
    }
}

/// The `Date` header's format (RFC 9110 IMF-fixdate), rebuilt once per loop tick.
enum HTTPDate {
    static func now() -> String {
        let now = WallClock.now
        return UTCTime(secondsSince1970: now.seconds).imfFixdate
    }
}

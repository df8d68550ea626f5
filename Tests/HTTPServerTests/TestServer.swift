import Foundation
import HTTPServer
import Synchronization
import TestSupport
import Threads

/// Runs `body` against a server on a free loopback port, then shuts the server down. The configuration starts from
/// short timeouts so that a test that goes wrong fails in seconds, not minutes.
func withServer<Result>(
    _ responder: any HTTPResponder = EchoResponder(),
    configure: (inout ServerConfiguration) -> Void = { _ in },
    _ body: (HTTPServer) throws -> Result
) throws -> Result {
    var configuration = ServerConfiguration()
    configuration.host = "127.0.0.1"
    configuration.port = 0
    configuration.eventLoops = 2
    configuration.shutdownTimeout = .seconds(2)
    configure(&configuration)
    let server = HTTPServer(configuration: configuration, responder: responder)
    try server.start()
    defer { server.shutdown() }
    return try body(server)
}

extension HTTPServer {
    func connect(timeoutSeconds: Int = 10) throws -> RawHTTPClient {
        try RawHTTPClient(port: port, timeoutSeconds: timeoutSeconds)
    }

    /// Sends one request on a new connection and reads its response.
    func request(_ text: String) throws -> ParsedResponse {
        let client = try connect()
        try client.send(text)
        return try client.expectResponse()
    }
}

extension RawHTTPClient {
    func expectResponse() throws -> ParsedResponse {
        guard let response = try readResponse() else { throw TestSupportError("the server closed without a response") }
        return response
    }

    /// Every byte until the server closes; nil when it did not close within the receive timeout.
    func readUntilClosed() -> [UInt8]? {
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(fd, &chunk, chunk.count, 0)
            if count > 0 {
                received += chunk[0..<count]
            } else if count == 0 || errno == ECONNRESET {
                return received
            } else {
                return nil
            }
        }
    }

    /// What one `recv` returns once the first bytes have arrived: a response written with one `send` arrives whole.
    func receiveOnce() -> [UInt8] {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = recv(fd, &chunk, chunk.count, 0)
        return count > 0 ? Array(chunk[0..<count]) : []
    }

    /// Whether bytes are waiting to be read right now.
    var hasPendingBytes: Bool {
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, 0) > 0
    }

    var localPort: Int { Sockets.port(of: fd, peer: false) ?? 0 }
}

enum Sockets {
    /// The local or peer port of a TCP socket, nil for anything else.
    static func port(of fd: Int32, peer: Bool) -> Int? {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let found = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                (peer ? getpeername(fd, $0, &length) : getsockname(fd, $0, &length)) == 0
            }
        }
        guard found, address.sin_family == sa_family_t(AF_INET) else { return nil }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// The server's end of `client`'s connection. The server runs in the test process, so its accepted socket is
    /// one of this process's descriptors: the one bound to the server's port whose peer is the client's port.
    static func serverEnd(of client: RawHTTPClient, serverPort: Int) -> Int32? {
        let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return descriptors.compactMap { Int32($0) }.first { fd in
            fd != client.fd && port(of: fd, peer: false) == serverPort && port(of: fd, peer: true) == client.localPort
        }
    }

    static func integerOption(_ fd: Int32, level: Int32, name: Int32) -> Int32? {
        var value: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        return getsockopt(fd, level, name, &value, &length) == 0 ? value : nil
    }

    /// A listening socket on a free loopback port, without SO_REUSEPORT, as another program would hold it.
    static func listener() throws -> (fd: Int32, port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard bound, listen(fd, 8) == 0, let port = port(of: fd, peer: false) else {
            close(fd)
            throw TestSupportError("cannot listen on loopback: errno \(errno)")
        }
        return (fd, port)
    }

    /// Sends all of `text` on a raw descriptor; false once the connection refuses more.
    static func send(_ fd: Int32, _ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) == $0.count }
    }

    /// The errno of a connect to `port` on loopback, 0 when it succeeds.
    static func connectError(port: Int) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        return connected == 0 ? 0 : errno
    }
}

/// Answers at once, on the loop's thread, with the request's body and what the server made of its head.
struct EchoResponder: HTTPResponder {
    func respond(to request: HTTPRequest, writer: ResponseWriter) {
        writer.write(echo(request))
    }
}

func echo(_ request: HTTPRequest) -> HTTPResponse {
    var headers = HTTPHeaders()
    headers.add(name: "X-Method", value: request.head.method)
    headers.add(name: "X-Target", value: request.head.target)
    headers.add(name: "X-Version", value: "\(request.head.version.major).\(request.head.version.minor)")
    return HTTPResponse(status: 200, headers: headers, body: request.body)
}

/// Answers from another thread: requests to `/slow` once `release()` is called, every other one as soon as its
/// thread runs. Counts what it received, so a test knows when a request is in flight.
final class LaterResponder: HTTPResponder {
    private let released = ConditionLock(false)
    private let received = ConditionLock(0)

    func respond(to request: HTTPRequest, writer: ResponseWriter) {
        received.withLock { $0 += 1 }
        received.broadcast()
        Thread.detachNewThread { [released] in
            if request.head.path == "/slow" { released.wait(until: { $0 }) { _, _ in } }
            writer.write(echo(request))
        }
    }

    func release() {
        released.withLock { $0 = true }
        released.broadcast()
    }

    /// Waits until `count` requests have reached the responder; false after 10 s, the bound against hanging.
    func waitForRequests(_ count: Int) -> Bool {
        received.wait(until: { $0 >= count }, deadline: MonotonicClock.now + 10_000_000_000) { _, ready in ready }
    }
}

/// Echoes, with a body limit chosen per path: 16 bytes under `/small`, the server's default elsewhere.
struct PathLimitResponder: HTTPResponder {
    static let smallLimit = 16

    func respond(to request: HTTPRequest, writer: ResponseWriter) {
        writer.write(echo(request))
    }

    func bodyLimit(for head: HTTPRequestHead) -> Int? {
        head.path.hasPrefix("/small") ? Self.smallLimit : nil
    }
}

/// Echoes, and records each event loop thread a request was answered on (the responder runs on the loop).
final class LoopRecordingResponder: HTTPResponder {
    let loops = Mutex<Set<pthread_t>>([])

    func respond(to request: HTTPRequest, writer: ResponseWriter) {
        loops.withLock { _ = $0.insert(pthread_self()) }
        writer.write(echo(request))
    }
}

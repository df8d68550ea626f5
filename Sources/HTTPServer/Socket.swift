import CLinux
import Glibc

/// An error from a socket system call, with the call's name and errno.
public struct SocketError: Error, CustomStringConvertible, Sendable {
    public let operation: String
    public let code: Int32

    init(_ operation: String, code: Int32 = errno) {
        self.operation = operation
        self.code = code
    }

    public var description: String {
        "\(operation) failed: \(String(cString: strerror(code)))"
    }
}

/// The few socket calls the server makes, on raw file descriptors.
enum Socket {
    /// A non-blocking TCP listener. With `reusePort`, several listeners share one port and the kernel spreads
    /// connections over them, one per event loop.
    static func listen(host: String, port: Int, backlog: Int32, reusePort: Bool) throws(SocketError) -> Int32 {
        let fd = try bound(host: host, port: port, reusePort: reusePort)
        guard Glibc.listen(fd, backlog) == 0 else {
            let error = SocketError("listen")
            close(fd)
            throw error
        }
        return fd
    }

    /// Fails when something already listens on `host:port`, and returns the port (the one the system chose when
    /// `port` is 0). Listeners with SO_REUSEPORT would otherwise bind beside another server of the same user, a
    /// collector started twice by mistake, and share its connections without a word.
    static func claimPort(host: String, port: Int) throws(SocketError) -> Int {
        let fd = try bound(host: host, port: port, reusePort: false)
        defer { close(fd) }
        return localPort(fd)
    }

    private static func bound(host: String, port: Int, reusePort: Bool) throws(SocketError) -> Int32 {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            throw SocketError("inet_pton(\(host))", code: EINVAL)
        }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | CLINUX_SOCK_NONBLOCK | CLINUX_SOCK_CLOEXEC, 0)
        guard fd >= 0 else { throw SocketError("socket") }
        setOption(fd, SOL_SOCKET, SO_REUSEADDR, 1)
        if reusePort { setOption(fd, SOL_SOCKET, SO_REUSEPORT, 1) }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            let error = SocketError("bind(\(host):\(port))")
            close(fd)
            throw error
        }
        return fd
    }

    /// The port a bound socket got (useful when it asked for port 0).
    static func localPort(_ fd: Int32) -> Int {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Accepts one pending connection, already non-blocking; nil when none is waiting.
    static func accept(_ listener: Int32) throws(SocketError) -> Int32? {
        let fd = accept4(listener, nil, nil, CLINUX_SOCK_NONBLOCK | CLINUX_SOCK_CLOEXEC)
        if fd >= 0 {
            // Each response leaves in one write; without this, Nagle and delayed ACKs add ~40 ms to small replies.
            setOption(fd, Int32(IPPROTO_TCP), TCP_NODELAY, 1)
            return fd
        }
        switch errno {
        case EAGAIN, EWOULDBLOCK, ECONNABORTED, EINTR, EPROTO: return nil
        default: throw SocketError("accept4")
        }
    }

    static func setOption(_ fd: Int32, _ level: Int32, _ name: Int32, _ value: Int32) {
        var value = value
        _ = setsockopt(fd, level, name, &value, socklen_t(MemoryLayout<Int32>.size))
    }

    enum IOResult: Equatable {
        case bytes(Int)
        case wouldBlock
        case closed
    }

    static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> IOResult {
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n > 0 { return .bytes(n) }
            if n == 0 { return .closed }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            default: return .closed
            }
        }
    }

    static func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> IOResult {
        while true {
            let n = send(fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL))
            if n >= 0 { return .bytes(n) }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            default: return .closed
            }
        }
    }
}

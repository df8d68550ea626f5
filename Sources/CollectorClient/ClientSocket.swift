import CLinux
import Glibc
import Threads

/// A TCP connection to the collector, non-blocking underneath so that every wait ends at the deadline: name
/// lookup, connect, each read and write.
final class ClientSocket {
    let fd: Int32

    private init(fd: Int32) {
        self.fd = fd
    }

    deinit {
        close(fd)
    }

    /// Connects to the first address of `host` that answers.
    static func connect(host: String, port: Int, deadline: Deadline) throws(ClientError) -> ClientSocket {
        var lastError = ClientError("\(host) has no address")
        for address in try resolve(host: host, port: port, deadline: deadline) {
            do {
                return try connect(to: address, deadline: deadline)
            } catch {
                lastError = ClientError("cannot connect to \(host):\(port): \(error)", timedOut: error.timedOut)
                if deadline.hasPassed { break }
            }
        }
        throw lastError
    }

    private static func connect(to address: ResolvedAddress, deadline: Deadline) throws(ClientError) -> ClientSocket {
        let fd = socket(address.family, Int32(SOCK_STREAM.rawValue) | CLINUX_SOCK_NONBLOCK | CLINUX_SOCK_CLOEXEC, 0)
        guard fd >= 0 else { throw ClientError(Self.lastError("socket")) }
        let socket = ClientSocket(fd: fd)
        var noDelay: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
        let started = address.bytes.withUnsafeBytes { raw in
            Glibc.connect(fd, raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t(raw.count))
        }
        if started != 0 {
            guard errno == EINPROGRESS || errno == EINTR else { throw ClientError(Self.lastError("connect")) }
            try socket.wait(for: Int16(POLLOUT), deadline: deadline, doing: "connecting")
            var failure: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            _ = getsockopt(fd, SOL_SOCKET, SO_ERROR, &failure, &length)
            guard failure == 0 else { throw ClientError(String(cString: strerror(failure))) }
        }
        return socket
    }

    /// Waits until the socket is ready for `events` (POLLIN, POLLOUT), or throws at the deadline.
    func wait(for events: Int16, deadline: Deadline, doing activity: String) throws(ClientError) {
        while true {
            var descriptor = pollfd(fd: fd, events: events, revents: 0)
            let ready = poll(&descriptor, 1, deadline.remainingMilliseconds)
            if ready > 0 { return }
            if ready < 0 && errno == EINTR { continue }
            guard ready == 0 else { throw ClientError(Self.lastError("poll")) }
            throw ClientError("timed out \(activity)", timedOut: true)
        }
    }

    func write(_ bytes: [UInt8], deadline: Deadline) throws(ClientError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written > 0 {
                offset += written
                continue
            }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: try wait(for: Int16(POLLOUT), deadline: deadline, doing: "sending")
            default: throw ClientError(Self.lastError("send"))
            }
        }
    }

    /// Reads what has arrived into `buffer`, waiting for something; 0 at the end of the stream.
    func read(into buffer: UnsafeMutableRawBufferPointer, deadline: Deadline) throws(ClientError) -> Int {
        while true {
            let count = recv(fd, buffer.baseAddress, buffer.count, 0)
            if count >= 0 { return count }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: try wait(for: Int16(POLLIN), deadline: deadline, doing: "waiting for the answer")
            case ECONNRESET: return 0
            default: throw ClientError(Self.lastError("recv"))
            }
        }
    }

    static func lastError(_ call: String) -> String {
        "\(call): \(String(cString: strerror(errno)))"
    }

    // MARK: Name lookup

    struct ResolvedAddress: Sendable {
        let family: Int32
        /// A sockaddr_in or sockaddr_in6.
        let bytes: [UInt8]
    }

    /// getaddrinfo has no timeout of its own; it runs on a thread of its own that is left behind at the deadline
    /// (the process ends soon after).
    static func resolve(host: String, port: Int, deadline: Deadline) throws(ClientError) -> [ResolvedAddress] {
        let outcome = ConditionLock<Result<[ResolvedAddress], ClientError>?>(nil)
        _ = OSThread.spawn(name: "resolve") {
            let result = lookUp(host: host, port: port)
            outcome.withLock { $0 = result }
            outcome.broadcast()
        }
        let result = outcome.wait(until: { $0 != nil }, deadline: deadline.end) { state, _ in state }
        guard let result else { throw ClientError("timed out looking up \(host)", timedOut: true) }
        return try result.get()
    }

    private static func lookUp(host: String, port: Int) -> Result<[ResolvedAddress], ClientError> {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV | AI_ADDRCONFIG
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let list else {
            return .failure(ClientError("cannot look up \(host): \(String(cString: gai_strerror(status)))"))
        }
        defer { freeaddrinfo(list) }
        var addresses: [ResolvedAddress] = []
        var entry: UnsafeMutablePointer<addrinfo>? = list
        while let current = entry {
            let info = current.pointee
            if let address = info.ai_addr, info.ai_family == AF_INET || info.ai_family == AF_INET6 {
                let bytes = Array(UnsafeRawBufferPointer(start: address, count: Int(info.ai_addrlen)))
                addresses.append(ResolvedAddress(family: info.ai_family, bytes: bytes))
            }
            entry = info.ai_next
        }
        return .success(addresses)
    }
}

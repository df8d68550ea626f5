import Foundation

/// A plain TCP client that sends exact bytes and reads exact responses: for tests of what the server does
/// with any byte sequence, keep-alive and pipelining included.
public final class RawHTTPClient {
    public private(set) var fd: Int32
    private var buffer: [UInt8] = []

    public init(port: Int, timeoutSeconds: Int = 10) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(fd)
            throw TestSupportError("connect to port \(port) failed: errno \(errno)")
        }
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Closes the connection now, as a client that goes away in the middle of an answer.
    public func closeNow() {
        close(fd)
        fd = -1
    }

    public func send(_ text: String) throws { try send(Array(text.utf8)) }

    public func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Foundation.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else { throw TestSupportError("send failed: errno \(errno)") }
            offset += written
        }
    }

    /// Half-closes the sending side, as a client that has nothing more to say.
    public func shutdownWrite() { shutdown(fd, Int32(SHUT_WR)) }

    /// Reads one response (status, headers, Content-Length body); nil when the server closed first.
    public func readResponse() throws -> ParsedResponse? {
        while true {
            if let response = try ParsedResponse.take(from: &buffer) { return response }
            guard try fill() else { return nil }
        }
    }

    /// True when the server closed the connection (reading gives end of stream) within the receive timeout.
    public func isClosedByServer() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(fd, &chunk, chunk.count, 0)
            if count == 0 { return true }
            if count < 0 { return errno == ECONNRESET }
        }
    }

    /// Reads a response head, then a chunked body to its last chunk: the head's lines, the body, and whether the
    /// body ended with its last chunk (false when the server closed or went silent first).
    public func readChunked() -> (head: String, body: [UInt8], complete: Bool) {
        func line() -> String? {
            while true {
                if let end = buffer.firstRange(of: [13, 10]) {
                    let text = String(decoding: buffer[..<end.lowerBound], as: UTF8.self)
                    buffer.removeFirst(end.upperBound)
                    return text
                }
                guard (try? fill()) == true else { return nil }
            }
        }
        var head = ""
        while let text = line(), !text.isEmpty { head += text + "\n" }
        var body: [UInt8] = []
        while let size = line().flatMap({ Int($0, radix: 16) }) {
            if size == 0 { return (head, body, line() == "") }
            while buffer.count < size + 2 { guard (try? fill()) == true else { return (head, body, false) } }
            body += buffer[..<(buffer.startIndex + size)]
            buffer.removeFirst(size + 2)
        }
        return (head, body, false)
    }

    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = recv(fd, &chunk, chunk.count, 0)
        if count == 0 || (count < 0 && errno == ECONNRESET) { return false }
        guard count > 0 else { throw TestSupportError("no response in time (errno \(errno))") }
        buffer.append(contentsOf: chunk[0..<count])
        return true
    }
}

public struct ParsedResponse: Sendable {
    public let status: Int
    public let headers: [String: String]
    public let body: [UInt8]

    public var text: String { String(decoding: body, as: UTF8.self) }

    /// The body as a JSON object.
    public var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:]
    }

    public func header(_ name: String) -> String? { headers[name.lowercased()] }

    static func take(from buffer: inout [UInt8]) throws -> ParsedResponse? {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = buffer.firstRange(of: separator) else { return nil }
        let head = String(decoding: buffer[..<end.lowerBound], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else {
            throw TestSupportError("bad status line in \(head)")
        }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        guard buffer.count >= end.upperBound + length else { return nil }
        let body = Array(buffer[end.upperBound..<(end.upperBound + length)])
        buffer.removeFirst(end.upperBound + length)
        return ParsedResponse(status: status, headers: headers, body: body)
    }
}

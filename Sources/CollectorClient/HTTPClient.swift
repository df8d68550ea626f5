import TextFormats

/// One HTTP/1.1 POST per connection to the collector, over TCP or TLS, within a deadline. Enough HTTP for the
/// collector and Caddy: the answer's body by Content-Length, chunked, or up to the close.
public struct HTTPClient: Sendable {
    public let url: CollectorURL
    /// PEM file of the CAs to trust instead of the system's (a private CA in front of the collector).
    public let caFile: String?

    public init(url: CollectorURL, caFile: String? = nil) {
        self.url = url
        self.caFile = caFile
    }

    /// The most of an answer read; the collector's are a few hundred bytes.
    static let maxResponseBytes = 1 << 20

    public func post(_ path: String, body: [UInt8], apiKey: String, deadline: Deadline) throws(ClientError) -> ClientResponse {
        let socket = try ClientSocket.connect(host: url.host, port: url.port, deadline: deadline)
        let stream: any ByteStream = url.isTLS
            ? try TLSStream(socket: socket, host: url.host, caFile: caFile, deadline: deadline)
            : socket
        var request = Array("""
            POST \(url.basePath)\(path) HTTP/1.1\r
            Host: \(url.hostHeader)\r
            User-Agent: collector-send\r
            Content-Type: application/json\r
            X-API-Key: \(apiKey)\r
            Content-Length: \(body.count)\r
            Connection: close\r
            \r\n
            """.utf8)
        request.append(contentsOf: body)
        try stream.write(request, deadline: deadline)
        var reader = ResponseReader(stream: stream, deadline: deadline)
        return try reader.read()
    }
}

public struct ClientResponse: Sendable {
    public let status: Int
    /// Names in lower case.
    public let headers: [String: String]
    public let body: [UInt8]
}

/// What HTTPClient needs of a connection, plain or TLS.
protocol ByteStream {
    func write(_ bytes: [UInt8], deadline: Deadline) throws(ClientError)
    func read(into buffer: UnsafeMutableRawBufferPointer, deadline: Deadline) throws(ClientError) -> Int
}

extension ClientSocket: ByteStream {}
extension TLSStream: ByteStream {}

/// Parses one response from a stream.
struct ResponseReader {
    let stream: any ByteStream
    let deadline: Deadline
    private var buffer: [UInt8] = []
    private var atEnd = false

    init(stream: any ByteStream, deadline: Deadline) {
        self.stream = stream
        self.deadline = deadline
    }

    mutating func read() throws(ClientError) -> ClientResponse {
        while true {
            let head = try readHead()
            let lines = String(decoding: head, as: UTF8.self).split(separator: "\r\n", omittingEmptySubsequences: false)
            let statusParts = lines.first?.split(separator: " ", maxSplits: 2) ?? []
            guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/1."), let status = Int(statusParts[1]) else {
                throw ClientError("the answer is not HTTP/1.1: \(lines.first.map(String.init) ?? "")")
            }
            var headers: [String: String] = [:]
            for line in lines.dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                let name = line[..<colon].lowercased()
                let value = String(line[line.index(after: colon)...].trimmingSpacesAndTabs())
                headers[name] = headers[name].map { $0 + ", " + value } ?? value
            }
            if (100..<200).contains(status) { continue }  // 100 Continue and the like precede the real answer
            let body: [UInt8]
            if headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
                body = try readChunked()
            } else if let lengthText = headers["content-length"] {
                guard let length = Int(lengthText), length >= 0, length <= HTTPClient.maxResponseBytes else {
                    throw ClientError("the answer has a bad Content-Length: \(lengthText)")
                }
                body = try readExactly(length)
            } else {
                body = try readToEnd()
            }
            return ClientResponse(status: status, headers: headers, body: body)
        }
    }

    private mutating func readHead() throws(ClientError) -> ArraySlice<UInt8> {
        let separator: [UInt8] = [13, 10, 13, 10]
        while true {
            if let end = buffer.firstRange(of: separator) {
                let head = buffer[..<end.lowerBound]
                buffer.removeFirst(end.upperBound)
                return head
            }
            guard buffer.count < 64 * 1024 else { throw ClientError("the answer's headers are too long") }
            guard try fill() else { throw ClientError("the connection closed before an answer") }
        }
    }

    private mutating func readExactly(_ count: Int) throws(ClientError) -> [UInt8] {
        while buffer.count < count {
            guard try fill() else { throw ClientError("the connection closed in the middle of the answer") }
        }
        let bytes = Array(buffer[..<count])
        buffer.removeFirst(count)
        return bytes
    }

    private mutating func readLine() throws(ClientError) -> String {
        while true {
            if let end = buffer.firstRange(of: [13, 10]) {
                let line = String(decoding: buffer[..<end.lowerBound], as: UTF8.self)
                buffer.removeFirst(end.upperBound)
                return line
            }
            guard buffer.count < 4096, try fill() else { throw ClientError("the answer's chunked body is malformed") }
        }
    }

    private mutating func readChunked() throws(ClientError) -> [UInt8] {
        var body: [UInt8] = []
        while true {
            let sizeText = try readLine().prefix { $0 != ";" }.trimmingSpacesAndTabs()
            guard let size = Int(sizeText, radix: 16), size >= 0, body.count + size <= HTTPClient.maxResponseBytes else {
                throw ClientError("the answer's chunked body is malformed")
            }
            if size == 0 {
                while try !readLine().isEmpty {}  // trailer fields
                return body
            }
            body.append(contentsOf: try readExactly(size))
            guard try readLine().isEmpty else { throw ClientError("the answer's chunked body is malformed") }
        }
    }

    private mutating func readToEnd() throws(ClientError) -> [UInt8] {
        while try fill() {
            guard buffer.count <= HTTPClient.maxResponseBytes else { throw ClientError("the answer is too long") }
        }
        defer { buffer = [] }
        return buffer
    }

    /// Reads more into the buffer; false at the end of the stream.
    private mutating func fill() throws(ClientError) -> Bool {
        guard !atEnd else { return false }
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        let read = chunk.withUnsafeMutableBytes { raw in
            Result { () throws(ClientError) in try stream.read(into: raw, deadline: deadline) }
        }
        let count = try read.get()
        if count == 0 {
            atEnd = true
            return false
        }
        buffer.append(contentsOf: chunk[..<count])
        return true
    }
}

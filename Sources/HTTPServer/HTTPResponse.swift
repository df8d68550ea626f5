/// A response: the server adds `Content-Length`, `Date` and `Connection`, and sends it in one write. With a
/// `producer`, the body is made while it is sent instead (chunked to HTTP/1.1 clients, then the connection stays
/// open; to HTTP/1.0 ones until the connection closes), and `body` is ignored.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]
    public var producer: (any HTTPBodyProducer)?

    public init(status: Int, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public init(status: Int, headers: HTTPHeaders = HTTPHeaders(), producer: any HTTPBodyProducer) {
        self.init(status: status, headers: headers)
        self.producer = producer
    }

    /// The bytes on the wire: status line, headers and body in one buffer. An HTTP/1.0 client assumes the server
    /// closes after each response unless told `Connection: keep-alive` (RFC 9112 §9.3), so it is told.
    /// An answer to HEAD carries the headers GET would, Content-Length included, and no body (RFC 9110 §9.3.2).
    func encoded(keepAlive: Bool, date: String, requestVersion: HTTPVersion = .http1_1, includeBody: Bool = true) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(160 + body.count)
        out.append(contentsOf: "HTTP/1.1 \(status) \(HTTPResponse.reason(status))\r\n".utf8)
        for (name, value) in headers {
            out.append(contentsOf: name.utf8)
            out.append(contentsOf: ": ".utf8)
            out.append(contentsOf: value.utf8)
            out.append(contentsOf: "\r\n".utf8)
        }
        if producer == nil {
            out.append(contentsOf: "Content-Length: \(body.count)\r\n".utf8)
        } else if requestVersion == .http1_1 {
            out.append(contentsOf: "Transfer-Encoding: chunked\r\n".utf8)
        }
        out.append(contentsOf: "Date: \(date)\r\n".utf8)
        if !keepAlive {
            out.append(contentsOf: "Connection: close\r\n".utf8)
        } else if requestVersion == .http1_0 {
            out.append(contentsOf: "Connection: keep-alive\r\n".utf8)
        }
        out.append(contentsOf: "\r\n".utf8)
        if includeBody && producer == nil { out.append(contentsOf: body) }
        return out
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 100: "Continue"
        case 200: "OK"
        case 201: "Created"
        case 202: "Accepted"
        case 204: "No Content"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 413: "Content Too Large"
        case 414: "URI Too Long"
        case 415: "Unsupported Media Type"
        case 429: "Too Many Requests"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 503: "Service Unavailable"
        case 505: "HTTP Version Not Supported"
        default: "Status \(status)"
        }
    }
}

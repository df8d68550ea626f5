import TextFormats

/// Everything about a request that arrives before its body, with the framing and connection semantics already
/// derived from the header fields.
public struct HTTPRequestHead: Sendable, Equatable {
    public var method: String
    /// The request target exactly as sent.
    public var target: String
    /// The target up to its first `?`.
    public var path: String
    /// The target after its first `?`, or nil when it has none.
    public var query: String?
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    /// Whether the connection may carry another request after this one's response.
    public var keepAlive: Bool
    /// Whether the client waits for `100 Continue` before sending the body.
    public var expectsContinue: Bool
    public var contentLength: Int?
    public var isChunked: Bool

    public init(
        method: String,
        target: String,
        path: String,
        query: String?,
        version: HTTPVersion,
        headers: HTTPHeaders,
        keepAlive: Bool,
        expectsContinue: Bool,
        contentLength: Int?,
        isChunked: Bool
    ) {
        self.method = method
        self.target = target
        self.path = path
        self.query = query
        self.version = version
        self.headers = headers
        self.keepAlive = keepAlive
        self.expectsContinue = expectsContinue
        self.contentLength = contentLength
        self.isChunked = isChunked
    }
}

/// A complete request: its head and its whole body (decoded, if it was chunked).
public struct HTTPRequest: Sendable, Equatable {
    public var head: HTTPRequestHead
    public var body: [UInt8]

    public init(head: HTTPRequestHead, body: [UInt8]) {
        self.head = head
        self.body = body
    }
}

extension HTTPRequestHead {
    /// Derives the head from a parsed request line and its header fields, rejecting every framing that two parsers
    /// could read differently (RFC 9112 §6.3), since that disagreement is what request smuggling exploits.
    init(requestLine: HTTPHeadSyntax.RequestLine, headers: HTTPHeaders) throws(HTTPParseError) {
        let target = requestLine.target
        let queryStart = target.firstIndex(of: "?")
        let version = requestLine.version

        if headers.contains("Transfer-Encoding") {
            if headers.contains("Content-Length") { throw .contentLengthWithTransferEncoding }
            // HTTP/1.0 has no Transfer-Encoding (RFC 9112 §6.1 calls it faulty framing there). It is reported as
            // unsupported rather than malformed because that message tells the client to send Content-Length.
            let codings = headers.listElements("Transfer-Encoding")
            guard version == .http1_1, codings.count == 1, codings[0].equalsIgnoringASCIICase("chunked") else {
                throw .unsupportedTransferEncoding
            }
        }

        let connectionOptions = headers.listElements("Connection")
        let listsClose = connectionOptions.contains { $0.equalsIgnoringASCIICase("close") }
        let listsKeepAlive = connectionOptions.contains { $0.equalsIgnoringASCIICase("keep-alive") }

        self.init(
            method: requestLine.method,
            target: target,
            path: String(target[..<(queryStart ?? target.endIndex)]),
            query: queryStart.map { String(target[target.index(after: $0)...]) },
            version: version,
            headers: headers,
            keepAlive: version == .http1_1 ? !listsClose : listsKeepAlive && !listsClose,
            // RFC 9110 §10.1.1: a server must ignore 100-continue from an HTTP/1.0 client, which cannot understand
            // an interim response.
            expectsContinue: version == .http1_1
                && headers.values("Expect").contains { $0.equalsIgnoringASCIICase("100-continue") },
            contentLength: try Self.contentLength(headers.values("Content-Length")),
            isChunked: headers.contains("Transfer-Encoding")
        )
    }

    /// The one length all Content-Length fields agree on. RFC 9110 §8.6 lets a recipient accept a length repeated
    /// with the same value, in several fields or as a list (`5, 5`); anything else is invalid.
    private static func contentLength(_ values: [String]) throws(HTTPParseError) -> Int? {
        var length: Int?
        for value in values {
            for element in value.split(separator: ",", omittingEmptySubsequences: false) {
                let parsed = try decimal(element.trimmingSpacesAndTabs())
                if let length, length != parsed { throw .invalidContentLength }
                length = parsed
            }
        }
        return length
    }

    /// Digits only: no sign, no whitespace inside, no value past `Int.max`.
    private static func decimal(_ text: Substring) throws(HTTPParseError) -> Int {
        guard !text.isEmpty else { throw .invalidContentLength }
        var value = 0
        for byte in text.utf8 {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { throw .invalidContentLength }
            let (shifted, shiftOverflow) = value.multipliedReportingOverflow(by: 10)
            let (sum, sumOverflow) = shifted.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
            guard !shiftOverflow, !sumOverflow else { throw .invalidContentLength }
            value = sum
        }
        return value
    }
}

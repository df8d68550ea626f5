/// Why a request could not be parsed. Each case carries the status to answer with and a message written for the
/// developer of the client that sent the request. After any of these the connection must be closed: the parser has
/// lost its place in the byte stream.
public enum HTTPParseError: Error, Sendable, Equatable {
    case requestLineTooLong(limit: Int)
    /// The header section, or the trailer section of a chunked body, has too many bytes or too many lines.
    case headersTooLarge(byteLimit: Int, countLimit: Int)
    /// Also what an HTTP/0.9 request (`GET /` with no version) gets.
    case malformedRequestLine
    /// The client opened with the HTTP/2 connection preface; there is nobody to answer in HTTP/1.1.
    case http2Preface
    case unsupportedVersion
    case malformedHeader
    case invalidContentLength
    case contentLengthWithTransferEncoding
    case unsupportedTransferEncoding
    case malformedChunk
    case bodyTooLarge(limit: Int)

    /// The response status to send before closing, or nil when the connection should be closed without a response.
    public var status: Int? {
        switch self {
        case .requestLineTooLong: 414
        case .headersTooLarge: 431
        case .malformedRequestLine, .malformedHeader, .invalidContentLength, .contentLengthWithTransferEncoding,
            .malformedChunk:
            400
        case .http2Preface: nil
        case .unsupportedVersion: 505
        case .unsupportedTransferEncoding: 501
        case .bodyTooLarge: 413
        }
    }

    public var message: String {
        switch self {
        case .requestLineTooLong(let limit):
            "the request line is longer than \(limit) bytes; shorten the URL and send large data in the body"
        case .headersTooLarge(let byteLimit, let countLimit):
            "the header section (or the trailer section of a chunked body) is larger than \(byteLimit) bytes "
                + "or has more than \(countLimit) lines; send fewer or smaller headers"
        case .malformedRequestLine:
            "the request line must be `METHOD /path HTTP/1.1` with single spaces, ending in CRLF"
        case .http2Preface:
            "this server speaks HTTP/1.1 only; connect without HTTP/2 prior knowledge"
        case .unsupportedVersion:
            "only HTTP/1.1 and HTTP/1.0 are supported"
        case .malformedHeader:
            "every header line must be `Name: value` ending in CRLF, with a token name, no space before the colon, "
                + "no line folding, and no control characters other than tab in the value"
        case .invalidContentLength:
            "Content-Length must be a single non-negative decimal number; repeat it only with the same value"
        case .contentLengthWithTransferEncoding:
            "send either Content-Length or Transfer-Encoding, not both"
        case .unsupportedTransferEncoding:
            "the only supported Transfer-Encoding is a single `chunked`, on HTTP/1.1; otherwise send Content-Length"
        case .malformedChunk:
            "the chunked body is malformed: each chunk must be a hexadecimal size line ending in CRLF, "
                + "then that many bytes and CRLF, and the body must end with a zero-size chunk and an empty line"
        case .bodyTooLarge(let limit):
            "the request body is larger than \(limit) bytes"
        }
    }
}

/// The byte grammar of the lines an HTTP/1.1 request is framed with (RFC 9112): the request line, field lines and
/// chunk-size lines. It is deliberately stricter than the RFC allows, because a server that accepts what a proxy in
/// front of it reads differently is open to request smuggling. Each function sees one line without its CRLF.
enum HTTPHeadSyntax {
    struct RequestLine: Sendable, Equatable {
        var method: String
        var target: String
        var version: HTTPVersion
    }

    /// `method SP request-target SP HTTP-version`, with origin-form or asterisk-form targets only.
    static func requestLine(_ line: UnsafeBufferPointer<UInt8>) throws(HTTPParseError) -> RequestLine {
        if line.elementsEqual(http2PrefaceRequestLine.utf8) { throw .http2Preface }
        guard let methodEnd = line.firstIndex(of: space),
            let targetEnd = line[(methodEnd + 1)...].firstIndex(of: space)
        else { throw .malformedRequestLine }
        let method = line[..<methodEnd]
        let target = line[(methodEnd + 1)..<targetEnd]
        guard !method.isEmpty, method.allSatisfy(isTokenByte), isOriginOrAsteriskForm(target) else {
            throw .malformedRequestLine
        }
        let version = try version(line[(targetEnd + 1)...])
        return RequestLine(
            method: String(decoding: UnsafeBufferPointer(rebasing: method), as: UTF8.self),
            target: String(decoding: UnsafeBufferPointer(rebasing: target), as: UTF8.self),
            version: version
        )
    }

    /// `field-name ":" OWS field-value OWS`, or nil when the line breaks any rule: no colon, an empty or non-token name
    /// (which covers whitespace before the colon and obs-fold continuation lines), or a control byte other than tab
    /// in the value. Bytes above 0x7F that are not UTF-8 reach the value as U+FFFD.
    static func fieldLine(_ line: UnsafeBufferPointer<UInt8>) -> (name: String, value: String)? {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        let name = line[..<colon]
        guard !name.isEmpty, name.allSatisfy(isTokenByte) else { return nil }
        var value = line[(colon + 1)...]
        while let first = value.first, isOptionalWhitespace(first) { value.removeFirst() }
        while let last = value.last, isOptionalWhitespace(last) { value.removeLast() }
        guard value.allSatisfy(isFieldValueByte) else { return nil }
        return (
            String(decoding: UnsafeBufferPointer(rebasing: name), as: UTF8.self),
            String(decoding: UnsafeBufferPointer(rebasing: value), as: UTF8.self)
        )
    }

    /// The size from `chunk-size [chunk-ext]`, or nil when malformed. Extensions are checked only for the `;` that
    /// starts them and for control bytes, then ignored: nothing here uses them.
    static func chunkSize(_ line: UnsafeBufferPointer<UInt8>) -> UInt64? {
        var size: UInt64 = 0
        var digitsEnd = line.startIndex
        while digitsEnd < line.endIndex, let digit = hexValue(line[digitsEnd]) {
            guard digitsEnd - line.startIndex < maxChunkSizeDigits else { return nil }
            size = size << 4 | UInt64(digit)
            digitsEnd += 1
        }
        let extensions = line[digitsEnd...].drop(while: isOptionalWhitespace)
        guard digitsEnd > line.startIndex, extensions.isEmpty || extensions.first == UInt8(ascii: ";"),
            extensions.allSatisfy(isFieldValueByte)
        else { return nil }
        return size
    }

    /// `tchar` from RFC 9110 §5.6.2: the bytes allowed in methods and field names.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
            UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
            UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            true
        default:
            false
        }
    }

    private static let space = UInt8(ascii: " ")
    private static let http2PrefaceRequestLine = "PRI * HTTP/2.0"
    /// Sixteen hex digits are 64 bits; more can only be padding or an attempt to overflow a size.
    private static let maxChunkSizeDigits = 16

    /// `HTTP/` DIGIT `.` DIGIT. Well-formed versions other than 1.0 and 1.1 get 505, anything else 400.
    private static func version(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) throws(HTTPParseError) -> HTTPVersion {
        let isDigit: (UInt8) -> Bool = { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
        guard bytes.count == 8, bytes.starts(with: "HTTP/".utf8),
            case let major = bytes[bytes.startIndex + 5], isDigit(major),
            bytes[bytes.startIndex + 6] == UInt8(ascii: "."),
            case let minor = bytes[bytes.startIndex + 7], isDigit(minor)
        else { throw .malformedRequestLine }
        let version = HTTPVersion(major: Int(major - UInt8(ascii: "0")), minor: Int(minor - UInt8(ascii: "0")))
        guard version == .http1_1 || version == .http1_0 else { throw .unsupportedVersion }
        return version
    }

    /// A path starting with `/` or a lone `*`, in visible ASCII; absolute-form and authority-form are for proxies.
    private static func isOriginOrAsteriskForm(_ target: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        guard let first = target.first, first == UInt8(ascii: "/") || target.elementsEqual("*".utf8) else {
            return false
        }
        return target.allSatisfy { (0x21...0x7E).contains($0) }
    }

    private static func isOptionalWhitespace(_ byte: UInt8) -> Bool {
        byte == space || byte == UInt8(ascii: "\t")
    }

    /// Tab, visible ASCII, space, and obs-text; no other control byte (CR, LF, NUL, DEL...) may reach a value.
    private static func isFieldValueByte(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "\t") || (byte >= 0x20 && byte != 0x7F)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

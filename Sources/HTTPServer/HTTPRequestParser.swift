#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// What the parser found in the bytes received so far.
public enum HTTPParserEvent: Sendable, Equatable {
    /// The header section of a request is complete and its body has not been read yet: the moment to answer
    /// `Expect: 100-continue` and to choose this request's body limit.
    case head(HTTPRequestHead)
    /// The request's body is complete too.
    case request(HTTPRequest)
}

public enum HTTPParserState: Sendable, Equatable {
    /// No byte of the next request has arrived (empty lines before a request line do not count).
    case idle
    case readingHead
    /// From the `.head` event until the `.request` event, even when the body is empty.
    case readingBody
}

/// An incremental HTTP/1.1 request parser for a server that reads from non-blocking sockets: append whatever bytes
/// arrive, then call `next()` until it returns nil. Pipelined requests come out one after another; bytes past the
/// current request stay buffered for the next. After `next()` throws, the stream is out of sync: close the connection.
public struct HTTPRequestParser: Sendable {
    private enum Phase: Sendable {
        case requestLine
        case fieldLines(HTTPHeadSyntax.RequestLine)
        case body(HTTPRequestHead, BodyPhase)
    }

    private enum BodyPhase: Sendable {
        /// `.head` was returned; the body limit may still change before framing starts.
        case framing
        case fixedLength(remaining: Int)
        case chunkSizeLine
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailerLines
    }

    private enum Progress {
        case advanced
        case needsBytes
        case emitted(HTTPParserEvent)
    }

    private let limits: HTTPParserLimits
    private var phase = Phase.requestLine
    private var bodyLimit: Int

    /// Received bytes; those before `readIndex` are consumed and dropped in bulk by `discardConsumedBytes()`, so that
    /// consuming a line never shifts the rest of the buffer.
    private var buffer: [UInt8] = []
    private var readIndex = 0
    /// How many bytes from `readIndex` on are known to hold no line feed, so a line that arrives in many small reads
    /// is scanned once, not once per read.
    private var scannedBytes = 0

    private var emptyLinesSkipped = 0
    /// Bytes and lines of the header or trailer section read so far, for the limits on both.
    private var sectionBytes = 0
    private var sectionLines = 0
    private var headers = HTTPHeaders()
    private var body: [UInt8] = []

    public init(limits: HTTPParserLimits = HTTPParserLimits()) {
        self.limits = limits
        bodyLimit = limits.defaultBodyLimit
    }

    /// Bytes received and not yet consumed by `next()`.
    public var bufferedByteCount: Int { buffer.count - readIndex }

    public var state: HTTPParserState {
        switch phase {
        case .requestLine: bufferedByteCount == 0 ? .idle : .readingHead
        case .fieldLines: .readingHead
        case .body: .readingBody
        }
    }

    /// Replaces the body limit of the current request (or of the next one, if none has started). Call it after `.head`
    /// and before the next `next()` to have a Content-Length checked against it; the limit returns to
    /// `limits.defaultBodyLimit` once the request is complete.
    public mutating func setBodyLimit(_ limit: Int) {
        precondition(limit >= 0, "a body limit cannot be negative")
        bodyLimit = limit
    }

    public mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    /// Copies the bytes, so the caller may reuse its read buffer as soon as this returns.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        discardConsumedBytes()
        // While body bytes are expected and none are buffered ahead of them, they go straight into the body: copied
        // once, and never held in `buffer` as well.
        let copied = bufferedByteCount == 0 ? takeBodyBytes(from: bytes) : 0
        buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[copied...]))
    }

    /// The next event the buffered bytes complete, or nil when more bytes are needed.
    public mutating func next() throws(HTTPParseError) -> HTTPParserEvent? {
        while true {
            switch try step() {
            case .advanced: continue
            case .needsBytes: return nil
            case .emitted(let event): return event
            }
        }
    }

    private mutating func step() throws(HTTPParseError) -> Progress {
        switch phase {
        case .requestLine:
            return try readRequestLine()
        case .fieldLines(let requestLine):
            return try readFieldLine(after: requestLine)
        case .body(let head, .framing):
            return try startBody(of: head)
        case .body(let head, .fixedLength(let remaining)):
            if remaining == 0 { return .emitted(finishRequest(head)) }
            return readBodyBytes()
        case .body(_, .chunkSizeLine):
            return try readChunkSizeLine()
        case .body(_, .chunkData(let remaining)):
            if remaining == 0 { return setBodyPhase(.chunkDataEnd) }
            return readBodyBytes()
        case .body(_, .chunkDataEnd):
            let lineEnd = try takeLine(maxContentBytes: 0, tooLong: .malformedChunk, malformed: .malformedChunk)
            return lineEnd == nil ? .needsBytes : setBodyPhase(.chunkSizeLine)
        case .body(let head, .trailerLines):
            guard let line = try takeSectionLine(malformed: .malformedChunk) else { return .needsBytes }
            if line.isEmpty { return .emitted(finishRequest(head)) }
            guard fieldLine(at: line) != nil else { throw .malformedChunk }
            return .advanced
        }
    }

    private mutating func readRequestLine() throws(HTTPParseError) -> Progress {
        guard
            let line = try takeLine(
                maxContentBytes: limits.maxRequestLineBytes,
                tooLong: .requestLineTooLong(limit: limits.maxRequestLineBytes),
                malformed: .malformedRequestLine
            )
        else { return .needsBytes }
        if line.isEmpty {
            emptyLinesSkipped += 1
            if emptyLinesSkipped > limits.maxEmptyLinesBeforeRequest { throw .malformedRequestLine }
            return .advanced
        }
        sectionBytes = line.count + Self.crlfBytes
        sectionLines = 0
        guard sectionBytes <= limits.maxHeaderBytes else { throw headersTooLarge }
        let requestLine = try buffer.withUnsafeBufferPointer { (bytes) throws(HTTPParseError) in
            try HTTPHeadSyntax.requestLine(UnsafeBufferPointer(rebasing: bytes[line]))
        }
        emptyLinesSkipped = 0
        phase = .fieldLines(requestLine)
        return .advanced
    }

    private mutating func readFieldLine(
        after requestLine: HTTPHeadSyntax.RequestLine
    ) throws(HTTPParseError) -> Progress {
        guard let line = try takeSectionLine(malformed: .malformedHeader) else { return .needsBytes }
        if line.isEmpty {
            let head = try HTTPRequestHead(requestLine: requestLine, headers: headers)
            headers = HTTPHeaders()
            phase = .body(head, .framing)
            return .emitted(.head(head))
        }
        guard let field = fieldLine(at: line) else { throw .malformedHeader }
        headers.add(name: field.name, value: field.value)
        return .advanced
    }

    /// Checks a declared length against the body limit before any body byte is read, so an oversized upload is
    /// refused without being received.
    private mutating func startBody(of head: HTTPRequestHead) throws(HTTPParseError) -> Progress {
        if head.isChunked { return setBodyPhase(.chunkSizeLine) }
        let length = head.contentLength ?? 0
        guard length <= bodyLimit else { throw .bodyTooLarge(limit: bodyLimit) }
        body.reserveCapacity(length)
        return setBodyPhase(.fixedLength(remaining: length))
    }

    /// A chunk whose declared size would take the body past its limit is refused before its data is read.
    private mutating func readChunkSizeLine() throws(HTTPParseError) -> Progress {
        guard
            let line = try takeLine(
                maxContentBytes: limits.maxChunkLineBytes,
                tooLong: .malformedChunk,
                malformed: .malformedChunk
            )
        else { return .needsBytes }
        let size = buffer.withUnsafeBufferPointer { HTTPHeadSyntax.chunkSize(UnsafeBufferPointer(rebasing: $0[line])) }
        guard let size else { throw .malformedChunk }
        if size == 0 {
            sectionBytes = 0
            sectionLines = 0
            return setBodyPhase(.trailerLines)
        }
        guard size <= UInt64(max(0, bodyLimit - body.count)) else { throw .bodyTooLarge(limit: bodyLimit) }
        return setBodyPhase(.chunkData(remaining: Int(size)))
    }

    private mutating func readBodyBytes() -> Progress {
        let taken = buffer.withUnsafeBytes { bytes in
            takeBodyBytes(from: UnsafeRawBufferPointer(rebasing: bytes[readIndex...]))
        }
        readIndex += taken
        return taken == 0 ? .needsBytes : .advanced
    }

    /// Copies into the body as many of `bytes` as the body phase still expects, and returns how many that was.
    private mutating func takeBodyBytes(from bytes: UnsafeRawBufferPointer) -> Int {
        guard case .body(let head, let bodyPhase) = phase else { return 0 }
        let taken: Int
        switch bodyPhase {
        case .fixedLength(let remaining):
            taken = min(remaining, bytes.count)
            phase = .body(head, .fixedLength(remaining: remaining - taken))
        case .chunkData(let remaining):
            taken = min(remaining, bytes.count)
            phase = .body(head, .chunkData(remaining: remaining - taken))
        case .framing, .chunkSizeLine, .chunkDataEnd, .trailerLines:
            return 0
        }
        body.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[..<taken]))
        return taken
    }

    private mutating func setBodyPhase(_ bodyPhase: BodyPhase) -> Progress {
        guard case .body(let head, _) = phase else { preconditionFailure("a body phase outside a body") }
        phase = .body(head, bodyPhase)
        return .advanced
    }

    private mutating func finishRequest(_ head: HTTPRequestHead) -> HTTPParserEvent {
        let request = HTTPRequest(head: head, body: body)
        body = []
        bodyLimit = limits.defaultBodyLimit
        phase = .requestLine
        return .request(request)
    }

    private var headersTooLarge: HTTPParseError {
        .headersTooLarge(byteLimit: limits.maxHeaderBytes, countLimit: limits.maxHeaderCount)
    }

    /// The next line of a header or trailer section, counted against the section's byte and line limits. The empty
    /// line that ends a section is not counted, so it always fits.
    private mutating func takeSectionLine(malformed: HTTPParseError) throws(HTTPParseError) -> Range<Int>? {
        let room = max(0, limits.maxHeaderBytes - sectionBytes - Self.crlfBytes)
        guard let line = try takeLine(maxContentBytes: room, tooLong: headersTooLarge, malformed: malformed) else {
            return nil
        }
        if !line.isEmpty {
            sectionBytes += line.count + Self.crlfBytes
            sectionLines += 1
            guard sectionLines <= limits.maxHeaderCount else { throw headersTooLarge }
        }
        return line
    }

    private func fieldLine(at line: Range<Int>) -> (name: String, value: String)? {
        buffer.withUnsafeBufferPointer { HTTPHeadSyntax.fieldLine(UnsafeBufferPointer(rebasing: $0[line])) }
    }

    /// Consumes the next line and returns where its content (without CRLF) lies in `buffer`, or nil while it is
    /// incomplete. A line longer than `maxContentBytes` throws `tooLong` as soon as enough bytes have arrived to
    /// show it, and a line feed without a carriage return before it throws `malformed`: accepting bare line feeds
    /// is one way two parsers come to disagree on where a request ends.
    private mutating func takeLine(
        maxContentBytes: Int,
        tooLong: HTTPParseError,
        malformed: HTTPParseError
    ) throws(HTTPParseError) -> Range<Int>? {
        let searchStart = readIndex + scannedBytes
        let lineFeed = buffer.withUnsafeBytes { bytes -> Int? in
            guard searchStart < bytes.count, let base = bytes.baseAddress,
                let found = memchr(base + searchStart, Int32(Self.lineFeed), bytes.count - searchStart)
            else { return nil }
            return base.distance(to: UnsafeRawPointer(found))
        }
        guard let lineFeed else {
            scannedBytes = bufferedByteCount
            // One more byte may be the CR of a line that still fits.
            if bufferedByteCount > maxContentBytes + 1 { throw tooLong }
            return nil
        }
        guard lineFeed > readIndex, buffer[lineFeed - 1] == Self.carriageReturn else { throw malformed }
        let content = readIndex..<(lineFeed - 1)
        guard content.count <= maxContentBytes else { throw tooLong }
        readIndex = lineFeed + 1
        scannedBytes = 0
        return content
    }

    /// Drops consumed bytes once they are at least half the buffer, so each byte is moved at most once on average.
    private mutating func discardConsumedBytes() {
        guard readIndex > 0, readIndex >= bufferedByteCount else { return }
        buffer.removeSubrange(..<readIndex)
        readIndex = 0
    }

    private static let carriageReturn = UInt8(ascii: "\r")
    private static let lineFeed = UInt8(ascii: "\n")
    private static let crlfBytes = 2
}

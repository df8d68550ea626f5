import HTTPServer
import Testing

/// Each limit, exactly at it and one byte (or line) past it.
@Suite("HTTPParserLimits")
struct HTTPParserLimitsTests {
    private let limits = HTTPParserLimits()

    @Test("The defaults are the documented ones")
    func defaults() {
        #expect(limits.maxRequestLineBytes == 8192)
        #expect(limits.maxHeaderBytes == 16384)
        #expect(limits.maxHeaderCount == 100)
        #expect(limits.maxChunkLineBytes == 1024)
        #expect(limits.defaultBodyLimit == 1_048_576)
        #expect(limits.maxEmptyLinesBeforeRequest == 4)
    }

    /// A request line of `length` bytes, CRLF not counted.
    private func requestLine(length: Int) -> String {
        "GET /" + String(repeating: "a", count: length - "GET / HTTP/1.1".count) + " HTTP/1.1"
    }

    @Test("A request line of exactly maxRequestLineBytes is accepted and one byte more is refused")
    func requestLineLimit() throws {
        #expect(try parseHead(requestLine(length: 8192) + "\r\n\r\n") != nil)
        expectRejection(
            requestLine(length: 8193) + "\r\n\r\n",
            with: .requestLineTooLong(limit: 8192),
            status: 414
        )
    }

    @Test("A request line that is too long is refused before its end arrives")
    func requestLineRefusedEarly() {
        var parser = HTTPRequestParser()
        parser.append(Array(("GET /" + String(repeating: "a", count: 8187) + "\r").utf8))
        #expect(throws: Never.self) { try parser.next() }
        parser.append([UInt8(ascii: "a")])
        #expect(throws: HTTPParseError.requestLineTooLong(limit: 8192)) { try parser.next() }
    }

    /// A request whose request line and header lines, CRLFs included, come to `size` bytes.
    private func request(headerBytes size: Int) -> String {
        let requestLine = "GET / HTTP/1.1\r\n"
        let padding = size - requestLine.utf8.count - "X: \r\n".utf8.count
        return requestLine + "X: " + String(repeating: "v", count: padding) + "\r\n\r\n"
    }

    @Test("A header section of exactly maxHeaderBytes is accepted and one byte more is refused")
    func headerBytesLimit() throws {
        #expect(try parseHead(request(headerBytes: 16384)) != nil)
        expectRejection(
            request(headerBytes: 16385),
            with: .headersTooLarge(byteLimit: 16384, countLimit: 100),
            status: 431
        )
    }

    @Test("A header section that is too large is refused before its end arrives")
    func headerBytesRefusedEarly() {
        var parser = HTTPRequestParser()
        parser.append(Array(request(headerBytes: 16385).utf8.dropLast(3)))
        #expect(throws: HTTPParseError.headersTooLarge(byteLimit: 16384, countLimit: 100)) { try parser.next() }
    }

    private func request(headerCount: Int) -> String {
        "GET / HTTP/1.1\r\n" + String(repeating: "H: v\r\n", count: headerCount) + "\r\n"
    }

    @Test("Exactly maxHeaderCount header lines are accepted and one more is refused")
    func headerCountLimit() throws {
        #expect(try parseHead(request(headerCount: 100))?.headers.count == 100)
        expectRejection(
            request(headerCount: 101),
            with: .headersTooLarge(byteLimit: 16384, countLimit: 100),
            status: 431
        )
    }

    private func chunked(_ body: String) -> String {
        "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n" + body
    }

    /// A chunk-size line of `length` bytes, CRLF not counted, announcing one byte.
    private func chunkLine(length: Int) -> String {
        "1;" + String(repeating: "x", count: length - 2)
    }

    @Test("A chunk-size line of exactly maxChunkLineBytes is accepted and one byte more is refused")
    func chunkLineLimit() throws {
        #expect(try parseRequests(chunked(chunkLine(length: 1024) + "\r\na\r\n0\r\n\r\n")).count == 1)
        expectRejection(chunked(chunkLine(length: 1025) + "\r\na\r\n0\r\n\r\n"), with: .malformedChunk, status: 400)
    }

    @Test("A chunk-size line that is too long is refused before its end arrives")
    func chunkLineRefusedEarly() {
        expectRejection(chunked(chunkLine(length: 1026)), with: .malformedChunk, status: 400)
    }

    private func post(contentLength: Int) -> String {
        "POST / HTTP/1.1\r\nContent-Length: \(contentLength)\r\n\r\n" + String(repeating: "b", count: contentLength)
    }

    @Test("A Content-Length body of exactly defaultBodyLimit is accepted and one byte more is refused")
    func contentLengthBodyLimit() throws {
        #expect(try parseRequests(post(contentLength: 1 << 20)).first?.body.count == 1 << 20)
        expectRejection(post(contentLength: (1 << 20) + 1), with: .bodyTooLarge(limit: 1 << 20), status: 413)
    }

    @Test("A chunked body decoding to exactly defaultBodyLimit is accepted and one byte more is refused")
    func chunkedBodyLimit() throws {
        let atLimit = "100000\r\n" + String(repeating: "b", count: 1 << 20) + "\r\n"
        #expect(try parseRequests(chunked(atLimit + "0\r\n\r\n")).first?.body.count == 1 << 20)
        expectRejection(chunked(atLimit + "1\r\nb\r\n0\r\n\r\n"), with: .bodyTooLarge(limit: 1 << 20), status: 413)
    }

    @Test("Exactly maxEmptyLinesBeforeRequest empty lines before a request are ignored and one more is refused")
    func emptyLinesLimit() throws {
        #expect(try parseHead(String(repeating: "\r\n", count: 4) + "GET / HTTP/1.1\r\n\r\n") != nil)
        expectRejection(
            String(repeating: "\r\n", count: 5) + "GET / HTTP/1.1\r\n\r\n",
            with: .malformedRequestLine,
            status: 400
        )
    }

    @Test("A trailer section gets its own maxHeaderBytes budget, counted like the header section")
    func trailerBytesLimit() throws {
        let limits = HTTPParserLimits(maxHeaderBytes: 64)
        let trailer = { (size: Int) in "0\r\nT: " + String(repeating: "v", count: size - 5) + "\r\n\r\n" }
        #expect(try parseRequests(chunked(trailer(64)), limits: limits).count == 1)
        expectRejection(
            chunked(trailer(65)),
            with: .headersTooLarge(byteLimit: 64, countLimit: 100),
            status: 431,
            limits: limits
        )
    }

    @Test("A trailer section may have maxHeaderCount lines and no more")
    func trailerCountLimit() throws {
        let limits = HTTPParserLimits(maxHeaderCount: 2)
        let trailer = { (count: Int) in "0\r\n" + String(repeating: "T: v\r\n", count: count) + "\r\n" }
        #expect(try parseRequests(chunked(trailer(2)), limits: limits).count == 1)
        expectRejection(
            chunked(trailer(3)),
            with: .headersTooLarge(byteLimit: 16384, countLimit: 2),
            status: 431,
            limits: limits
        )
    }
}

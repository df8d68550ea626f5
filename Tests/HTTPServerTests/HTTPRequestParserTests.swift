import HTTPServer
import Testing

/// Ways of driving the parser shared by every test file of the parser.
extension HTTPRequestParser {
    /// Every event the buffered bytes complete.
    mutating func drain() throws(HTTPParseError) -> [HTTPParserEvent] {
        var events: [HTTPParserEvent] = []
        while let event = try next() { events.append(event) }
        return events
    }

    /// Appends each piece in turn, draining the events each one completes.
    mutating func events(feeding pieces: [[UInt8]]) throws(HTTPParseError) -> [HTTPParserEvent] {
        var events: [HTTPParserEvent] = []
        for piece in pieces {
            append(piece)
            events += try drain()
        }
        return events
    }
}

/// The events of `text` fed whole to a fresh parser.
func parse(_ text: String, limits: HTTPParserLimits = HTTPParserLimits()) throws(HTTPParseError) -> [HTTPParserEvent] {
    var parser = HTTPRequestParser(limits: limits)
    return try parser.events(feeding: [Array(text.utf8)])
}

/// The head of the first request in `text`, leaving its body unread.
func parseHead(_ text: String) throws(HTTPParseError) -> HTTPRequestHead? {
    var parser = HTTPRequestParser()
    parser.append(Array(text.utf8))
    guard case .head(let head) = try parser.next() else { return nil }
    return head
}

/// The complete requests in `text`.
func parseRequests(
    _ text: String,
    limits: HTTPParserLimits = HTTPParserLimits()
) throws(HTTPParseError) -> [HTTPRequest] {
    try parse(text, limits: limits).compactMap { event in
        guard case .request(let request) = event else { return nil }
        return request
    }
}

/// Expects parsing `text` to throw `error`, and `error` to be answered with `status`.
func expectRejection(
    _ text: String,
    with error: HTTPParseError,
    status: Int?,
    limits: HTTPParserLimits = HTTPParserLimits(),
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(throws: error, sourceLocation: sourceLocation) { try parse(text, limits: limits) }
    #expect(error.status == status, sourceLocation: sourceLocation)
}

private let get = "GET /events?since=5 HTTP/1.1\r\nHost: collector\r\nAccept: */*\r\n\r\n"
private let post = "POST /ingest HTTP/1.1\r\nHost: collector\r\nContent-Length: 11\r\n\r\nhello world"
private let chunkedPost =
    "POST /ingest HTTP/1.1\r\nHost: collector\r\nTransfer-Encoding: chunked\r\n\r\n"
    + "5;name=value\r\nhello\r\n6\r\n world\r\n0\r\nChecksum: abc\r\n\r\n"

@Suite("HTTPRequestParser")
struct HTTPRequestParserTests {
    @Test(
        "A request split at any byte boundary parses the same as the request fed whole",
        arguments: [get, post, chunkedPost]
    )
    func splitAtEveryBoundary(request: String) throws {
        let bytes = Array(request.utf8)
        let whole = try parse(request)
        #expect(whole.count == 2)
        for cut in 0...bytes.count {
            var parser = HTTPRequestParser()
            let split = try parser.events(feeding: [Array(bytes[..<cut]), Array(bytes[cut...])])
            #expect(split == whole, "split at byte \(cut)")
        }
    }

    @Test(
        "A request fed one byte at a time parses the same as the request fed whole",
        arguments: [get, post, chunkedPost]
    )
    func byteAtATime(request: String) throws {
        var parser = HTTPRequestParser()
        let events = try parser.events(feeding: request.utf8.map { [$0] })
        #expect(try events == parse(request))
        #expect(parser.state == .idle)
    }

    @Test("A GET without Content-Length or Transfer-Encoding has an empty body")
    func getHasEmptyBody() throws {
        let request = try #require(try parseRequests(get).first)
        #expect(request.head.method == "GET")
        #expect(request.head.target == "/events?since=5")
        #expect(request.head.headers["host"] == "collector")
        #expect(request.body.isEmpty)
    }

    @Test("A Content-Length body becomes the request body")
    func contentLengthBody() throws {
        let request = try #require(try parseRequests(post).first)
        #expect(request.head.contentLength == 11)
        #expect(request.body == Array("hello world".utf8))
    }

    @Test("A chunked body is decoded, its extensions ignored and its trailers dropped")
    func chunkedBody() throws {
        let request = try #require(try parseRequests(chunkedPost).first)
        #expect(request.head.isChunked)
        #expect(request.body == Array("hello world".utf8))
        #expect(!request.head.headers.contains("Checksum"))
    }

    @Test("Each request yields its head first and then the complete request")
    func headThenRequest() throws {
        let events = try parse(post)
        guard case .head(let head) = events.first, case .request(let request) = events.last else {
            Issue.record("expected .head then .request, got \(events)")
            return
        }
        #expect(events.count == 2)
        #expect(request.head == head)
    }

    @Test("The head is returned before any byte of the body arrives")
    func headBeforeBody() throws {
        var parser = HTTPRequestParser()
        parser.append(Array("POST /ingest HTTP/1.1\r\nContent-Length: 3\r\n\r\n".utf8))
        guard case .head = try parser.next() else {
            Issue.record("expected .head")
            return
        }
        #expect(try parser.next() == nil)
        parser.append(Array("abc".utf8))
        guard case .request(let request) = try parser.next() else {
            Issue.record("expected .request")
            return
        }
        #expect(request.body == Array("abc".utf8))
    }

    @Test("Pipelined requests in one buffer come out in order")
    func pipelined() throws {
        let requests = try parseRequests(get + post + chunkedPost + get)
        #expect(requests.map(\.head.method) == ["GET", "POST", "POST", "GET"])
        #expect(requests.map(\.body) == [[], Array("hello world".utf8), Array("hello world".utf8), []])
    }

    @Test("Bytes past a complete request stay buffered for the next one")
    func leftoverBytesStayBuffered() throws {
        var parser = HTTPRequestParser()
        let events = try parser.events(feeding: [Array((post + "GET / HT").utf8)])
        #expect(events.count == 2)
        #expect(parser.bufferedByteCount == "GET / HT".utf8.count)
        #expect(parser.state == .readingHead)
        parser.append(Array("TP/1.1\r\n\r\n".utf8))
        guard case .head(let head) = try parser.next() else {
            Issue.record("expected the pipelined request's head")
            return
        }
        #expect(head.target == "/")
    }

    @Test("Many pipelined requests fed in uneven pieces all parse", arguments: [1, 7, 100, 4096])
    func manyPipelinedInPieces(pieceSize: Int) throws {
        let stream = Array(String(repeating: get + post + chunkedPost, count: 50).utf8)
        let pieces = stride(from: 0, to: stream.count, by: pieceSize).map {
            Array(stream[$0..<min($0 + pieceSize, stream.count)])
        }
        var parser = HTTPRequestParser()
        let events = try parser.events(feeding: pieces)
        #expect(events.count == 300)
        #expect(parser.bufferedByteCount == 0)
        #expect(parser.state == .idle)
    }

    @Test("Bytes appended through a raw buffer parse like an array")
    func rawBufferAppend() throws {
        var parser = HTTPRequestParser()
        Array(post.utf8).withUnsafeBytes { parser.append($0) }
        #expect(try parser.drain() == parse(post))
    }

    @Test("Body bytes that arrive while the body is being read are consumed as they arrive")
    func bodyBytesConsumedOnArrival() throws {
        var parser = HTTPRequestParser()
        parser.append(Array("POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\n".utf8))
        _ = try parser.drain()
        parser.append(Array("12345".utf8))
        #expect(parser.bufferedByteCount == 0)
        parser.append(Array("67890GET".utf8))
        #expect(parser.bufferedByteCount == 3)
        guard case .request(let request) = try parser.next() else {
            Issue.record("expected .request")
            return
        }
        #expect(request.body == Array("1234567890".utf8))
    }

    @Test("The state moves from idle to reading the head, to reading the body, and back to idle")
    func stateTransitions() throws {
        var parser = HTTPRequestParser()
        #expect(parser.state == .idle)
        parser.append(Array("POST / HTTP/1.1\r\n".utf8))
        #expect(parser.state == .readingHead)
        #expect(try parser.next() == nil)
        #expect(parser.state == .readingHead)
        parser.append(Array("Content-Length: 2\r\n\r\n".utf8))
        guard case .head = try parser.next() else {
            Issue.record("expected .head")
            return
        }
        #expect(parser.state == .readingBody)
        parser.append(Array("ok".utf8))
        #expect(parser.state == .readingBody)
        guard case .request = try parser.next() else {
            Issue.record("expected .request")
            return
        }
        #expect(parser.state == .idle)
    }

    @Test("The state is reading the body between the head and the request even when the body is empty")
    func emptyBodyStillPassesThroughReadingBody() throws {
        var parser = HTTPRequestParser()
        parser.append(Array(get.utf8))
        _ = try parser.next()
        #expect(parser.state == .readingBody)
        _ = try parser.next()
        #expect(parser.state == .idle)
    }

    @Test("Empty lines before a request line are skipped and leave the parser idle")
    func emptyLinesBeforeRequest() throws {
        var parser = HTTPRequestParser()
        parser.append(Array("\r\n\r\n".utf8))
        #expect(try parser.next() == nil)
        #expect(parser.state == .idle)
        parser.append(Array(get.utf8))
        #expect(try parser.drain() == parse(get))
    }

    @Test("A Content-Length over the body limit is refused before any byte of the body arrives")
    func oversizedContentLengthRefusedEarly() throws {
        var parser = HTTPRequestParser()
        parser.append(Array("POST / HTTP/1.1\r\nContent-Length: 1048577\r\n\r\n".utf8))
        guard case .head = try parser.next() else {
            Issue.record("expected .head")
            return
        }
        #expect(throws: HTTPParseError.bodyTooLarge(limit: 1 << 20)) { try parser.next() }
        #expect(HTTPParseError.bodyTooLarge(limit: 1 << 20).status == 413)
    }

    @Test("A body limit set after the head replaces the default for that request only")
    func bodyLimitForOneRequest() throws {
        var parser = HTTPRequestParser()
        parser.append(Array("POST / HTTP/1.1\r\nContent-Length: 4\r\n\r\nabcd".utf8))
        _ = try parser.next()
        parser.setBodyLimit(4)
        guard case .request = try parser.next() else {
            Issue.record("a body exactly at the set limit should be accepted")
            return
        }
        parser.append(Array("POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nabcde".utf8))
        #expect(try parser.drain().count == 2)
        parser.append(Array("POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\n".utf8))
        _ = try parser.next()
        parser.setBodyLimit(4)
        #expect(throws: HTTPParseError.bodyTooLarge(limit: 4)) { try parser.next() }
    }

    @Test("A body limit raised after the head lets a larger body through")
    func raisedBodyLimit() throws {
        var parser = HTTPRequestParser(limits: HTTPParserLimits(defaultBodyLimit: 2))
        parser.append(Array("POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc".utf8))
        _ = try parser.next()
        parser.setBodyLimit(3)
        guard case .request(let request) = try parser.next() else {
            Issue.record("expected .request")
            return
        }
        #expect(request.body == Array("abc".utf8))
    }

    @Test("A chunk that would take the body past its limit is refused before its data arrives")
    func chunkPastLimitRefusedEarly() throws {
        var parser = HTTPRequestParser()
        parser.append(Array("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n".utf8))
        _ = try parser.next()
        parser.setBodyLimit(10)
        parser.append(Array("6\r\nabcdef\r\n5\r\n".utf8))
        #expect(throws: HTTPParseError.bodyTooLarge(limit: 10)) { try parser.next() }
    }

    @Test("A chunk size too large for any body is refused as too large")
    func hugeChunkSize() {
        expectRejection(
            "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFF\r\n",
            with: .bodyTooLarge(limit: 1 << 20),
            status: 413
        )
    }

    @Test(
        "A chunked body that breaks the chunk grammar is refused",
        arguments: [
            "g\r\nhello\r\n0\r\n\r\n",  // not hexadecimal
            "\r\n0\r\n\r\n",  // no size at all
            "5 x\r\nhello\r\n0\r\n\r\n",  // junk after the size
            "5;ext\u{1}\r\nhello\r\n0\r\n\r\n",  // control byte in an extension
            "5\nhello\r\n0\r\n\r\n",  // bare LF after the size
            "5\r\nhelloXY0\r\n\r\n",  // no CRLF after the data
            "5\r\nhello\n0\r\n\r\n",  // bare LF after the data
            "5\r\nhello\r\n0\r\nbad trailer\r\n\r\n",  // trailer line without a colon
            "5\r\nhello\r\n0\r\nName : value\r\n\r\n",  // trailer name followed by a space
        ]
    )
    func malformedChunks(body: String) {
        expectRejection(
            "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n" + body,
            with: .malformedChunk,
            status: 400
        )
    }
}

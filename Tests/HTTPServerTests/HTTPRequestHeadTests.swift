import HTTPServer
import Testing

@Suite("HTTPRequestHead")
struct HTTPRequestHeadTests {
    @Test(
        "The target splits into a path and a query at the first question mark",
        arguments: [
            ("/events", "/events", nil),
            ("/events?since=5", "/events", "since=5"),
            ("/events?", "/events", ""),
            ("/events?a=1?b=2", "/events", "a=1?b=2"),
            ("*", "*", nil),
        ] as [(String, String, String?)]
    )
    func pathAndQuery(target: String, path: String, query: String?) throws {
        let head = try #require(try parseHead("GET \(target) HTTP/1.1\r\n\r\n"))
        #expect(head.target == target)
        #expect(head.path == path)
        #expect(head.query == query)
    }

    @Test("Header fields keep their order and spelling")
    func headersInOrder() throws {
        let head = try #require(try parseHead("GET / HTTP/1.1\r\nB: 1\r\na: 2\r\nB: 3\r\n\r\n"))
        #expect(head.headers == HTTPHeaders([("B", "1"), ("a", "2"), ("B", "3")]))
    }

    @Test(
        "HTTP/1.1 keeps the connection alive unless a Connection header lists close",
        arguments: [
            ("", true),
            ("Connection: keep-alive\r\n", true),
            ("Connection: close\r\n", false),
            ("Connection: CLOSE\r\n", false),
            ("Connection: Upgrade, close\r\n", false),
            ("Connection: Upgrade\r\nConnection: close\r\n", false),
            ("Connection: closed\r\n", true),
        ]
    )
    func keepAliveOnHTTP11(headers: String, keepAlive: Bool) throws {
        #expect(try parseHead("GET / HTTP/1.1\r\n\(headers)\r\n")?.keepAlive == keepAlive)
    }

    @Test(
        "HTTP/1.0 keeps the connection alive only when a Connection header lists keep-alive",
        arguments: [
            ("", false),
            ("Connection: keep-alive\r\n", true),
            ("Connection: Keep-Alive\r\n", true),
            ("Connection: keep-alive, close\r\n", false),
            ("Connection: close\r\n", false),
        ]
    )
    func keepAliveOnHTTP10(headers: String, keepAlive: Bool) throws {
        let head = try #require(try parseHead("GET / HTTP/1.0\r\n\(headers)\r\n"))
        #expect(head.version == .http1_0)
        #expect(head.keepAlive == keepAlive)
    }

    @Test(
        "An HTTP/1.1 request expects 100 Continue when its Expect header says 100-continue in any case",
        arguments: [("Expect: 100-continue\r\n", true), ("Expect: 100-Continue\r\n", true), ("", false)]
    )
    func expectsContinue(headers: String, expects: Bool) throws {
        #expect(try parseHead("POST / HTTP/1.1\r\n\(headers)Content-Length: 1\r\n\r\n")?.expectsContinue == expects)
    }

    @Test("Expect: 100-continue from an HTTP/1.0 client is ignored")
    func expectsContinueIgnoredOnHTTP10() throws {
        let head = try parseHead("POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n")
        #expect(head?.expectsContinue == false)
    }

    @Test(
        "Content-Length is a decimal number, repeated only with the same value",
        arguments: [
            ("Content-Length: 0\r\n", 0),
            ("Content-Length: 42\r\n", 42),
            ("Content-Length: 5, 5\r\n", 5),
            ("Content-Length: 5\r\nContent-Length: 5\r\n", 5),
            ("Content-Length: 9223372036854775807\r\n", Int.max),
        ]
    )
    func validContentLength(headers: String, length: Int) throws {
        #expect(try parseHead("POST / HTTP/1.1\r\n\(headers)\r\n")?.contentLength == length)
    }

    @Test("A request without Content-Length has none")
    func noContentLength() throws {
        #expect(try parseHead("GET / HTTP/1.1\r\n\r\n")?.contentLength == nil)
    }

    @Test(
        "A Content-Length that is not one non-negative decimal number is invalid",
        arguments: [
            "Content-Length: abc\r\n",
            "Content-Length: -1\r\n",
            "Content-Length: +5\r\n",
            "Content-Length: 0x10\r\n",
            "Content-Length: 5 5\r\n",
            "Content-Length: \r\n",
            "Content-Length: 5,\r\n",
            "Content-Length: 5, 6\r\n",
            "Content-Length: 5\r\nContent-Length: 6\r\n",
            "Content-Length: 9223372036854775808\r\n",
            "Content-Length: 99999999999999999999999\r\n",
        ]
    )
    func invalidContentLength(headers: String) {
        expectRejection("POST / HTTP/1.1\r\n\(headers)\r\n", with: .invalidContentLength, status: 400)
    }

    @Test("Content-Length together with Transfer-Encoding is refused")
    func contentLengthWithTransferEncoding() {
        expectRejection(
            "POST / HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
            with: .contentLengthWithTransferEncoding,
            status: 400
        )
    }

    @Test(
        "Transfer-Encoding chunked in any case marks the body as chunked",
        arguments: ["chunked", "Chunked", " CHUNKED "]
    )
    func chunked(coding: String) throws {
        let head = try #require(try parseHead("POST / HTTP/1.1\r\nTransfer-Encoding: \(coding)\r\n\r\n"))
        #expect(head.isChunked)
        #expect(head.contentLength == nil)
    }

    @Test(
        "Any Transfer-Encoding other than a single chunked is unsupported",
        arguments: [
            "Transfer-Encoding: gzip\r\n",
            "Transfer-Encoding: gzip, chunked\r\n",
            "Transfer-Encoding: chunked, chunked\r\n",
            "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
            "Transfer-Encoding: \r\n",
        ]
    )
    func unsupportedTransferEncoding(headers: String) {
        expectRejection("POST / HTTP/1.1\r\n\(headers)\r\n", with: .unsupportedTransferEncoding, status: 501)
    }

    @Test("Transfer-Encoding on an HTTP/1.0 request is unsupported")
    func transferEncodingOnHTTP10() {
        expectRejection(
            "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
            with: .unsupportedTransferEncoding,
            status: 501
        )
    }
}

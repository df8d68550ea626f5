import HTTPServer
import Testing

@Suite("HTTPHeadSyntax")
struct HTTPHeadSyntaxTests {
    @Test("The HTTP/2 connection preface is recognised so the connection can be closed without a response")
    func http2Preface() {
        expectRejection("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", with: .http2Preface, status: nil)
    }

    @Test("An HTTP/0.9 request line without a version is malformed")
    func http09() {
        expectRejection("GET /\r\n", with: .malformedRequestLine, status: 400)
    }

    @Test(
        "A well-formed version other than HTTP/1.0 and HTTP/1.1 is refused as unsupported",
        arguments: ["HTTP/0.9", "HTTP/1.2", "HTTP/2.0", "HTTP/3.0"]
    )
    func unsupportedVersions(version: String) {
        expectRejection("GET / \(version)\r\n\r\n", with: .unsupportedVersion, status: 505)
    }

    @Test(
        "A request line that breaks the grammar is malformed",
        arguments: [
            "GET  / HTTP/1.1",  // two spaces
            "GET / HTTP/1.1 ",  // trailing space
            "GET\t/ HTTP/1.1",  // tab as separator
            "GET / http/1.1",  // lowercase protocol name
            "GET / HTTP/1.10",  // two-digit minor version
            "GET / HTTP/1",  // no minor version
            " / HTTP/1.1",  // no method
            "GE(T / HTTP/1.1",  // method is not a token
            "GET  HTTP/1.1",  // empty target
            "GET http://collector/ HTTP/1.1",  // absolute-form
            "CONNECT collector:443 HTTP/1.1",  // authority-form
            "GET /a\u{1}b HTTP/1.1",  // control byte in the target
            "GET /caf\u{E9} HTTP/1.1",  // non-ASCII target
            "GET /\r HTTP/1.1",  // bare CR
            "GET / HTTP/1.1\n",  // bare LF ending the line
        ]
    )
    func malformedRequestLines(line: String) {
        expectRejection(line + "\r\n\r\n", with: .malformedRequestLine, status: 400)
    }

    @Test("An asterisk-form target is accepted")
    func asteriskForm() throws {
        let head = try #require(try parseHead("OPTIONS * HTTP/1.1\r\n\r\n"))
        #expect(head.method == "OPTIONS")
        #expect(head.target == "*")
    }

    @Test("Any token is accepted as a method")
    func extensionMethod() throws {
        #expect(try parseHead("M-SEARCH! / HTTP/1.1\r\n\r\n")?.method == "M-SEARCH!")
    }

    @Test(
        "A header line that breaks the grammar is malformed",
        arguments: [
            "NoColon",
            "Name : value",  // space between name and colon
            "Name\t: value",  // tab between name and colon
            ": value",  // empty name
            "Na(me): value",  // name is not a token
            "Name: val\u{0}ue",  // NUL in the value
            "Name: val\rue",  // bare CR in the value
            "Name: val\u{7F}ue",  // DEL in the value
            "Name: val\u{1B}ue",  // escape in the value
            "Name: value\n",  // bare LF ending the line
        ]
    )
    func malformedHeaderLines(line: String) {
        expectRejection("GET / HTTP/1.1\r\n" + line + "\r\n\r\n", with: .malformedHeader, status: 400)
    }

    @Test("A folded continuation line is refused instead of being joined", arguments: [" folded", "\tfolded"])
    func obsFold(continuation: String) {
        expectRejection(
            "GET / HTTP/1.1\r\nName: value\r\n" + continuation + "\r\n\r\n",
            with: .malformedHeader,
            status: 400
        )
    }

    @Test("Whitespace around a header value is trimmed and tabs and spaces inside it are kept")
    func valueWhitespace() throws {
        let head = try #require(try parseHead("GET / HTTP/1.1\r\nName: \t a\tb c \t\r\nEmpty:\r\n\r\n"))
        #expect(head.headers["Name"] == "a\tb c")
        #expect(head.headers["Empty"] == "")
    }

    @Test("Bytes above 0x7F are accepted in a header value")
    func obsText() throws {
        #expect(try parseHead("GET / HTTP/1.1\r\nName: caf\u{E9}\r\n\r\n")?.headers["Name"] == "caf\u{E9}")
    }

    @Test("A chunk size of up to sixteen hex digits in either case is accepted")
    func longChunkSize() throws {
        let request = try #require(
            try parseRequests(
                "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n000000000000000A\r\n0123456789\r\n0\r\n\r\n"
            ).first
        )
        #expect(request.body.count == 10)
    }

    @Test("A chunk size of more than sixteen hex digits is refused")
    func tooManyChunkSizeDigits() {
        expectRejection(
            "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0000000000000000a\r\n0123456789\r\n0\r\n\r\n",
            with: .malformedChunk,
            status: 400
        )
    }

    @Test("Chunk extensions, with or without values and spaces around the semicolon, are ignored")
    func chunkExtensions() throws {
        let request = try #require(
            try parseRequests(
                "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "2;a\r\nab\r\n2 ; b=\"quoted value\"\r\ncd\r\n0;last=1\r\n\r\n"
            ).first
        )
        #expect(request.body == Array("abcd".utf8))
    }
}

import HTTPServer
import Testing

@Suite("HTTPParseError")
struct HTTPParseErrorTests {
    @Test(
        "Each error is answered with its status, or with none for the HTTP/2 preface",
        arguments: [
            (HTTPParseError.requestLineTooLong(limit: 8192), 414),
            (.headersTooLarge(byteLimit: 16384, countLimit: 100), 431),
            (.malformedRequestLine, 400),
            (.http2Preface, nil),
            (.unsupportedVersion, 505),
            (.malformedHeader, 400),
            (.invalidContentLength, 400),
            (.contentLengthWithTransferEncoding, 400),
            (.unsupportedTransferEncoding, 501),
            (.malformedChunk, 400),
            (.bodyTooLarge(limit: 1 << 20), 413),
        ] as [(HTTPParseError, Int?)]
    )
    func status(error: HTTPParseError, status: Int?) {
        #expect(error.status == status)
        #expect(!error.message.isEmpty)
    }

    @Test("The messages of the size errors name the limit that was crossed")
    func messagesNameLimits() {
        let body = HTTPParseError.bodyTooLarge(limit: 1_048_576).message
        #expect(body == "the request body is larger than 1048576 bytes")
        #expect(HTTPParseError.requestLineTooLong(limit: 8192).message.contains("8192 bytes"))
        let headers = HTTPParseError.headersTooLarge(byteLimit: 16384, countLimit: 100).message
        #expect(headers.contains("16384 bytes") && headers.contains("100 lines"))
    }
}

@testable import Collector
import HTTPServer
import Testing

@Suite("ContentEncoding")
struct ContentEncodingTests {
    func request(_ body: [UInt8], encodings: [String]) -> HTTPRequest {
        let head = HTTPRequestHead(
            method: "POST", target: "/api/otlp/v1/logs", path: "/api/otlp/v1/logs", query: nil, version: .http1_1,
            headers: HTTPHeaders(encodings.map { ("Content-Encoding", $0) }), keepAlive: true, expectsContinue: false,
            contentLength: body.count, isChunked: false)
        return HTTPRequest(head: head, body: body)
    }

    @Test("No encoding or identity leaves the body as it is")
    func identity() throws {
        let body = Array("{}".utf8)
        #expect(try ContentEncoding.decodedBody(request(body, encodings: []), limit: 10) == body)
        #expect(try ContentEncoding.decodedBody(request(body, encodings: ["identity"]), limit: 10) == body)
    }

    @Test("gzip, x-gzip (any case) and deflate are inflated")
    func inflates() throws {
        let body = Array(#"{"resourceLogs":[]}"#.utf8)
        for encoding in ["gzip", "GZIP", "x-gzip", " gzip "] {
            #expect(try ContentEncoding.decodedBody(request(try gzip(body), encodings: [encoding]), limit: 100) == body)
        }
        #expect(try ContentEncoding.decodedBody(request(try zlibCompress(body), encodings: ["deflate"]), limit: 100) == body)
    }

    @Test("Two encodings, unknown ones, and bodies over the limit once inflated are refused with their status", arguments: [
        (["gzip, gzip"], 415), (["gzip", "br"], 415), (["br"], 415), (["zstd"], 415), (["gzip"], 413),
    ])
    func refused(encodings: [String], status: Int) throws {
        let body = try gzip([UInt8](repeating: 0x20, count: 1000))
        #expect {
            try ContentEncoding.decodedBody(request(body, encodings: encodings), limit: 500)
        } throws: { error in
            (error as? APIError)?.status == status
        }
    }
}

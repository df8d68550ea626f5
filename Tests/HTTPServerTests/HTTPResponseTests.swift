@testable import HTTPServer
import Testing

@Suite("HTTPResponse")
struct HTTPResponseTests {
    private let date = "Mon, 15 Jan 2024 10:30:00 GMT"

    private func encoded(
        _ response: HTTPResponse, keepAlive: Bool = true, requestVersion: HTTPVersion = .http1_1
    ) -> String {
        String(decoding: response.encoded(keepAlive: keepAlive, date: date, requestVersion: requestVersion), as: UTF8.self)
    }

    @Test("The status line, the responder's headers in order, Content-Length, Date and the body make one buffer")
    func layout() {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "X-B", value: "2")
        headers.add(name: "X-A", value: "1")
        let response = HTTPResponse(status: 201, headers: headers, body: Array(#"{"ok":true}"#.utf8))
        #expect(encoded(response) == "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nX-B: 2\r\nX-A: 1\r\n"
            + "Content-Length: 11\r\nDate: \(date)\r\n\r\n{\"ok\":true}")
    }

    @Test("An empty body is announced with Content-Length: 0")
    func emptyBody() {
        #expect(encoded(HTTPResponse(status: 204)) == "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nDate: \(date)\r\n\r\n")
    }

    @Test("A response after which the connection closes says Connection: close")
    func close() {
        #expect(encoded(HTTPResponse(status: 200), keepAlive: false).contains("\r\nConnection: close\r\n"))
        #expect(encoded(HTTPResponse(status: 200), keepAlive: false, requestVersion: .http1_0)
            .contains("\r\nConnection: close\r\n"))
    }

    @Test("HTTP/1.0 clients are told Connection: keep-alive when the connection stays open; HTTP/1.1 needs nothing")
    func keepAlive() {
        #expect(encoded(HTTPResponse(status: 200), requestVersion: .http1_0).contains("\r\nConnection: keep-alive\r\n"))
        #expect(!encoded(HTTPResponse(status: 200)).contains("Connection:"))
    }

    @Test("Every status the server and the collector send has its reason phrase; others get a generic one")
    func reasons() {
        let expected = [
            100: "Continue", 200: "OK", 202: "Accepted", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden",
            404: "Not Found", 405: "Method Not Allowed", 408: "Request Timeout", 413: "Content Too Large",
            414: "URI Too Long", 415: "Unsupported Media Type", 431: "Request Header Fields Too Large",
            500: "Internal Server Error", 501: "Not Implemented", 503: "Service Unavailable",
            505: "HTTP Version Not Supported",
        ]
        for (status, reason) in expected {
            #expect(HTTPResponse.reason(status) == reason)
        }
        #expect(HTTPResponse.reason(299) == "Status 299")
    }
}

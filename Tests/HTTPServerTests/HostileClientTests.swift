import Foundation
import HTTPServer
import Testing
import TestSupport

/// What a server on the internet meets: framing tricks, old and foreign protocols, and crowds of idle sockets.
@Suite("Hostile clients")
struct HostileClientTests {
    @Test("Each smuggling shape and malformed frame is answered 400 and the connection closed", arguments: [
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: five\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n",
        "GET / HTTP/1.1\r\nHost : x\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n",
        "GET /\r\n",
    ])
    func malformedFraming(request: String) throws {
        try withServer { server in
            let client = try server.connect()
            try client.send(request)
            let response = try client.expectResponse()
            #expect(response.status == 400)
            #expect(response.header("Connection") == "close")
            #expect(client.readUntilClosed() != nil)
        }
    }

    @Test("Chunk extensions and trailers are accepted and ignored")
    func extensionsAndTrailers() throws {
        try withServer { server in
            let response = try server.request(
                "POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;name=value\r\nhello\r\n0\r\nX-Trailer: yes\r\n\r\n")
            #expect(response.status == 200)
            #expect(response.text.contains("hello"))
        }
    }

    @Test("A thousand idle connections held open do not stop normal traffic")
    func thousandIdleConnections() throws {
        Self.raiseOpenFileLimit(to: 4096)
        try withServer(configure: {
            $0.maxConnections = 2000
            $0.headerReadTimeout = .seconds(60)
        }) { server in
            var idle: [RawHTTPClient] = []
            for _ in 0..<1000 { idle.append(try server.connect()) }
            // Accepting a thousand connections takes longer than 10 s when the whole suite shares two busy cores.
            #expect(waitUntil(seconds: 60) { server.openConnections == 1000 })
            for index in 0..<50 {
                #expect(try server.request("GET /busy/\(index) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").status == 200)
            }
            #expect(server.openConnections >= 1000)
            withExtendedLifetime(idle) {}
        }
    }

    static func raiseOpenFileLimit(to wanted: rlim_t) {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        if limit.rlim_cur < wanted {
            limit.rlim_cur = min(wanted, limit.rlim_max)
            setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
    }
}

import Foundation
import HTTPServer
import TestSupport
import Testing
import Threads

/// One connection's life over a real loopback socket: keep-alive, closing, pipelining, bodies, limits and timeouts.
@Suite("HTTPConnection")
struct HTTPConnectionTests {
    @Test("A kept-alive connection carries several requests, each answered in turn")
    func keepAlive() throws {
        try withServer { server in
            let client = try server.connect()
            for index in 0..<5 {
                try client.send("POST /echo/\(index) HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello")
                let response = try client.expectResponse()
                #expect(response.status == 200)
                #expect(response.header("X-Target") == "/echo/\(index)")
                #expect(response.text == "hello")
                #expect(response.header("Connection") == nil)
            }
        }
    }

    @Test("Fifty small requests in a row on one connection are all answered")
    func manySmallRequests() throws {
        try withServer { server in
            let client = try server.connect()
            for index in 0..<50 {
                try client.send("GET /\(index) HTTP/1.1\r\nHost: x\r\n\r\n")
                #expect(try client.expectResponse().header("X-Target") == "/\(index)")
            }
        }
    }

    @Test("Connection: close is answered with Connection: close, then the server closes")
    func connectionClose() throws {
        try withServer { server in
            let client = try server.connect()
            try client.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            let response = try client.expectResponse()
            #expect(response.status == 200)
            #expect(response.header("Connection") == "close")
            #expect(client.readUntilClosed() == [])
        }
    }

    @Test("An HTTP/1.0 request is answered with Connection: close, then the server closes")
    func http10Closes() throws {
        try withServer { server in
            let client = try server.connect()
            try client.send("GET /old HTTP/1.0\r\n\r\n")
            let response = try client.expectResponse()
            #expect(response.status == 200)
            #expect(response.header("X-Version") == "1.0")
            #expect(response.header("Connection") == "close")
            #expect(client.readUntilClosed() == [])
        }
    }

    @Test("An HTTP/1.0 request asking for keep-alive is told Connection: keep-alive and the connection stays open")
    func http10KeepAlive() throws {
        try withServer { server in
            let client = try server.connect()
            for _ in 0..<2 {
                try client.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
                let response = try client.expectResponse()
                #expect(response.status == 200)
                // An HTTP/1.0 client assumes the server closes unless the response says otherwise.
                #expect(response.header("Connection") == "keep-alive")
            }
        }
    }

    @Test("Pipelined requests sent in one write are answered in order")
    func pipelining() throws {
        try withServer(LaterResponder()) { server in
            let client = try server.connect()
            let requests = (0..<5).map { "GET /\($0) HTTP/1.1\r\nHost: x\r\n\r\n" }.joined()
            try client.send(requests)
            for index in 0..<5 {
                #expect(try client.expectResponse().header("X-Target") == "/\(index)")
            }
        }
    }

    @Test("Pipelined requests keep their order when the first is answered last")
    func pipeliningBehindASlowRequest() throws {
        let responder = LaterResponder()
        try withServer(responder) { server in
            let client = try server.connect()
            try client.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\nGET /fast HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(responder.waitForRequests(1))
            #expect(!client.hasPendingBytes)
            responder.release()
            #expect(try client.expectResponse().header("X-Target") == "/slow")
            #expect(try client.expectResponse().header("X-Target") == "/fast")
        }
    }

    @Test("Pipelined requests followed by a half-close are all answered before the server closes")
    func pipeliningThenHalfClose() throws {
        try withServer { server in
            let client = try server.connect()
            try client.send((0..<3).map { "GET /\($0) HTTP/1.1\r\nHost: x\r\n\r\n" }.joined())
            client.shutdownWrite()
            for index in 0..<3 {
                let response = try client.expectResponse()
                #expect(response.header("X-Target") == "/\(index)")
                // More responses follow, so none of the first says close; whether the last does depends on
                // whether the server saw the half-close before answering it.
                if index < 2 { #expect(response.header("Connection") == nil) }
            }
            #expect(client.readUntilClosed() == [])
        }
    }

    @Test("Expect: 100-continue is answered with 100 Continue before the client sends the body")
    func expectContinue() throws {
        try withServer(PathLimitResponder()) { server in
            let client = try server.connect()
            let body = String(repeating: "b", count: 5000)
            try client.send("POST /upload HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5000\r\n\r\n")
            // The client sends nothing more until it has the interim response, as curl does.
            #expect(try client.expectResponse().status == 100)
            try client.send(body)
            let response = try client.expectResponse()
            #expect(response.status == 200)
            #expect(response.text == body)
        }
    }

    @Test("Expect: 100-continue with a Content-Length over the limit is answered 413 without 100 Continue")
    func expectContinueOverLimit() throws {
        try withServer(PathLimitResponder()) { server in
            let client = try server.connect()
            try client.send("POST /small HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 100\r\n\r\n")
            let response = try client.expectResponse()
            #expect(response.status == 413)
            #expect(response.header("Connection") == "close")
            #expect(response.text.hasPrefix("body_too_large: "))
            #expect(client.readUntilClosed() == [])
        }
    }

    @Test("A chunked body sent in pieces reaches the responder decoded")
    func chunkedBody() throws {
        try withServer { server in
            let client = try server.connect()
            try client.send("POST /chunked HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
            for piece in ["5\r\nhel", "lo\r\n", "6;ext=1\r\n world\r\n", "0\r\n", "\r\n"] {
                try client.send(piece)
                usleep(10_000)
            }
            let response = try client.expectResponse()
            #expect(response.status == 200)
            #expect(response.text == "hello world")
            try client.send("GET /after HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try client.expectResponse().header("X-Target") == "/after")
        }
    }

    @Test("A chunked body larger than the path's limit is answered 413")
    func chunkedBodyOverLimit() throws {
        try withServer(PathLimitResponder()) { server in
            let client = try server.connect()
            try client.send("POST /small HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n0123456789abcdef\r\n1\r\nx\r\n0\r\n\r\n")
            #expect(try client.expectResponse().status == 413)
        }
    }

    @Test("A body over the limit is answered 413, and the client that keeps sending still reads the answer")
    func bodyOverLimitLingers() throws {
        try withServer(PathLimitResponder()) { server in
            let client = try server.connect()
            let body = [UInt8](repeating: UInt8(ascii: "x"), count: 2 << 20)
            // The whole body goes out after the head, as a client that does not use 100-continue sends it; the
            // server answers after the head and reads the rest without keeping it, so the send completes.
            try client.send(Array("POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body)
            let response = try client.expectResponse()
            #expect(response.status == 413)
            #expect(response.header("Connection") == "close")
            #expect(response.text == "body_too_large: the request body is larger than 16 bytes\n")
        }
    }

    @Test("A body within the path's limit is accepted where the same body elsewhere uses the default")
    func perPathLimit() throws {
        try withServer(PathLimitResponder()) { server in
            let sixteen = String(repeating: "a", count: 16)
            let small = try server.request("POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: 16\r\n\r\n\(sixteen)")
            #expect(small.status == 200)
            let large = String(repeating: "a", count: 1000)
            let other = try server.request("POST /other HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n\(large)")
            #expect(other.status == 200)
            #expect(other.body.count == 1000)
        }
    }

    @Test("An answer to HEAD has the headers GET would get, Content-Length included, and no body")
    func headHasNoBody() throws {
        struct Hello: HTTPResponder {
            func respond(to request: HTTPRequest, writer: ResponseWriter) {
                writer.write(HTTPResponse(status: 200, body: Array("hello".utf8)))
            }
        }
        try withServer(Hello()) { server in
            let client = try server.connect()
            try client.send("HEAD /thing HTTP/1.1\r\nHost: x\r\n\r\nGET /thing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            let bytes = String(decoding: client.readUntilClosed() ?? [], as: UTF8.self)
            let answers = bytes.components(separatedBy: "HTTP/1.1 200 OK\r\n")
            #expect(answers.count == 3)
            let head = answers[1]
            #expect(head.hasSuffix("\r\n\r\n"))
            #expect(head.contains("Content-Length: 5\r\n"))
            #expect(answers[2].hasSuffix("\r\n\r\nhello"))
        }
    }

    @Test("Each response arrives in one piece with Content-Length and Date")
    func responseInOnePiece() throws {
        try withServer { server in
            let client = try server.connect()
            for _ in 0..<3 {
                try client.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc")
                let bytes = client.receiveOnce()
                let text = String(decoding: bytes, as: UTF8.self)
                #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n"))
                #expect(text.contains("\r\nContent-Length: 3\r\n"))
                #expect(text.hasSuffix("\r\n\r\nabc"))
                let date = text.split(separator: "\r\n").first { $0.hasPrefix("Date: ") }.map { String($0.dropFirst(6)) }
                #expect(date.map(isIMFFixdate) == true)
            }
        }
    }

    @Test("A response larger than the socket's buffers is delivered whole to a client that reads it")
    func largeResponse() throws {
        try withServer(configure: { $0.parserLimits.defaultBodyLimit = 8 << 20 }) { server in
            let client = try server.connect()
            let body = (0..<(6 << 20)).map { UInt8(truncatingIfNeeded: $0 % 251) }
            try client.send(Array("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body)
            let response = try client.expectResponse()
            #expect(response.status == 200)
            #expect(response.body == body)
            try client.send("GET /next HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try client.expectResponse().header("X-Target") == "/next")
        }
    }

    @Test("The write timeout closes a connection whose client stops reading a large response")
    func writeTimeout() throws {
        try withServer(configure: {
            $0.parserLimits.defaultBodyLimit = 32 << 20
            $0.writeTimeout = .milliseconds(300)
        }) { server in
            let client = try server.connect()
            let body = [UInt8](repeating: UInt8(ascii: "w"), count: 24 << 20)
            // The client sends a large body and never reads the echo, which cannot fit in the sockets' buffers.
            try client.send(Array("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body)
            #expect(waitUntil { server.openConnections == 0 })
        }
    }

    @Test("The header read timeout answers 408 to a client trickling its headers while another client is served")
    func headerReadTimeout() throws {
        try withServer(configure: {
            $0.headerReadTimeout = .milliseconds(300)
            $0.eventLoops = 1
        }) { server in
            let slow = try server.connect()
            try slow.send("GET / HTTP/1.1\r\nHost: x\r\n")
            let slowFD = slow.fd
            let trickle = OSThread.spawn(name: "slowloris") {
                // A header line every 50 ms extends nothing: the timeout runs from the first byte of the request.
                for index in 0..<200 {
                    guard Sockets.send(slowFD, "X-\(index): y\r\n") else { return }
                    usleep(50_000)
                }
            }
            let other = try server.connect()
            for index in 0..<3 {
                try other.send("GET /other/\(index) HTTP/1.1\r\nHost: x\r\n\r\n")
                #expect(try other.expectResponse().header("X-Target") == "/other/\(index)")
            }
            let response = try slow.expectResponse()
            #expect(response.status == 408)
            #expect(response.text.hasPrefix("request_timeout: "))
            #expect(slow.readUntilClosed() != nil)
            trickle.join()
        }
    }

    @Test("The body read timeout answers 408 to a client that stops sending its body")
    func bodyReadTimeout() throws {
        try withServer(configure: { $0.bodyReadTimeout = .milliseconds(300) }) { server in
            let client = try server.connect()
            try client.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly part")
            let response = try client.expectResponse()
            #expect(response.status == 408)
            #expect(response.text == "request_timeout: the request body did not arrive in time\n")
            #expect(client.readUntilClosed() == [])
        }
    }

    @Test("The idle timeout closes a kept-alive connection that sends no next request")
    func idleTimeout() throws {
        try withServer(configure: { $0.idleTimeout = .milliseconds(300) }) { server in
            let client = try server.connect()
            try client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try client.expectResponse().status == 200)
            #expect(client.readUntilClosed() == [])
        }
    }

    @Test("A header section over maxHeaderBytes is answered 431")
    func headersTooLarge() throws {
        try withServer(configure: { $0.parserLimits.maxHeaderBytes = 512 }) { server in
            let client = try server.connect()
            try client.send("GET / HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "v", count: 600))\r\n\r\n")
            let response = try client.expectResponse()
            #expect(response.status == 431)
            #expect(response.text.hasPrefix("headers_too_large: "))
            #expect(client.readUntilClosed() == [])
        }
    }

    @Test("A request line over maxRequestLineBytes is answered 414")
    func requestLineTooLong() throws {
        try withServer(configure: { $0.parserLimits.maxRequestLineBytes = 100 }) { server in
            let response = try server.request("GET /\(String(repeating: "p", count: 200)) HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(response.status == 414)
            #expect(response.text.hasPrefix("request_line_too_long: "))
        }
    }

    @Test("A malformed request is answered 400 and the connection closed, even when more requests follow")
    func malformedRequest() throws {
        try withServer { server in
            let client = try server.connect()
            try client.send("GET / HTTP/1.1\r\nBad Header: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n")
            let response = try client.expectResponse()
            #expect(response.status == 400)
            #expect(response.text.hasPrefix("malformed_header: "))
            #expect(client.readUntilClosed() == [])
        }
    }

    @Test("A request after a kept-alive one that is malformed is answered 400")
    func malformedAfterGoodRequest() throws {
        try withServer { server in
            let client = try server.connect()
            try client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try client.expectResponse().status == 200)
            try client.send("GET /\u{1} HTTP/1.1\r\n\r\n")
            #expect(try client.expectResponse().status == 400)
        }
    }

    @Test("The HTTP/2 connection preface is closed without a response")
    func http2Preface() throws {
        try withServer { server in
            let client = try server.connect()
            try client.send("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")
            #expect(client.readUntilClosed() == [])
        }
    }
}

/// `Sun, 06 Nov 1994 08:49:37 GMT`, the only format RFC 9110 lets a server send.
private func isIMFFixdate(_ text: String) -> Bool {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "GMT")
    formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
    guard let date = formatter.date(from: text) else { return false }
    return formatter.string(from: date) == text && abs(date.timeIntervalSinceNow) < 3600
}

import CLinux
import Foundation
import HTTPServer
import TestSupport
import Testing

@Suite("Socket")
struct SocketTests {
    @Test("An accepted connection has TCP_NODELAY set, so a small response is not held back by Nagle")
    func noDelay() throws {
        try withServer { server in
            let client = try server.connect()
            try client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try client.expectResponse().status == 200)
            let accepted = try #require(Sockets.serverEnd(of: client, serverPort: server.port))
            #expect(Sockets.integerOption(accepted, level: Int32(IPPROTO_TCP), name: TCP_NODELAY) == 1)
        }
    }

    @Test("An accepted connection is non-blocking and closed on exec")
    func acceptedFlags() throws {
        try withServer { server in
            let client = try server.connect()
            try client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try client.expectResponse().status == 200)
            let accepted = try #require(Sockets.serverEnd(of: client, serverPort: server.port))
            #expect(fcntl(accepted, F_GETFL) & O_NONBLOCK != 0)
            #expect(fcntl(accepted, F_GETFD) & FD_CLOEXEC != 0)
        }
    }
}

import Foundation
import HTTPServer
import Synchronization
import TestSupport
import Testing
import Threads

@Suite("HTTPServer")
struct HTTPServerTests {
    @Test("Port 0 gets a free port, which the server reports and listens on")
    func ephemeralPort() throws {
        try withServer { server in
            #expect(server.port > 0)
            let response = try server.request("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(response.status == 200)
        }
    }

    @Test("start throws a SocketError naming the address when another socket holds the port")
    func portInUse() throws {
        let (listener, port) = try Sockets.listener()
        defer { close(listener) }
        var configuration = ServerConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = port
        let server = HTTPServer(configuration: configuration, responder: EchoResponder())
        #expect {
            try server.start()
        } throws: { error in
            guard let error = error as? SocketError else { return false }
            return error.code == EADDRINUSE && error.description.contains("127.0.0.1:\(port)")
        }
    }

    @Test("A second server started on the port of a running one fails instead of sharing its connections")
    func secondServerOnSamePort() throws {
        try withServer { running in
            var configuration = ServerConfiguration()
            configuration.host = "127.0.0.1"
            configuration.port = running.port
            let second = HTTPServer(configuration: configuration, responder: EchoResponder())
            #expect {
                try second.start()
            } throws: { error in
                (error as? SocketError)?.code == EADDRINUSE
            }
            let response = try running.request("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(response.status == 200)
        }
    }

    @Test("A port freed by a stopped server can be used again at once")
    func restartOnSamePort() throws {
        let port = try withServer { server in
            let response = try server.request("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(response.status == 200)
            return server.port
        }
        try withServer(configure: { $0.port = port }) { server in
            #expect(server.port == port)
            let response = try server.request("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(response.status == 200)
        }
    }

    @Test("start throws a SocketError when the host is not an IPv4 address")
    func badHost() {
        var configuration = ServerConfiguration()
        configuration.host = "localhost"
        let server = HTTPServer(configuration: configuration, responder: EchoResponder())
        #expect {
            try server.start()
        } throws: { error in
            (error as? SocketError)?.description.contains("localhost") == true
        }
    }

    @Test("Graceful shutdown answers the request in flight, closes idle connections, refuses new ones, then returns")
    func gracefulShutdown() throws {
        let responder = LaterResponder()
        var configuration = ServerConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = 0
        configuration.eventLoops = 1
        configuration.shutdownTimeout = .seconds(30)
        let server = HTTPServer(configuration: configuration, responder: responder)
        try server.start()
        let port = server.port

        let idle = try server.connect()
        try idle.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try idle.expectResponse().status == 200)
        let inFlight = try server.connect()
        try inFlight.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(responder.waitForRequests(2))

        let returned = Atomic<Bool>(false)
        let stopper = OSThread.spawn(name: "shutdown") {
            server.shutdown()
            returned.store(true, ordering: .releasing)
        }
        #expect(idle.readUntilClosed() == [])
        #expect(Sockets.connectError(port: port) == ECONNREFUSED)
        let returnedEarly = returned.load(ordering: .acquiring)
        #expect(!returnedEarly)

        responder.release()
        let response = try inFlight.expectResponse()
        #expect(response.status == 200)
        #expect(response.header("X-Target") == "/slow")
        #expect(response.header("Connection") == "close")
        #expect(inFlight.readUntilClosed() == [])
        inFlight.shutdownWrite()
        stopper.join()
        let returnedAfterJoin = returned.load(ordering: .acquiring)
        #expect(returnedAfterJoin)
        #expect(server.openConnections == 0)
    }

    @Test("Shutdown closes connections still in flight once the shutdown timeout has passed")
    func shutdownTimeout() throws {
        let responder = LaterResponder()
        var configuration = ServerConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = 0
        configuration.eventLoops = 1
        configuration.shutdownTimeout = .milliseconds(300)
        let server = HTTPServer(configuration: configuration, responder: responder)
        try server.start()
        let stuck = try server.connect()
        try stuck.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(responder.waitForRequests(1))
        server.shutdown()
        #expect(stuck.readUntilClosed() == [])
        #expect(server.openConnections == 0)
        responder.release()
    }
}

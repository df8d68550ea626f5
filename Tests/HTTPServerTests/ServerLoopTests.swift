import Foundation
import HTTPServer
import Synchronization
import TestSupport
import Testing
import Threads

/// What one event loop does for all its connections: accepting, the connection limit, and keeping one slow
/// connection from holding up the others.
@Suite("ServerLoop")
struct ServerLoopTests {
    @Test("Past maxConnections a new connection is answered 503 with Retry-After and closed")
    func connectionLimit() throws {
        try withServer(configure: {
            $0.maxConnections = 2
            $0.retryAfterSeconds = 7
        }) { server in
            let first = try server.connect()
            let second = try server.connect()
            for client in [first, second] {
                try client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
                #expect(try client.expectResponse().status == 200)
            }
            let third = try server.connect()
            try third.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            let refused = try third.expectResponse()
            #expect(refused.status == 503)
            #expect(refused.header("Retry-After") == "7")
            #expect(refused.header("Connection") == "close")
            #expect(refused.text.hasPrefix("overloaded: "))
            #expect(third.readUntilClosed() != nil)

            // Once a connection closes, its place is free again.
            first.shutdownWrite()
            #expect(first.readUntilClosed() == [])
            #expect(waitUntil { server.openConnections == 1 })
            #expect(try server.request("GET /again HTTP/1.1\r\nHost: x\r\n\r\n").status == 200)
            withExtendedLifetime(second) {}
        }
    }

    @Test("A connection waiting for a slow response does not delay another connection on the same loop")
    func slowResponderDoesNotBlockOthers() throws {
        let responder = LaterResponder()
        try withServer(responder, configure: { $0.eventLoops = 1 }) { server in
            let waiting = try server.connect()
            try waiting.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(responder.waitForRequests(1))
            let other = try server.connect()
            for index in 0..<3 {
                try other.send("GET /fast/\(index) HTTP/1.1\r\nHost: x\r\n\r\n")
                #expect(try other.expectResponse().header("X-Target") == "/fast/\(index)")
            }
            #expect(!waiting.hasPendingBytes)
            responder.release()
            #expect(try waiting.expectResponse().header("X-Target") == "/slow")
        }
    }

    @Test("Connections are spread over several loops and all served")
    func manyConnections() throws {
        let responder = LoopRecordingResponder()
        try withServer(responder, configure: { $0.eventLoops = 2 }) { server in
            let clients = try (0..<20).map { _ in try server.connect() }
            for (index, client) in clients.enumerated() {
                try client.send("GET /\(index) HTTP/1.1\r\nHost: x\r\n\r\n")
            }
            for (index, client) in clients.enumerated() {
                #expect(try client.expectResponse().header("X-Target") == "/\(index)")
            }
            #expect(server.openConnections == 20)
        }
        // The kernel spreads connections over the loops' sockets by their addresses: 20 on one loop of two would
        // happen by chance once in half a million runs.
        #expect(responder.loops.withLock { $0.count } == 2)
    }
}

/// Polls `condition` until it holds; false after `seconds`, the bound against hanging.
func waitUntil(seconds: UInt64 = 10, _ condition: () -> Bool) -> Bool {
    let deadline = MonotonicClock.now + seconds * 1_000_000_000
    while !condition() {
        if MonotonicClock.now > deadline { return false }
        usleep(5_000)
    }
    return true
}

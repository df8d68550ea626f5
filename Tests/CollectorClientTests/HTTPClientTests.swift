import CollectorTestSupport
import Foundation
import TestSupport
import Testing
@testable import CollectorClient

@Suite("HTTPClient")
struct HTTPClientTests {
    /// Hands out a scripted answer in pieces of `step` bytes.
    final class ScriptedStream: ByteStream {
        var remaining: [UInt8]
        let step: Int

        init(_ text: String, step: Int) {
            remaining = Array(text.utf8)
            self.step = step
        }

        func write(_ bytes: [UInt8], deadline: Deadline) throws(ClientError) {}

        func read(into buffer: UnsafeMutableRawBufferPointer, deadline: Deadline) throws(ClientError) -> Int {
            let count = min(step, buffer.count, remaining.count)
            for index in 0..<count { buffer[index] = remaining[index] }
            remaining.removeFirst(count)
            return count
        }
    }

    func read(_ text: String, step: Int = 1) throws -> ClientResponse {
        var reader = ResponseReader(stream: ScriptedStream(text, step: step), deadline: Deadline(secondsFromNow: 5))
        return try reader.read()
    }

    @Test("Answers with Content-Length, chunked, or up to the close, arriving a byte at a time or all at once", arguments: [1, 7, 4096])
    func framings(step: Int) throws {
        let plain = try read("HTTP/1.1 200 OK\r\nContent-Length: 15\r\nContent-Type: application/json\r\n\r\n{\"inserted\":1}\n", step: step)
        #expect(plain.status == 200 && plain.body == Array("{\"inserted\":1}\n".utf8))
        #expect(plain.headers["content-type"] == "application/json")
        let chunked = try read("HTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\nRetry-After: 2\r\n\r\n4;x=y\r\n{\"a\"\r\n3\r\n:1}\r\n0\r\nTrailer: t\r\n\r\n", step: step)
        #expect(chunked.status == 503 && String(decoding: chunked.body, as: UTF8.self) == "{\"a\":1}")
        #expect(chunked.headers["retry-after"] == "2")
        let closed = try read("HTTP/1.0 200 OK\r\n\r\nuntil the end", step: step)
        #expect(closed.body == Array("until the end".utf8))
        let continued = try read("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", step: step)
        #expect(continued.status == 200 && continued.body.isEmpty)
    }

    @Test("A cut-off or garbled answer is an error", arguments: [
        "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", "HTTP/1.1 200 OK\r\n", "SSH-2.0-OpenSSH\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    ])
    func broken(text: String) {
        #expect(throws: ClientError.self) { try read(text) }
    }

    @Test("Against the real collector: a batch is posted and answered")
    func realCollector() throws {
        let collector = try CollectorHarness()
        let client = HTTPClient(url: try CollectorURL(parsing: "http://127.0.0.1:\(collector.port)"))
        let response = try client.post("/api/v1/telemetry/batch", body: Array(exampleBatch.utf8), apiKey: collector.key,
                                       deadline: Deadline(secondsFromNow: 5))
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == #"{"inserted":1,"duplicates":0}"#)
    }

    @Test("Nobody listening is an error at once; a server that never answers is an error at the deadline")
    func unreachable() throws {
        let port = try freePort()
        let client = HTTPClient(url: try CollectorURL(parsing: "http://127.0.0.1:\(port)"))
        #expect(throws: ClientError.self) {
            try client.post("/x", body: [], apiKey: "k", deadline: Deadline(secondsFromNow: 5))
        }
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) == 0 && getsockname(listener, $0, &length) == 0 }
        }
        listen(listener, 4)
        let silent = HTTPClient(url: try CollectorURL(parsing: "http://127.0.0.1:\(UInt16(bigEndian: address.sin_port))"))
        let started = Date()
        #expect {
            try silent.post("/x", body: [], apiKey: "k", deadline: Deadline(secondsFromNow: 0.5))
        } throws: { error in
            (error as? ClientError)?.description.contains("timed out") == true
        }
        #expect(Date().timeIntervalSince(started) < 2)
    }
}

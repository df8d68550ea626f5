import Foundation
import HTTPServer
import Synchronization
import Testing
import TestSupport

/// Parts of `partBytes` bytes, `parts` of them, each filled with its index; counts what it was asked for.
final class CountingProducer: HTTPBodyProducer {
    let parts: Int
    let partBytes: Int
    let failAfter: Int?
    let produced = Atomic<Int>(0)
    let cancelled = Atomic<Bool>(false)

    init(parts: Int, partBytes: Int, failAfter: Int? = nil) {
        self.parts = parts
        self.partBytes = partBytes
        self.failAfter = failAfter
    }

    func produce(_ deliver: @escaping @Sendable (HTTPBodyPart) -> Void) {
        let index = produced.add(1, ordering: .relaxed).oldValue
        if let failAfter, index == failAfter { return deliver(.failed) }
        guard index < parts else { return deliver(.end) }
        // From another thread half of the time, as a database worker would.
        let part = [UInt8](repeating: UInt8(truncatingIfNeeded: index), count: partBytes)
        if index % 2 == 0 { deliver(.bytes(part)) } else { DispatchQueue.global().async { deliver(.bytes(part)) } }
    }

    func cancel() { cancelled.store(true, ordering: .relaxed) }

    var wasCancelled: Bool { cancelled.load(ordering: .relaxed) }
    var partsAsked: Int { produced.load(ordering: .relaxed) }
}

struct ProducingResponder: HTTPResponder {
    let producer: CountingProducer

    func respond(to request: HTTPRequest, writer: ResponseWriter) {
        if request.head.path == "/produced" {
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "application/octet-stream")
            writer.write(HTTPResponse(status: 200, headers: headers, producer: producer))
        } else {
            writer.write(HTTPResponse(status: 200, body: Array("plain".utf8)))
        }
    }
}

extension RawHTTPClient {
    /// Reads exactly `count` bytes (or fewer if the server closes first).
    func read(exactly count: Int) -> [UInt8] {
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while received.count < count {
            let got = recv(fd, &chunk, min(chunk.count, count - received.count), 0)
            guard got > 0 else { break }
            received += chunk[0..<got]
        }
        return received
    }
}

@Suite("Produced response bodies")
struct ProducedBodyTests {
    @Test("A produced body arrives chunked and whole, and the connection then serves the next request")
    func chunkedAndKeptAlive() throws {
        let producer = CountingProducer(parts: 10, partBytes: 1000)
        try withServer(ProducingResponder(producer: producer)) { server in
            let client = try server.connect()
            try client.send("GET /produced HTTP/1.1\r\nHost: t\r\n\r\n")
            let (head, body, complete) = client.readChunked()
            #expect(head.contains("Transfer-Encoding: chunked"))
            #expect(!head.lowercased().contains("content-length"))
            #expect(complete)
            #expect(body == (0..<10).flatMap { [UInt8](repeating: UInt8($0), count: 1000) })
            try client.send("GET /plain HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try client.expectResponse().text == "plain")
        }
    }

    @Test("A slow reader holds the producer back: the server asks for a part only when the last one has left")
    func backpressure() throws {
        let partBytes = 64 * 1024
        let producer = CountingProducer(parts: 1000, partBytes: partBytes)
        try withServer(ProducingResponder(producer: producer)) { server in
            let client = try server.connect()
            try client.send("GET /produced HTTP/1.1\r\nHost: t\r\n\r\n")
            Thread.sleep(forTimeInterval: 1)
            // What the kernel's socket buffers hold (a few MiB on loopback), never the 62.5 MiB body.
            let asked = producer.partsAsked
            #expect(asked * partBytes < 16 << 20, "\(asked) parts produced for a client that read nothing")
            let (_, body, complete) = client.readChunked()
            #expect(complete)
            #expect(body.count == 1000 * partBytes)
            #expect(producer.partsAsked == 1001)
            #expect(!producer.wasCancelled)
        }
    }

    @Test("To an HTTP/1.0 client the produced body is sent unframed and the connection closes after it")
    func http10() throws {
        let producer = CountingProducer(parts: 3, partBytes: 10)
        try withServer(ProducingResponder(producer: producer)) { server in
            let client = try server.connect()
            try client.send("GET /produced HTTP/1.0\r\nHost: t\r\n\r\n")
            let received = client.readUntilClosed() ?? []
            let text = String(decoding: received, as: UTF8.self)
            #expect(!text.contains("Transfer-Encoding"))
            #expect(Array(received.suffix(30)) == (0..<3).flatMap { [UInt8](repeating: UInt8($0), count: 10) })
        }
    }

    @Test("A client gone in the middle cancels the producer; a failed producer closes without the last chunk")
    func cancelAndFail() throws {
        let abandoned = CountingProducer(parts: 1000, partBytes: 64 * 1024)
        try withServer(ProducingResponder(producer: abandoned)) { server in
            let client = try server.connect()
            try client.send("GET /produced HTTP/1.1\r\nHost: t\r\n\r\n")
            _ = client.read(exactly: 100_000)
            client.closeNow()
            let deadline = Date().addingTimeInterval(5)
            while !abandoned.wasCancelled && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
            #expect(abandoned.wasCancelled)
            #expect(abandoned.partsAsked < 1000)
        }
        let failing = CountingProducer(parts: 10, partBytes: 100, failAfter: 3)
        try withServer(ProducingResponder(producer: failing)) { server in
            let client = try server.connect()
            try client.send("GET /produced HTTP/1.1\r\nHost: t\r\n\r\n")
            let (_, body, complete) = client.readChunked()
            #expect(!complete)
            #expect(body.count == 300)
            #expect(!failing.wasCancelled)
        }
    }
}

import CollectorTestSupport
import Foundation
import Testing
@testable import Collector

@Suite("Inflate")
struct InflateTests {
    @Test("The gzip fixtures inflate to exactly the plain ones")
    func fixtures() throws {
        for name in ["otlp-logs-1.json", "otlp-metrics-1.json"] {
            let inflated = try Inflate.inflate(try ClaudeCodeFixtures.bytes(name + ".gz"), format: .gzip, limit: 1 << 20)
            #expect(inflated == (try ClaudeCodeFixtures.bytes(name)), "\(name)")
        }
    }

    @Test("Inflating stops at the limit: a small body that expands without end is refused, not held in memory")
    func bombStopsAtTheLimit() throws {
        let bomb = try gzip([UInt8](repeating: 0, count: 50 << 20))
        #expect(bomb.count < 100 * 1024)
        #expect(throws: Inflate.Failure.tooLarge(limit: 1 << 20)) {
            try Inflate.inflate(bomb, format: .gzip, limit: 1 << 20)
        }
    }

    @Test("Exactly the limit is accepted")
    func limitIsInclusive() throws {
        let body = [UInt8](repeating: 7, count: 4096)
        #expect(try Inflate.inflate(try gzip(body), format: .gzip, limit: 4096) == body)
    }

    @Test("A cut-off stream is truncated; garbage is corrupt")
    func damagedStreams() throws {
        let whole = try gzip(Array(String(repeating: "telemetry ", count: 500).utf8))
        #expect(throws: Inflate.Failure.truncated) { try Inflate.inflate(Array(whole.prefix(whole.count / 2)), format: .gzip, limit: 1 << 20) }
        #expect {
            try Inflate.inflate(Array("not gzip at all".utf8), format: .gzip, limit: 1 << 20)
        } throws: { error in
            if case .corrupt = error as? Inflate.Failure { return true }
            return false
        }
    }

    @Test("Several gzip members read as one stream, as gunzip reads them")
    func concatenatedMembers() throws {
        let joined = try gzip(Array("{\"a\":".utf8)) + (try gzip(Array("1}".utf8)))
        #expect(try Inflate.inflate(joined, format: .gzip, limit: 100) == Array("{\"a\":1}".utf8))
    }

    @Test("deflate is the zlib format")
    func deflate() throws {
        let body = Array("{\"resourceLogs\":[]}".utf8)
        #expect(try Inflate.inflate(try zlibCompress(body), format: .zlib, limit: 100) == body)
    }
}

/// gzip as a command-line tool writes it, so the tests do not share the code under test.
func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
    try pipe(bytes, through: "/bin/gzip", ["-c", "-n"])
}

func zlibCompress(_ bytes: [UInt8]) throws -> [UInt8] {
    try pipe(bytes, through: "/usr/bin/python3", ["-c", "import sys, zlib; sys.stdout.buffer.write(zlib.compress(sys.stdin.buffer.read()))"])
}

private func pipe(_ bytes: [UInt8], through program: String, _ arguments: [String]) throws -> [UInt8] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: program)
    process.arguments = arguments
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try process.run()
    let writer = Thread { input.fileHandleForWriting.write(Data(bytes)); try? input.fileHandleForWriting.close() }
    writer.start()
    let result = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Array(result)
}

@testable import CollectorClient
import Foundation
import Testing

@Suite("Outbox")
struct OutboxTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("outbox-\(UUID().uuidString)/nested").path
    let deadline = Deadline(secondsFromNow: 10)

    func lines(_ texts: [String]) -> [[UInt8]] { texts.map { Array($0.utf8) } }

    @Test("Lines come back in order; settling replaces what was taken and keeps what others appended meanwhile")
    func appendPendingSettle() throws {
        let outbox = try Outbox(directory: directory, maxBytes: 1 << 20)
        try outbox.append(lines(["a", "b", "c"]), to: .events, deadline: deadline)
        let pending = try outbox.pending(.events, deadline: deadline)
        #expect(pending == lines(["a", "b", "c"]))
        try outbox.append(lines(["d"]), to: .events, deadline: deadline)
        try outbox.settle(.events, taken: pending.count, kept: lines(["c"]), deadline: deadline)
        #expect(try outbox.pending(.events, deadline: deadline) == lines(["c", "d"]))
        #expect(try outbox.pending(.transcripts, deadline: deadline).isEmpty)
    }

    @Test("The folder is created with its parents, readable by its owner only")
    func folder() throws {
        _ = try Outbox(directory: directory, maxBytes: 100)
        let attributes = try FileManager.default.attributesOfItem(atPath: directory)
        #expect((attributes[.posixPermissions] as? Int) == 0o700)
    }

    @Test("A full spool refuses new lines whole and keeps the old ones")
    func full() throws {
        let outbox = try Outbox(directory: directory, maxBytes: 10)
        try outbox.append(lines(["12345"]), to: .events, deadline: deadline)
        #expect(throws: ClientError.self) { try outbox.append(lines(["67890"]), to: .events, deadline: deadline) }
        #expect(try outbox.pending(.events, deadline: deadline) == lines(["12345"]))
    }

    @Test("A line cut short by a crash does not swallow the next one")
    func tornLine() throws {
        let outbox = try Outbox(directory: directory, maxBytes: 1 << 20)
        try Data("{\"torn".utf8).write(to: URL(fileURLWithPath: outbox.path(.events)))
        try outbox.append(lines(["{}"]), to: .events, deadline: deadline)
        #expect(try outbox.pending(.events, deadline: deadline) == lines(["{\"torn", "{}"]))
    }

    @Test("Many writers at once (parallel hooks) lose nothing")
    func concurrentAppends() async throws {
        let outbox = try Outbox(directory: directory, maxBytes: 1 << 20)
        await withTaskGroup(of: Void.self) { group in
            for writer in 0..<8 {
                group.addTask {
                    for line in 0..<25 {
                        try? outbox.append([Array("\(writer)-\(line)".utf8)], to: .events, deadline: Deadline(secondsFromNow: 10))
                    }
                }
            }
        }
        #expect(Set(try outbox.pending(.events, deadline: deadline).map { String(decoding: $0, as: UTF8.self) }).count == 200)
    }

    @Test("One call delivers at a time; a second waits for the lock until its deadline")
    func oneDeliverer() throws {
        let outbox = try Outbox(directory: directory, maxBytes: 1 << 20)
        let inner = try outbox.delivering(deadline: deadline) { () throws(ClientError) -> Bool? in
            try outbox.delivering(deadline: Deadline(secondsFromNow: 0.05)) { () throws(ClientError) in true }
        }
        #expect(inner == .some(nil))
        #expect(try outbox.delivering(deadline: deadline) { () throws(ClientError) in 1 } == 1)
    }
}

import Foundation
import Spool
import Testing

@Suite("Journal")
struct JournalTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID().uuidString)").path

    func records(_ count: Int, size: Int = 100, from start: Int = 0) -> [[UInt8]] {
        (start..<(start + count)).map { index in Array("record-\(index)-".utf8) + [UInt8](repeating: UInt8(index % 251), count: size) }
    }

    func readAll(_ journal: Journal) throws -> [[UInt8]] {
        var all: [[UInt8]] = []
        while let batch = try journal.read(maxBytes: 1000) {
            all += batch.records
            journal.consume(upTo: batch.next, records: batch.records.count)
        }
        return all
    }

    @Test("A second journal on a folder in use is refused; once the first is gone, the folder opens again")
    func oneJournalPerFolder() throws {
        var first: Journal? = try Journal(directory: directory, maxBytes: 1 << 20)
        #expect(throws: JournalError.self) { try Journal(directory: directory, maxBytes: 1 << 20) }
        _ = first
        first = nil
        #expect(try Journal(directory: directory, maxBytes: 1 << 20).isEmpty)
    }

    @Test("Records come back in order, once each, and a reopened journal continues after what was consumed")
    func appendReadConsume() throws {
        // A journal holds its folder until it is gone, as a process does until it exits: the first one closes first.
        let consumed: Int = try {
            let journal = try Journal(directory: directory, maxBytes: 1 << 20, segmentBytes: 4096)
            #expect(try journal.append(records(30)))
            #expect(journal.pendingRecords == 30)
            let first = try #require(try journal.read(maxBytes: 500))
            journal.consume(upTo: first.next, records: first.records.count)
            #expect(first.records == Array(records(30)[0..<first.records.count]))
            return first.records.count
        }()

        let reopened = try Journal(directory: directory, maxBytes: 1 << 20, segmentBytes: 4096)
        #expect(reopened.recovery.pendingRecords == 30 - consumed)
        #expect(try readAll(reopened) == Array(records(30)[consumed...]))
        #expect(reopened.isEmpty)
        #expect(try reopened.read(maxBytes: 1000) == nil)
    }

    @Test("Segments roll over at their size and are deleted once consumed")
    func segmentsRollAndGo() throws {
        let journal = try Journal(directory: directory, maxBytes: 1 << 20, segmentBytes: 1024)
        for start in stride(from: 0, to: 40, by: 4) { #expect(try journal.append(records(4, from: start))) }
        let segments = { try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".journal") } }
        #expect(try segments().count >= 4)
        #expect(try readAll(journal) == records(40))
        #expect(try segments().count == 1)
    }

    @Test("A journal refuses an append that would pass its byte limit, and takes it again once drained")
    func byteLimit() throws {
        let journal = try Journal(directory: directory, maxBytes: 1000)
        #expect(try journal.append(records(5)))
        #expect(try journal.append(records(5)) == false)
        #expect(journal.pendingRecords == 5)
        _ = try readAll(journal)
        #expect(try journal.append(records(5)))
    }

    @Test("A record torn by a crash is cut off at open, reported, and the records before it survive")
    func tornTail() throws {
        try {
            let journal = try Journal(directory: directory, maxBytes: 1 << 20)
            #expect(try journal.append(records(3)))
        }()
        let path = try #require(try FileManager.default.contentsOfDirectory(atPath: directory).first { $0.hasSuffix(".journal") })
        let file = "\(directory)/\(path)"
        let whole = try Data(contentsOf: URL(fileURLWithPath: file))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: file))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(whole.prefix(60)))  // the start of a fourth record, cut mid-way
        try handle.close()

        let reopened = try Journal(directory: directory, maxBytes: 1 << 20)
        #expect(reopened.recovery.tornBytes == 60)
        #expect(reopened.recovery.pendingRecords == 3)
        #expect(try readAll(reopened) == records(3))
        #expect(try reopened.append(records(1, from: 9)))
        #expect(try readAll(reopened) == records(1, from: 9))
    }

    @Test("A flipped byte fails the checksum: the damaged record and what follows it in that segment are dropped")
    func checksumCatchesDamage() throws {
        try {
            let journal = try Journal(directory: directory, maxBytes: 1 << 20)
            #expect(try journal.append(records(3)))
        }()
        let path = try #require(try FileManager.default.contentsOfDirectory(atPath: directory).first { $0.hasSuffix(".journal") })
        var bytes = try Data(contentsOf: URL(fileURLWithPath: "\(directory)/\(path)"))
        bytes[12 + 112 + 12 + 5] ^= 0xff  // inside the second record's payload
        try bytes.write(to: URL(fileURLWithPath: "\(directory)/\(path)"))
        let reopened = try Journal(directory: directory, maxBytes: 1 << 20)
        #expect(try readAll(reopened) == records(1))
    }
}

@Suite("CRC32C")
struct CRC32CTests {
    @Test("Known check values: the standard '123456789' and the empty input")
    func checkValues() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([]) == 0)
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
    }
}

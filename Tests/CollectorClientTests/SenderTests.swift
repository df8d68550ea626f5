import Collector
import CollectorTestSupport
import Foundation
import HTTPServer
import Postgres
import TestSupport
import Testing
@testable import CollectorClient

@Suite("Sender: collector send's delivery and spool")
struct SenderTests {
    let spool = FileManager.default.temporaryDirectory.appendingPathComponent("send-spool-\(UUID().uuidString)").path

    func sender(port: Int, key: String?) throws -> Sender {
        Sender(configuration: SendConfiguration(
            url: try CollectorURL(parsing: "http://127.0.0.1:\(port)"), apiKey: key, spoolDirectory: spool,
            spoolMaxBytes: 1 << 20, timeoutSeconds: 3, caFile: nil))
    }

    func events(_ range: Range<Int>) -> [[UInt8]] {
        range.map { Array(#"{"sessionId":"s","eventType":"agent_execution","sequence":\#($0)}"#.utf8) }
    }

    @Test("Against a stopped collector events wait in the spool; once it runs they arrive, old first: nothing lost, nothing doubled")
    func stoppedThenStarted() throws {
        let port = try freePort()
        let down = try sender(port: port, key: "unknown-yet").run(events: events(0..<150), transcripts: [])
        #expect(down.deliveredEvents == 0)
        #expect(down.waitingEvents == 150)
        let line = try #require(down.summaryLine)
        #expect(line.hasPrefix("collector send: cannot deliver to http://127.0.0.1:\(port)"))
        #expect(line.hasSuffix("150 event(s) and 0 transcript(s) wait in \(spool) for the next call"))

        let collector = try CollectorHarness { $0.server.port = port }
        let up = try sender(port: port, key: collector.key).run(events: events(150..<160), transcripts: [])
        #expect(up.summaryLine == nil)
        #expect(up.deliveredEvents == 160)
        #expect(up.waitingEvents == 0)
        let stored = try collector.query("SELECT count(*), count(DISTINCT attributes->>'sequence'), count(DISTINCT event_id) FROM events").rows[0]
        #expect(stored == ["160", "160", "160"])
        let order = try collector.query("SELECT (attributes->>'sequence')::int FROM events ORDER BY received_at, (attributes->>'sequence')::int").rows
        #expect(order.first == ["0"] && order.last == ["159"])

        let again = try sender(port: port, key: collector.key).run(events: [], transcripts: [])
        #expect(again.summaryLine == nil && again.deliveredEvents == 0)
        #expect(try collector.count() == 160)
    }

    @Test("Events delivered but whose answer was lost are sent again and skipped by their eventIds")
    func answerLost() throws {
        let collector = try CollectorHarness()
        let sender = try sender(port: collector.port, key: collector.key)
        _ = try Outbox(directory: spool, maxBytes: 1 << 20)
        #expect(sender.run(events: events(0..<5), transcripts: []).deliveredEvents == 5)
        let sent = try collector.query("SELECT attributes->>'sequence', event_id, to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') FROM events").rows
        let replayed = sent.map { Array(#"{"sessionId":"s","eventType":"agent_execution","sequence":\#($0[0]!),"eventId":"\#($0[1]!)","timestamp":"\#($0[2]!)"}"#.utf8) }
        try Outbox(directory: spool, maxBytes: 1 << 20).append(replayed, to: .events, deadline: Deadline(secondsFromNow: 5))
        let report = sender.run(events: [], transcripts: [])
        #expect(report.deliveredEvents == 5)
        #expect(try collector.count() == 5)
    }

    @Test("An event the collector refuses is dropped with its reason; the rest of its batch still arrives")
    func refusedEvent() throws {
        let collector = try CollectorHarness()
        let bad = Array(#"{"sessionId":"s","eventType":"t","latencyMs":-5}"#.utf8)
        let report = try sender(port: collector.port, key: collector.key).run(events: events(0..<3) + [bad] + events(3..<6), transcripts: [])
        #expect(report.deliveredEvents == 6)
        #expect(report.droppedEvents == 1)
        #expect(report.waitingEvents == 0)
        #expect(report.summaryLine?.contains("latencyMs") == true)
        #expect(try collector.count() == 6)
    }

    @Test("Input that is not an event is skipped and said so; the rest is sent")
    func badInput() throws {
        let collector = try CollectorHarness()
        let report = try sender(port: collector.port, key: collector.key).run(events: [Array("not json".utf8)] + events(0..<2), transcripts: [])
        #expect(report.skippedInput == 1)
        #expect(report.deliveredEvents == 2)
        #expect(report.summaryLine?.contains("skipped 1 input line(s)") == true)
    }

    @Test("A wrong key keeps the events for later (an operator can fix the key); a later call with the right key delivers them")
    func wrongKey() throws {
        let collector = try CollectorHarness()
        let refused = try sender(port: collector.port, key: String(repeating: "0", count: 64)).run(events: events(0..<3), transcripts: [])
        #expect(refused.waitingEvents == 3)
        #expect(refused.summaryLine?.contains("answered 401") == true)
        let delivered = try sender(port: collector.port, key: collector.key).run(events: [], transcripts: [])
        #expect(delivered.deliveredEvents == 3)
        #expect(try collector.count() == 3)
    }

    @Test("A transcript waits like events when the collector is away, and is uploaded whole later")
    func transcripts() throws {
        let port = try freePort()
        let reference = TranscriptReference(file: ClaudeCodeFixtures.path("transcript.jsonl"), sessionID: ClaudeCodeFixtures.sessionID,
                                            agentName: "claude-code")
        let down = try sender(port: port, key: "k").run(events: [], transcripts: [reference])
        #expect(down.waitingTranscripts == 1)
        let collector = try CollectorHarness { $0.server.port = port }
        let up = try sender(port: port, key: collector.key).run(events: [], transcripts: [])
        #expect(up.deliveredTranscripts == 1)
        #expect(up.waitingTranscripts == 0)
        let lines = try ClaudeCodeFixtures.text("transcript.jsonl").split(separator: "\n").count
        let row = try collector.query("SELECT session_id, agent_name, jsonb_array_length(transcript), metadata->>'transcriptPath' FROM transcripts").rows
        #expect(row == [[ClaudeCodeFixtures.sessionID, "claude-code", String(lines), reference.file]])
    }

    @Test("Without COLLECTOR_URL and a key, events are kept and the line says what to set")
    func unconfigured() throws {
        let report = Sender(configuration: SendConfiguration(url: nil, apiKey: nil, spoolDirectory: spool, spoolMaxBytes: 1 << 20,
                                                             timeoutSeconds: 1, caFile: nil)).run(events: events(0..<2), transcripts: [])
        #expect(report.waitingEvents == 2)
        #expect(report.summaryLine?.contains("COLLECTOR_URL and COLLECTOR_API_KEY") == true)
    }

    @Test("After a collector that does not answer in time, the next calls only spool instead of waiting again")
    func pauseAfterTimeout() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) == 0 && getsockname(listener, $0, &length) == 0 }
        }
        listen(listener, 4)  // accepts connections into the backlog and never answers
        let silent = Sender(configuration: SendConfiguration(
            url: try CollectorURL(parsing: "http://127.0.0.1:\(UInt16(bigEndian: address.sin_port))"), apiKey: "k",
            spoolDirectory: spool, spoolMaxBytes: 1 << 20, timeoutSeconds: 0.5, caFile: nil))
        let first = silent.run(events: events(0..<2), transcripts: [])
        #expect(first.summaryLine?.contains("timed out") == true)
        let started = Date()
        let second = silent.run(events: events(2..<3), transcripts: [])
        #expect(Date().timeIntervalSince(started) < 0.3)
        #expect(second.waitingEvents == 3)
        #expect(second.summaryLine?.contains("did not answer in time") == true)
    }

    @Test("Without a usable spool folder, the call's own events are still delivered")
    func noSpool() throws {
        let collector = try CollectorHarness()
        let blocked = FileManager.default.temporaryDirectory.appendingPathComponent("file-\(UUID().uuidString)").path
        try Data().write(to: URL(fileURLWithPath: blocked))
        let report = Sender(configuration: SendConfiguration(
            url: try CollectorURL(parsing: "http://127.0.0.1:\(collector.port)"), apiKey: collector.key,
            spoolDirectory: blocked + "/spool", spoolMaxBytes: 1 << 20, timeoutSeconds: 3, caFile: nil))
            .run(events: events(0..<3), transcripts: [])
        #expect(report.deliveredEvents == 3)
        #expect(report.summaryLine?.contains("cannot create the folder") == true)
        #expect(try collector.count() == 3)
    }
}

import Postgres
import Testing
@testable import Collector

@Suite("Event columns and the spool record")
struct EventColumnsTests {
    @Test("The insert names every column once, with its type, in the order of its parameters")
    func insertStatement() {
        let sql = EventColumns.insert.sql
        #expect(sql.hasPrefix("INSERT INTO events (host_id, session_id, event_type, ts, agent_name, decision, decision_reason, tool_name, model_tier, latency_ms, event_id, attributes, trace_id, span_id)"))
        #expect(sql.contains("unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::int4[], $11::text[], $12::jsonb[], $13::text[], $14::text[])"))
        #expect(sql.hasSuffix("ON CONFLICT (host_id, event_id, ts) DO NOTHING"))
        #expect(EventColumns().parameters.count == EventColumn.allCases.count)
    }

    @Test("Each field of a row lands in its own column: parameter i carries column i's values")
    func rowsLandByName() {
        var row = EventRow(sessionID: Array("s".utf8), eventType: Array("t".utf8), timestamp: 0, attributes: Array("{}".utf8))
        row.agentName = Array("agent".utf8)
        row.decision = Array("ALLOW".utf8)
        row.toolName = Array("Bash".utf8)
        row.modelTier = Array("haiku".utf8)
        row.latencyMs = 7
        row.eventID = Array("id-1".utf8)
        row.traceID = Array("5b8efff798038103d269b633813fc60c".utf8)
        var batch = EventBatch(hostID: "laptop")
        batch.append(row)
        func text(_ column: EventColumn) -> String? {
            let bytes = batch.columns[column].parameter().bytes
            // One element: 20 header bytes, then its 4-byte length (-1 for NULL) and its bytes.
            let length = Int32(bigEndian: bytes[20..<24].withUnsafeBytes { $0.loadUnaligned(as: Int32.self) })
            return length < 0 ? nil : String(decoding: bytes[24...], as: UTF8.self)
        }
        #expect(text(.hostID) == "laptop")
        #expect(text(.agentName) == "agent")
        #expect(text(.decision) == "ALLOW")
        #expect(text(.decisionReason) == nil)
        #expect(text(.toolName) == "Bash")
        #expect(text(.modelTier) == "haiku")
        #expect(text(.eventID) == "id-1")
        #expect(text(.traceID) == "5b8efff798038103d269b633813fc60c")
        #expect(text(.spanID) == nil)
    }

    @Test("A repeated eventId within a batch is counted, not added; an event without one gets a UUIDv7")
    func ids() {
        var batch = EventBatch(hostID: "h")
        var row = EventRow(sessionID: [1], eventType: [1], timestamp: 0, attributes: Array("{}".utf8))
        row.eventID = Array("same".utf8)
        batch.append(row)
        batch.append(row)
        row.eventID = nil
        batch.append(row)
        #expect(batch.count == 2)
        #expect(batch.duplicatesWithinRequest == 1)
        let generated = batch.eventIDs.first { $0 != "same" } ?? ""
        #expect(generated.count == 36 && Array(generated)[14] == "7")
    }

    @Test("The spool's record format names every event column, so a new column cannot slip past it")
    func spoolCoversEveryColumn() {
        #expect(Set(SpoolRecord.eventColumns) == Set(EventColumn.allCases))
        #expect(SpoolRecord.eventColumns.count == EventColumn.allCases.count)
    }

    @Test("A spooled batch reads back column for column")
    func spoolRoundTrip() throws {
        var row = EventRow(sessionID: Array("s".utf8), eventType: Array("t".utf8), timestamp: 42, attributes: Array(#"{"a":1}"#.utf8))
        row.toolName = Array("Read".utf8)
        row.latencyMs = 3
        row.traceID = Array("5b8efff798038103d269b633813fc60c".utf8)
        row.spanID = Array("eee19b7ec3c1b174".utf8)
        var batch = EventBatch(hostID: "laptop")
        batch.append(row)
        guard case .events(let read)? = SpoolRecord.decode(SpoolRecord.events(batch).encoded()) else {
            Issue.record("the record did not read back as events")
            return
        }
        #expect(read.hostID == "laptop")
        for column in EventColumn.allCases {
            #expect(read.columns[column].parameter().bytes == batch.columns[column].parameter().bytes, "column \(column)")
        }
    }

    @Test("A record written before events had trace and span ids (kind 1, twelve columns) still replays, with NULL ids")
    func spoolReplaysTheOlderKind() throws {
        var row = EventRow(sessionID: Array("s".utf8), eventType: Array("t".utf8), timestamp: 42, attributes: Array("{}".utf8))
        row.eventID = Array("old-1".utf8)
        var batch = EventBatch(hostID: "laptop")
        batch.append(row)
        row.eventID = Array("old-2".utf8)
        batch.append(row)
        // The format of kind 1 as it was written: the kind, then the host and each column as an 8-byte
        // little-endian length and its bytes.
        func block(_ bytes: [UInt8]) -> [UInt8] { withUnsafeBytes(of: Int64(bytes.count).littleEndian, Array.init) + bytes }
        var record: [UInt8] = [1] + block(Array("laptop".utf8))
        let kindOne: [EventColumn] = [.hostID, .sessionID, .eventType, .timestamp, .agentName, .decision, .decisionReason,
                                      .toolName, .modelTier, .latencyMs, .eventID, .attributes]
        for column in kindOne { record += block(batch.columns[column].parameter().bytes) }
        guard case .events(let read)? = SpoolRecord.decode(record) else {
            Issue.record("a kind 1 record did not read back as events")
            return
        }
        #expect(read.count == 2)
        for column in kindOne {
            #expect(read.columns[column].parameter().bytes == batch.columns[column].parameter().bytes, "column \(column)")
        }
        #expect(read.columns[.traceID].parameter().bytes == batch.columns[.traceID].parameter().bytes)
        #expect(read.columns[.spanID].elementCount == 2)
        #expect(SpoolRecord.events(batch).encoded().first == 3)
    }
}

import JSON
import Postgres
import Testing
@testable import Collector

/// The batch decoder alone: bytes in, validated columns or one domain error out.
@Suite("EventDecoder")
struct EventDecoderTests {
    let decoder = EventDecoder(maxEvents: 3, jsonLimits: JSONLimits())

    func decode(_ events: String) throws(ValidationError) -> EventBatch {
        try decoder.decode(Array(#"{"events":[\#(events)]}"#.utf8), hostID: "laptop")
    }

    func error(_ events: String) -> ValidationError? {
        do {
            _ = try decode(events)
            return nil
        } catch {
            return error
        }
    }

    let base = #""sessionId":"s","eventType":"t","timestamp":"2024-01-15T10:30:00Z""#

    @Test("Known fields fill their columns, the rest stays in attributes, and the host is always the key's")
    func fields() throws {
        let batch = try decode(#"{\#(base),"hostId":"laptop","toolName":"Bash","latencyMs":150.0,"custom":{"a":[1]}}"#)
        #expect(batch.count == 1)
        #expect(batch.hostID == "laptop")
        let attributes = batch.columns[.attributes].parameter().bytes
        #expect(String(decoding: attributes.suffix(13), as: UTF8.self) == #"{"custom":{"a":[1]}}"#.suffix(13))
    }

    @Test("Each broken event names its index, field and code", arguments: [
        (#"{"sessionId":"s","eventType":"t"}"#, "missing_field", "timestamp"),
        (#"{"sessionId":"","eventType":"t","timestamp":"2024-01-15T10:30:00Z"}"#, "invalid_field", "sessionId"),
        (#"{"sessionId":"s","eventType":"t","timestamp":"yesterday"}"#, "invalid_field", "timestamp"),
        (#"{"sessionId":"s","eventType":"t","timestamp":"2024-01-15T10:30:00Z","latencyMs":1.5}"#, "invalid_field", "latencyMs"),
        (#"{"sessionId":"s","eventType":"t","timestamp":"2024-01-15T10:30:00Z","decision":7}"#, "invalid_field", "decision"),
        (#"{"sessionId":"s","eventType":"t","timestamp":"2024-01-15T10:30:00Z","eventId":""}"#, "invalid_field", "eventId"),
    ])
    func brokenEvents(event: String, code: String, field: String) {
        let found = error(#"{\#(base)},\#(event)"#)
        #expect(found?.code == code)
        #expect(found?.field == field)
        #expect(found?.index == 1)
        #expect(found?.kind == .invalid)
    }

    @Test("A field over its cap is field_too_long")
    func tooLong() {
        let found = error(#"{\#(base),"modelTier":"\#(String(repeating: "x", count: 65))"}"#)
        #expect(found?.code == "field_too_long")
        #expect(found?.field == "modelTier")
    }

    @Test("Another host's hostId is a host mismatch, which the API answers 403")
    func hostMismatch() {
        let found = error(#"{\#(base),"hostId":"desktop"}"#)
        #expect(found?.kind == .hostMismatch)
        #expect(found.map { APIError($0).status } == 403)
    }

    @Test("Zero events, or more than the batch may hold, is invalid_batch_size")
    func batchSize() {
        #expect(error("")?.code == "invalid_batch_size")
        #expect(error(Array(repeating: "{\(base)}", count: 4).joined(separator: ","))?.code == "invalid_batch_size")
    }
}

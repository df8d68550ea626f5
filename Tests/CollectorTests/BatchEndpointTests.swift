import CollectorTestSupport
import Foundation
import Postgres
import TestSupport
import Testing

@Suite("POST /api/v1/telemetry/batch")
struct BatchEndpointTests {
    let collector: CollectorHarness

    init() throws {
        collector = try CollectorHarness()
    }

    @Test("The original example batch is stored with the key's host")
    func exampleBatchIsStored() throws {
        let response = try collector.request("POST", "/api/v1/telemetry/batch", body: exampleBatch)
        #expect(response.status == 200)
        #expect(response.json["inserted"] as? Int == 1)
        #expect(response.json["duplicates"] as? Int == 0)
        let row = try collector.query("""
            SELECT host_id, session_id, event_type, ts = '2024-01-15T10:30:00Z', agent_name, decision, decision_reason,
                   tool_name, latency_ms, model_tier, attributes::text FROM events
            """).rows
        #expect(row == [["laptop", "abc123", "agent_execution", "t", "tool-approve", "APPROVED", "Tool is safe", "Bash",
                         "150", "haiku", "{}"]])
    }

    @Test("A Bearer token works like X-API-Key")
    func bearerToken() throws {
        let response = try collector.request(
            "POST", "/api/v1/telemetry/batch", body: exampleBatch, key: "",
            headers: [("Content-Type", "application/json"), ("Authorization", "Bearer \(collector.key)")])
        #expect(response.status == 200)
    }

    @Test("Unknown fields are kept exactly in attributes, nested values included")
    func unknownFieldsGoToAttributes() throws {
        let response = try collector.postBatch([event(#""cwd":"/home/dev","tokens":{"in":12,"out":[1,2.5,null]},"ok":true"#)])
        #expect(response.status == 200)
        #expect(try collector.query("SELECT attributes::text FROM events").firstValue()
                == #"{"ok": true, "cwd": "/home/dev", "tokens": {"in": 12, "out": [1, 2.5, null]}}"#)
    }

    @Test("Timestamps with offsets and fractions are stored as the same instant in UTC")
    func timestampOffsets() throws {
        _ = try collector.postBatch([#"{"sessionId":"s","eventType":"t","timestamp":"2024-01-15T12:30:00.123456+02:00"}"#])
        #expect(try collector.query("SELECT ts = '2024-01-15T10:30:00.123456Z' FROM events").firstValue() == "t")
    }

    @Test("A repeated eventId is skipped and counted as a duplicate, not an error")
    func idempotencyKey() throws {
        let first = try collector.postBatch([event(#""eventId":"e-1""#), event(#""eventId":"e-2""#)])
        #expect(first.json["inserted"] as? Int == 2)
        let again = try collector.postBatch([event(#""eventId":"e-2""#), event(#""eventId":"e-3""#), event(#""eventId":"e-3""#)])
        #expect(again.status == 200)
        #expect(again.json["inserted"] as? Int == 1)
        #expect(again.json["duplicates"] as? Int == 2)
        #expect(try collector.count() == 3)
    }

    @Test("One bad event rejects the whole batch with its index and field, and nothing is written")
    func atomicBatch() throws {
        let response = try collector.postBatch([event(), event(), #"{"sessionId":"s","eventType":"t","timestamp":"yesterday"}"#])
        #expect(response.status == 400)
        #expect(response.json["index"] as? Int == 2)
        #expect(response.json["field"] as? String == "timestamp")
        #expect(try collector.count() == 0)
    }

    @Test("Each required field is checked", arguments: [
        (#"{"eventType":"t","timestamp":"2024-01-15T10:30:00Z"}"#, "sessionId"),
        (#"{"sessionId":"s","timestamp":"2024-01-15T10:30:00Z"}"#, "eventType"),
        (#"{"sessionId":"s","eventType":"t"}"#, "timestamp"),
        (#"{"sessionId":"","eventType":"t","timestamp":"2024-01-15T10:30:00Z"}"#, "sessionId"),
        (#"{"sessionId":"s","eventType":"t","timestamp":"2024-01-15T10:30:00Z","latencyMs":-1}"#, "latencyMs"),
        (#"{"sessionId":"s","eventType":"t","timestamp":"2024-01-15T10:30:00Z","latencyMs":1.5}"#, "latencyMs"),
        (#"{"sessionId":"s","eventType":"t","timestamp":"2024-01-15T10:30:00Z","toolName":7}"#, "toolName"),
    ])
    func requiredFields(body: String, field: String) throws {
        let response = try collector.postBatch([body])
        #expect(response.status == 400)
        #expect(response.json["field"] as? String == field)
        #expect(response.json["code"] is String)
    }

    @Test("latencyMs written as a whole number with a fraction part (150.0) is the same number")
    func wholeFloatLatency() throws {
        #expect(try collector.postBatch([event(#""latencyMs":150.0"#)]).status == 200)
        #expect(try collector.query("SELECT latency_ms FROM events").firstValue() == "150")
        #expect(try collector.postBatch([event(#""latencyMs":150.5"#)]).status == 400)
    }

    @Test("A gzip body is inflated; two Content-Type headers are refused")
    func contentEncodingAndTypes() throws {
        let gzipped = try run("/bin/sh", ["-c", "printf '%s' '\(exampleBatch)' | gzip -c | base64 -w0"])
        let body = [UInt8](Data(base64Encoded: gzipped.trimmingCharacters(in: .whitespacesAndNewlines))!)
        let response = try collector.request("POST", "/api/v1/telemetry/batch", bytes: body, key: collector.key,
                                             headers: [("Content-Type", "application/json"), ("Content-Encoding", "gzip")])
        #expect(response.status == 200)
        let twoTypes = try collector.request("POST", "/api/v1/telemetry/batch", body: exampleBatch,
                                             headers: [("Content-Type", "application/json"), ("Content-Type", "text/plain")])
        #expect(twoTypes.status == 400)
        #expect(try collector.count() == 1)
    }

    @Test("Each string field over its cap is refused with the field named; at the cap it is stored", arguments: [
        ("sessionId", 256), ("eventType", 128), ("agentName", 128), ("decision", 64), ("decisionReason", 4096),
        ("toolName", 256), ("modelTier", 64), ("eventId", 128),
    ])
    func lengthCaps(field: String, cap: Int) throws {
        func withField(_ length: Int) -> String {
            var fields = ["sessionId": "s", "eventType": "t", "timestamp": "2024-01-15T10:30:00Z"]
            fields[field] = String(repeating: "é", count: length)
            return "{" + fields.map { #""\#($0.key)":"\#($0.value)""# }.joined(separator: ",") + "}"
        }
        let over = try collector.postBatch([withField(cap + 1)])
        #expect(over.status == 400)
        #expect(over.json["field"] as? String == field)
        #expect(over.json["code"] as? String == "field_too_long")
        #expect(try collector.postBatch([withField(cap)]).status == 200)
        #expect(try collector.count() == 1)
    }

    @Test("A hostId other than the key's host is 403 host_mismatch")
    func hostMismatch() throws {
        let response = try collector.postBatch([event(#""hostId":"desktop""#)])
        #expect(response.status == 403)
        #expect(response.json["code"] as? String == "host_mismatch")
        #expect(try collector.count() == 0)
    }

    @Test("Zero events and more than 100 events are both 400")
    func batchSize() throws {
        #expect(try collector.postBatch([]).status == 400)
        #expect(try collector.postBatch(Array(repeating: event(), count: 101)).status == 400)
        #expect(try collector.postBatch(Array(repeating: event(), count: 100)).status == 200)
    }

    @Test("Invalid JSON is 400 invalid_json")
    func invalidJSON() throws {
        let response = try collector.request("POST", "/api/v1/telemetry/batch", body: #"{"events":[{]}"#)
        #expect(response.status == 400)
        #expect(response.json["code"] as? String == "invalid_json")
    }

    @Test("A Content-Type other than JSON is 415; none at all is fine")
    func contentType() throws {
        let form = try collector.request("POST", "/api/v1/telemetry/batch", body: exampleBatch,
                                         headers: [("Content-Type", "text/plain")])
        #expect(form.status == 415)
        let none = try collector.request("POST", "/api/v1/telemetry/batch", body: exampleBatch, headers: [])
        #expect(none.status == 200)
        let charset = try collector.request("POST", "/api/v1/telemetry/batch", body: exampleBatch,
                                            headers: [("Content-Type", "application/json; charset=utf-8")])
        #expect(charset.status == 200)
    }

    @Test("A body over MAX_BODY_BYTES is 413 and nothing is written")
    func bodyLimit() throws {
        let padding = String(repeating: "x", count: 1 << 20)
        let response = try collector.postBatch([event(#""pad":"\#(padding)""#)])
        #expect(response.status == 413)
        #expect(try collector.count() == 0)
    }

    @Test("A missing key, an unknown key and an empty key are all 401")
    func missingOrUnknownKey() throws {
        #expect(try collector.request("POST", "/api/v1/telemetry/batch", body: exampleBatch, key: "").status == 401)
        let unknown = try collector.request("POST", "/api/v1/telemetry/batch", body: exampleBatch, key: String(repeating: "a", count: 64))
        #expect(unknown.status == 401)
        #expect(unknown.json["code"] as? String == "invalid_api_key")
        #expect(try collector.count() == 0)
    }
}

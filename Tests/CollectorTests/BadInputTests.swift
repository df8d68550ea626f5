import CollectorTestSupport
import Foundation
import Postgres
import TestSupport
import Testing

/// Hostile or broken bodies: each gets a clear 4xx and nothing is written.
@Suite("Bad input on the batch endpoint")
struct BadInputTests {
    let collector: CollectorHarness

    init() throws {
        collector = try CollectorHarness()
    }

    func post(_ body: [UInt8]) throws -> ParsedResponse {
        try collector.request("POST", "/api/v1/telemetry/batch", bytes: body, key: collector.key)
    }

    func ev(_ fields: String) -> String {
        #"{"events":[{"sessionId":"s","eventType":"t","timestamp":"2024-01-15T10:30:00Z"\#(fields)}]}"#
    }

    static let eventStart = Array(#"{"events":[{"sessionId":"s","eventType":"t","timestamp":"2024-01-15T10:30:00Z","x":"#.utf8)
    static let eventEnd = Array("}]}".utf8)
    static let invalidUTF8: [UInt8] = eventStart + [UInt8(ascii: "\""), 0xC3, 0x28, UInt8(ascii: "\"")] + eventEnd
    static let rawNUL: [UInt8] = eventStart + [UInt8(ascii: "\""), 0, UInt8(ascii: "\"")] + eventEnd
    static let escapedNUL: [UInt8] = eventStart + Array(#""\u0000""#.utf8) + eventEnd
    static let loneSurrogate: [UInt8] = eventStart + Array(#""\ud800""#.utf8) + eventEnd
    static let deepNesting: [UInt8] = eventStart + [UInt8](repeating: UInt8(ascii: "["), count: 10_000)
        + [UInt8](repeating: UInt8(ascii: "]"), count: 10_000) + eventEnd
    static let overflow: [UInt8] = eventStart + Array("1e999999".utf8) + eventEnd
    static let trailing: [UInt8] = Array(#"{"events":[]} x"#.utf8)

    @Test("Each broken JSON body is 400 invalid_json", arguments: [
        ("invalid UTF-8", invalidUTF8), ("a raw NUL in a string", rawNUL), ("an escaped NUL", escapedNUL),
        ("a lone surrogate escape", loneSurrogate), ("nesting 10,000 deep", deepNesting),
        ("a number that overflows", overflow), ("trailing garbage", trailing),
    ])
    func brokenJSON(name: String, body: [UInt8]) throws {
        let response = try post(body)
        #expect(response.status == 400, "\(name)")
        #expect(response.json["code"] as? String == "invalid_json", "\(name)")
        #expect(try collector.count() == 0)
    }

    @Test("A latencyMs beyond 32 bits is refused with the field named")
    func latencyOverflow() throws {
        let response = try post(Array(ev(#","latencyMs":99999999999999999999"#).utf8))
        #expect(response.status == 400)
        #expect(response.json["field"] as? String == "latencyMs")
    }

    @Test("Duplicate keys are refused, in the body and in an event, naming the key")
    func duplicateKeys() throws {
        let inEvent = try post(Array(#"{"events":[{"sessionId":"s","sessionId":"t","eventType":"t","timestamp":"2024-01-15T10:30:00Z"}]}"#.utf8))
        #expect(inEvent.status == 400)
        #expect(inEvent.json["code"] as? String == "duplicate_key")
        #expect(inEvent.json["field"] as? String == "sessionId")
        let hostTwice = try post(Array(#"{"events":[{"hostId":"laptop","hostId":"other","sessionId":"s","eventType":"t","timestamp":"2024-01-15T10:30:00Z"}]}"#.utf8))
        #expect(hostTwice.status == 400)
        let inBody = try post(Array(#"{"events":[],"events":[]}"#.utf8))
        #expect(inBody.json["code"] as? String == "duplicate_key")
        #expect(try collector.count() == 0)
    }

    @Test("The wrong shapes are 400 with the field named", arguments: [
        (#"{"events":{}}"#, "events"),
        (#"{"events":"x"}"#, "events"),
        (#"{"events":[1]}"#, nil as String?),
        (#"{"events":[[]]}"#, nil as String?),
        (#"{"evts":[]}"#, "events"),
        (#"[]"#, nil as String?),
    ])
    func wrongShapes(body: String, field: String?) throws {
        let response = try post(Array(body.utf8))
        #expect(response.status == 400)
        #expect(response.json["field"] as? String == field)
        #expect(try collector.count() == 0)
    }

    @Test("Timestamps that are not RFC 3339, or in year 10000, are refused", arguments: [
        "2024-01-15T10:30:00", "15/01/2024", "10000-01-01T00:00:00Z", "1705314600", "2024-01-15T10:30:00+25:00",
    ])
    func badTimestamps(timestamp: String) throws {
        let response = try post(Array(#"{"events":[{"sessionId":"s","eventType":"t","timestamp":"\#(timestamp)"}]}"#.utf8))
        #expect(response.status == 400)
        #expect(response.json["field"] as? String == "timestamp")
    }

    @Test("A 50 MB string behind a Content-Length that claims less: the body is cut at the claim, refused, and the rest is not a request")
    func bodyLongerThanClaimed() throws {
        let client = try RawHTTPClient(port: collector.port)
        let head = "POST /api/v1/telemetry/batch HTTP/1.1\r\nHost: t\r\nX-API-Key: \(collector.key)\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
        var bytes = Array(head.utf8) + Array(#"{"events":[{"sessionId":""#.utf8)
        bytes += [UInt8](repeating: UInt8(ascii: "a"), count: 50 << 20)
        let fd = client.fd
        let payload = bytes
        let finished = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            var offset = 0
            while offset < payload.count {
                let sent = payload[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                guard sent > 0 else { break }
                offset += sent
            }
            finished.signal()
        }
        // The sender writes to the client's descriptor: it must be done before the client (and its fd) go.
        defer { finished.wait() }
        let response = try #require(try client.readResponse())
        #expect(response.status == 400)
        #expect(try collector.count() == 0)
        let health = try collector.request("GET", "/api/v1/health", key: "")
        #expect(health.status == 200)
    }
}

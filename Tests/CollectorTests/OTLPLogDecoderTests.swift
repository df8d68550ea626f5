import CollectorTestSupport
import Foundation
import JSON
import Testing
@testable import Collector

@Suite("OTLPLogDecoder")
struct OTLPLogDecoderTests {
    func decode(_ json: [UInt8]) throws -> OTLPDecoded<EventBatch> {
        try OTLPLogDecoder().decode(json: try JSONDocument.parse(json).root, hostID: "laptop", receivedAt: 1_000)
    }

    @Test("Every record of Claude Code's real export becomes an event")
    func realExport() throws {
        let fixture = try ClaudeCodeFixtures.bytes("otlp-logs-1.json")
        let records = try #require(try JSONSerialization.jsonObject(with: Data(fixture)) as? [String: Any])
        let expected = ((records["resourceLogs"] as? [[String: Any]]) ?? []).flatMap { ($0["scopeLogs"] as? [[String: Any]]) ?? [] }
            .reduce(0) { $0 + (($1["logRecords"] as? [Any])?.count ?? 0) }
        let decoded = try decode(fixture)
        #expect(expected > 20)
        #expect(decoded.rows.count == expected)
        #expect(decoded.rejections.count == 0)
        #expect(Set(decoded.rows.eventIDs).count == expected)
    }

    func record(_ attributes: String, extra: String = "") -> String {
        #"{"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"claude-code"}}]},"scopeLogs":[{"scope":{"name":"s"},"logRecords":[{"timeUnixNano":"1795313658051000000","body":{"stringValue":"claude_code.tool_result"},"attributes":[\#(attributes)]\#(extra)}]}]}]}"#
    }

    @Test("The event name comes from the body when it names the event with a prefix, else from event.name")
    func eventType() throws {
        let named = try decode(Array(record(#"{"key":"session.id","value":{"stringValue":"s"}},{"key":"event.name","value":{"stringValue":"tool_result"}}"#).utf8))
        #expect(named.rows.count == 1)
        let other = record(#"{"key":"session.id","value":{"stringValue":"s"}},{"key":"event.name","value":{"stringValue":"something"}}"#)
        #expect(try decode(Array(other.utf8)).rows.count == 1)
    }

    @Test("A record without session.id is rejected with the reason; the others are kept")
    func missingSession() throws {
        let body = #"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"attributes":[{"key":"session.id","value":{"stringValue":"s"}}]},{"attributes":[]}]}]}]}"#
        let decoded = try decode(Array(body.utf8))
        #expect(decoded.rows.count == 1)
        #expect(decoded.rejections.count == 1)
        #expect(decoded.rejections.message
                == "1 of 2 log records rejected; the first: resourceLogs[0].scopeLogs[0].logRecords[1]: a log record needs a session.id attribute (on the record or its resource)")
    }

    @Test("A session.id on the resource serves every record under it")
    func resourceSession() throws {
        let body = #"{"resourceLogs":[{"resource":{"attributes":[{"key":"session.id","value":{"stringValue":"r"}}]},"scopeLogs":[{"logRecords":[{},{}]}]}]}"#
        #expect(try decode(Array(body.utf8)).rows.count == 2)
    }

    @Test("Structure that is not OTLP is a 400 for the whole request; unknown fields are ignored")
    func structure() throws {
        #expect(throws: ValidationError.self) { try decode(Array(#"{"resourceLogs":{}}"#.utf8)) }
        #expect(throws: ValidationError.self) { try decode(Array(#"{"resourceLogs":[{"scopeLogs":[{"logRecords":7}]}]}"#.utf8)) }
        let unknown = try decode(Array(#"{"resourceLogs":[],"futureField":{"x":1}}"#.utf8))
        #expect(unknown.rows.count == 0 && unknown.rejections.count == 0)
    }
}

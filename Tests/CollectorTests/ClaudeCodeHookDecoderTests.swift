import CollectorTestSupport
import Foundation
import JSON
import Testing
@testable import Collector

@Suite("ClaudeCodeHookDecoder")
struct ClaudeCodeHookDecoderTests {
    let decoder = ClaudeCodeHookDecoder(fieldMaxBytes: 256, jsonLimits: JSONLimits())

    @Test("A hook body missing hook_event_name or session_id is refused with the field named", arguments: [
        (#"{"session_id":"s"}"#, "hook_event_name"),
        (#"{"hook_event_name":"Stop"}"#, "session_id"),
        (#"{"hook_event_name":"","session_id":"s"}"#, "hook_event_name"),
        (#"{"hook_event_name":"Stop","session_id":7}"#, "session_id"),
    ])
    func requiredFields(body: String, field: String) {
        #expect {
            try decoder.decode(Array(body.utf8), hostID: "laptop", receivedAt: 0)
        } throws: { error in
            (error as? ValidationError).map { APIError($0).status == 400 && $0.field == field } ?? false
        }
    }

    @Test("Bodies that are not one JSON object are 400")
    func notAnObject() {
        for body in ["[]", "{", #"{"a":1,"a":2}"#] {
            #expect(throws: ValidationError.self) { try decoder.decode(Array(body.utf8), hostID: "laptop", receivedAt: 0) }
        }
    }

    @Test("duration_ms becomes the latency when it is a number from 0 up, rounded; otherwise it stays an attribute")
    func latency() throws {
        #expect(Latency.rounded(try JSONDocument.parse(Array("37".utf8)).root) == 37)
        #expect(Latency.rounded(try JSONDocument.parse(Array("36.6".utf8)).root) == 37)
        #expect(Latency.rounded(try JSONDocument.parse(Array("1e12".utf8)).root) == Int32.max)
        #expect(Latency.rounded(try JSONDocument.parse(Array("-1".utf8)).root) == nil)
        #expect(Latency.rounded(try JSONDocument.parse(Array(#""37""#.utf8)).root) == nil)
    }

    @Test("One event per call: the hook name, session, tool, receive time and the tool_use_id-based id")
    func oneEvent() throws {
        let batch = try decoder.decode(try ClaudeCodeFixtures.bytes("hooks-PostToolUse.json"), hostID: "laptop", receivedAt: 42)
        #expect(batch.count == 1)
        #expect(batch.eventIDs == ["toolu_c362f34e6b9d448c835199aa:PostToolUse"])
    }
}

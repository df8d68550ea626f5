import CollectorTestSupport
import Foundation
import Postgres
import TestSupport
import Testing
@testable import Collector

@Suite("POST /api/v1/hooks/claude-code")
struct ClaudeCodeHookEndpointTests {
    let collector: CollectorHarness

    init() throws {
        collector = try CollectorHarness { $0.hookFieldMaxBytes = 1024 }
    }

    func post(_ body: String, key: String? = nil) throws -> ParsedResponse {
        try collector.request("POST", "/api/v1/hooks/claude-code", body: body, key: key)
    }

    func postFixture(_ event: String) throws -> ParsedResponse {
        // The headers Claude Code sends (fixtures/headers.json), with the test's key.
        try collector.request(
            "POST", "/api/v1/hooks/claude-code", bytes: try ClaudeCodeFixtures.bytes("hooks-\(event).json"), key: collector.key,
            headers: [("Accept", "application/json, text/plain, */*"), ("Content-Type", "application/json"),
                      ("User-Agent", "axios/1.15.2"), ("Accept-Encoding", "gzip, compress, deflate, br")])
    }

    @Test("Every real hook body is stored as one event and answered with 200 and an empty body", arguments: ClaudeCodeFixtures.hookEvents)
    func realBodies(event: String) throws {
        let response = try postFixture(event)
        #expect(response.status == 200)
        #expect(response.body.isEmpty)
        #expect(response.header("Content-Length") == "0")
        #expect(response.header("Content-Type") == nil)
        let rows = try collector.query("""
            SELECT host_id, session_id, event_type, agent_name, abs(extract(epoch FROM now() - ts)) < 60,
                   attributes->>'cwd', attributes ? 'session_id', attributes ? 'hook_event_name'
            FROM events
            """).rows
        #expect(rows == [["laptop", ClaudeCodeFixtures.sessionID, event, "claude-code", "t", "/home/dev/project", "f", "f"]])
    }

    @Test("PreToolUse and PostToolUse carry the tool; PostToolUse's duration_ms is the latency; both have tool_use_id ids")
    func toolEvents() throws {
        #expect(try postFixture("PreToolUse").status == 200)
        #expect(try postFixture("PostToolUse").status == 200)
        let rows = try collector.query("""
            SELECT event_type, tool_name, latency_ms, event_id, attributes->'tool_input'->>'command',
                   attributes->'tool_response'->>'stdout', attributes->>'tool_use_id', attributes ? 'duration_ms'
            FROM events ORDER BY event_type DESC
            """).rows
        #expect(rows == [
            ["PreToolUse", "Bash", nil, "toolu_c362f34e6b9d448c835199aa:PreToolUse", "echo hello", nil,
             "toolu_c362f34e6b9d448c835199aa", "f"],
            ["PostToolUse", "Bash", "37", "toolu_c362f34e6b9d448c835199aa:PostToolUse", "echo hello", "hello",
             "toolu_c362f34e6b9d448c835199aa", "f"],
        ])
    }

    @Test("The rest of each body is kept: the prompt, the stop reason, the last message, the SessionEnd reason")
    func restInAttributes() throws {
        for event in ClaudeCodeFixtures.hookEvents { #expect(try postFixture(event).status == 200) }
        let rows = try collector.query("""
            SELECT event_type, coalesce(attributes->>'prompt', attributes->>'last_assistant_message', attributes->>'reason', ''),
                   attributes->>'transcript_path' LIKE '%.jsonl'
            FROM events WHERE event_type IN ('UserPromptSubmit', 'Stop', 'SessionEnd') ORDER BY event_type
            """).rows
        #expect(rows == [["SessionEnd", "other", "t"], ["Stop", "Done: the command printed hello.", "t"],
                         ["UserPromptSubmit", "run echo hello", "t"]])
    }

    @Test("A hook call sent twice keeps one eventId from its tool_use_id, but its time of receipt makes it two events")
    func sentTwiceIsTwoEventsOfOneID() throws {
        // An event is the same event by host, eventId and timestamp (the partitioned table's key, migration 013); a
        // hook call carries no time of its own, so two deliveries are two events a reader can tell apart by eventId.
        // A spool replay keeps the time of receipt and is skipped (TelemetryPartitionsTests).
        #expect(try postFixture("PreToolUse").status == 200)
        #expect(try postFixture("PreToolUse").status == 200)
        #expect(try collector.count() == 2)
        #expect(try collector.query("SELECT count(DISTINCT event_id) FROM events").firstValue() == "1")
    }

    @Test("tool_response and tool_input over HOOK_FIELD_MAX_BYTES are cut, and the cut recorded with the original size")
    func largeFieldsAreCut() throws {
        let output = String(repeating: "0123456789", count: 1000)
        let body = """
            {"session_id":"s","hook_event_name":"PostToolUse","tool_name":"Read","tool_use_id":"toolu_1",
             "tool_input":{"file_path":"/home/dev/big.txt"},
             "tool_response":{"type":"text","file":{"filePath":"/home/dev/big.txt","content":"\(output)"}},
             "prompt":"\(String(repeating: "p", count: 5000))"}
            """
        let response = try post(body)
        #expect(response.status == 200)
        let row = try collector.query("""
            SELECT attributes->'tool_response'->'file'->>'filePath', length(attributes->'tool_response'->'file'->>'content'),
                   (attributes->>'tool_response_truncated')::int, attributes ? 'tool_input_truncated',
                   attributes->'tool_input'->>'file_path', length(attributes->>'prompt'), (attributes->>'prompt_truncated')::int,
                   length(attributes::text)
            FROM events
            """).rows[0]
        #expect(row[0] == "/home/dev/big.txt")
        #expect(Int(row[1] ?? "") ?? 0 > 500 && Int(row[1] ?? "") ?? 0 < 1024)
        #expect(row[2] == String(#"{"type":"text","file":{"filePath":"/home/dev/big.txt","content":"\#(output)"}}"#.utf8.count))
        #expect(row[3] == "f")
        #expect(row[4] == "/home/dev/big.txt")
        #expect(Int(row[5] ?? "") ?? 0 <= 1024)
        #expect(row[6] == "5002")
        #expect(Int(row[7] ?? "") ?? 0 < 4096)
    }

    @Test("Errors are JSON with the usual codes: no key 401, unknown key 401, missing field 400, not JSON 400, text 415")
    func errors() throws {
        let noKey = try post(#"{"session_id":"s","hook_event_name":"Stop"}"#, key: "")
        #expect(noKey.status == 401)
        #expect(noKey.json["code"] as? String == "missing_api_key")
        let unknown = try post(#"{"session_id":"s","hook_event_name":"Stop"}"#, key: String(repeating: "b", count: 64))
        #expect(unknown.json["code"] as? String == "invalid_api_key")
        let missing = try post(#"{"session_id":"s"}"#)
        #expect(missing.status == 400)
        #expect(missing.json["field"] as? String == "hook_event_name")
        #expect(try post("{").json["code"] as? String == "invalid_json")
        let text = try collector.request("POST", "/api/v1/hooks/claude-code", body: "hello", headers: [("Content-Type", "text/plain")])
        #expect(text.status == 415)
        #expect(try collector.request("GET", "/api/v1/hooks/claude-code").status == 405)
        #expect(try collector.count() == 0)
    }

    @Test("Answering is fast: a hook call (a PreToolUse delays its tool) takes well under a quarter second")
    func fast() throws {
        #expect(try postFixture("UserPromptSubmit").status == 200)
        let started = Date()
        for _ in 0..<10 { #expect(try postFixture("Stop").status == 200) }
        #expect(Date().timeIntervalSince(started) / 10 < 0.25)
    }
}

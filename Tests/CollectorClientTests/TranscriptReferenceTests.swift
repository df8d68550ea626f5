import CollectorTestSupport
import Foundation
import Testing
@testable import CollectorClient

@Suite("TranscriptReference")
struct TranscriptReferenceTests {
    @Test("The real transcript becomes one JSON array with an entry per line")
    func realTranscript() throws {
        let path = ClaudeCodeFixtures.path("transcript.jsonl")
        let lines = try ClaudeCodeFixtures.text("transcript.jsonl").split(separator: "\n").count
        let body = try TranscriptReference(file: path, sessionID: "s", agentName: "claude-code").uploadBody(maxBytes: 1 << 24)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        #expect(object["sessionId"] as? String == "s")
        #expect(object["agentName"] as? String == "claude-code")
        #expect(object["transcriptPath"] as? String == path)
        #expect((object["transcript"] as? [Any])?.count == lines)
        #expect(object["skippedLines"] == nil)
    }

    @Test("A line being written (not JSON yet) and blank lines are left out; the skipped ones are counted")
    func partialLines() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("t-\(UUID().uuidString).jsonl")
        try Data("{\"a\":1}\n\n  \n{\"b\":[2]}\n{\"c\":".utf8).write(to: file)
        let body = try TranscriptReference(file: file.path, sessionID: "s", agentName: nil).uploadBody(maxBytes: 1 << 20)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        #expect((object["transcript"] as? [Any])?.count == 2)
        #expect(object["skippedLines"] as? Int == 1)
    }

    @Test("The reference survives the spool, and a hook's input names one")
    func lines() throws {
        let reference = TranscriptReference(file: "/home/dev/a \"b\".jsonl", sessionID: "s", agentName: "claude-code")
        #expect(try TranscriptReference(line: reference.line) == reference)
        let hook = try TranscriptReference(hookInput: try ClaudeCodeFixtures.bytes("hooks-SessionEnd.json"), agentName: nil)
        #expect(hook.sessionID == ClaudeCodeFixtures.sessionID)
        #expect(hook.file.hasSuffix("\(ClaudeCodeFixtures.sessionID).jsonl"))
        #expect(throws: ClientError.self) { try TranscriptReference(hookInput: Array("{}".utf8), agentName: nil) }
    }

    @Test("A missing file is an error with its path")
    func missing() {
        #expect(throws: ClientError.self) {
            try TranscriptReference(file: "/nonexistent/t.jsonl", sessionID: "s", agentName: nil).uploadBody(maxBytes: 100)
        }
    }
}

import CollectorTestSupport
import Foundation
import Postgres
import TestSupport
import Testing

@Suite("POST /api/v1/transcript")
struct TranscriptEndpointTests {
    let collector: CollectorHarness

    init() throws {
        collector = try CollectorHarness()
    }

    func post(_ body: String) throws -> ParsedResponse {
        try collector.request("POST", "/api/v1/transcript", body: body)
    }

    @Test("The first upload creates the row; the next replaces the transcript and moves only updated_at")
    func upsert() throws {
        let first = try post(#"{"sessionId":"abc","transcript":[{"role":"user","text":"hi"}],"agentName":"claude-code","cwd":"/x"}"#)
        #expect(first.status == 200)
        #expect(first.json["created"] as? Bool == true)
        #expect(first.json["sessionId"] as? String == "abc")
        let before = try collector.query("SELECT created_at::text, updated_at::text FROM transcripts").rows[0]
        Thread.sleep(forTimeInterval: 0.02)
        let transcript = #"[{"role":"user","text":"hi"},{"role":"assistant","text":"hello"}]"#
        let second = try post(#"{"sessionId":"abc","transcript":\#(transcript)}"#)
        #expect(second.json["created"] as? Bool == false)
        let row = try collector.query("""
            SELECT created_at::text, updated_at::text, jsonb_array_length(transcript), metadata::text, size_bytes, host_id
            FROM transcripts
            """).rows
        #expect(row.count == 1)
        #expect(row[0][0] == before[0])
        #expect(row[0][1] != before[1])
        #expect(row[0][2] == "2")
        #expect(row[0][3] == "{}")
        #expect(row[0][4] == String(transcript.utf8.count))
        #expect(row[0][5] == "laptop")
    }

    @Test("Fields other than sessionId, transcript, hostId and agentName go to metadata")
    func metadata() throws {
        _ = try post(#"{"sessionId":"m","transcript":"text","cwd":"/home/dev","model":"opus"}"#)
        #expect(try collector.query("SELECT metadata::text FROM transcripts").firstValue() == #"{"cwd": "/home/dev", "model": "opus"}"#)
    }

    @Test("A transcript larger than the batch limit is accepted up to MAX_TRANSCRIPT_BYTES, and refused above it")
    func ownBodyLimit() throws {
        let line = String(repeating: "a", count: 1_500_000)
        #expect(try post(#"{"sessionId":"big","transcript":["\#(line)"]}"#).status == 200)
        let tooBig = String(repeating: "a", count: 17 << 20)
        #expect(try post(#"{"sessionId":"huge","transcript":["\#(tooBig)"]}"#).status == 413)
        #expect(try collector.count("transcripts") == 1)
    }

    @Test("sessionId and transcript are required; a foreign hostId is 403")
    func validation() throws {
        #expect(try post(#"{"transcript":[]}"#).json["field"] as? String == "sessionId")
        #expect(try post(#"{"sessionId":"s"}"#).json["field"] as? String == "transcript")
        #expect(try post(#"{"sessionId":"s","transcript":[],"hostId":"other"}"#).status == 403)
        #expect(try post(#"[1]"#).status == 400)
        #expect(try collector.count("transcripts") == 0)
    }
}

@Suite("Routing")
struct RoutingTests {
    @Test("An unknown path is 404, a wrong method is 405 with Allow")
    func notFoundAndMethodNotAllowed() throws {
        let collector = try CollectorHarness()
        let missing = try collector.request("GET", "/api/v1/nothing")
        #expect(missing.status == 404)
        #expect(missing.json["code"] as? String == "not_found")
        let wrong = try collector.request("GET", "/api/v1/telemetry/batch")
        #expect(wrong.status == 405)
        #expect(wrong.header("Allow") == "POST")
        let health = try collector.request("POST", "/api/v1/health", body: "{}")
        #expect(health.status == 405)
        #expect(health.header("Allow") == "GET, HEAD")
    }
}

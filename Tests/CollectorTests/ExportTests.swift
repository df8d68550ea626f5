import CollectorTestSupport
import Foundation
import Postgres
import TestSupport
import Testing
@testable import Collector

@Suite("Export: GET /api/v1/export")
struct ExportTests {
    /// `count` events of host `host`, one a second, the newest a minute ago, ids e00000...
    func generate(_ fixture: ReadFixture, count: Int, host: String = "laptop", prefix: String = "e") throws {
        _ = try fixture.collector.query("""
            INSERT INTO events (host_id, session_id, event_type, ts, event_id, attributes)
            SELECT $1, 's' || (n % 7), 'agent_execution', now() - interval '1 minute' - make_interval(secs => $2::int - n),
                   $3 || lpad(n::text, 5, '0'), jsonb_build_object('n', n)
            FROM generate_series(0, $2::int - 1) AS n
            """, [.text(host), .int(count), .text(prefix)])
    }

    func export(_ fixture: ReadFixture, _ query: String) throws -> (head: String, body: [UInt8], complete: Bool) {
        let client = try RawHTTPClient(port: fixture.collector.port)
        try client.send("GET /api/v1/export?\(query) HTTP/1.1\r\nHost: t\r\nX-API-Key: \(fixture.readKey)\r\n\r\n")
        return client.readChunked()
    }

    @Test("NDJSON: every event of the range in order, over several batches, chunked; host filters")
    func ndjson() throws {
        let fixture = try ReadFixture()
        try generate(fixture, count: 2500)
        try generate(fixture, count: 10, host: "desktop", prefix: "d")
        let (head, body, complete) = try export(fixture, "format=ndjson")
        #expect(head.hasPrefix("HTTP/1.1 200"))
        #expect(head.contains("Transfer-Encoding: chunked"))
        #expect(head.contains("Content-Type: application/x-ndjson"))
        #expect(complete)
        let lines = String(decoding: body, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 2510)
        let laptop = lines.compactMap { line -> String? in
            let event = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return event?["hostId"] as? String == "laptop" ? event?["eventId"] as? String : nil
        }
        #expect(laptop == (0..<2500).map { String(format: "e%05d", $0) })
        let desktop = try export(fixture, "host=desktop")
        #expect(String(decoding: desktop.body, as: UTF8.self).split(separator: "\n").count == 10)
    }

    @Test("CSV: a header, then one line per event, fields with commas, quotes or line breaks quoted (RFC 4180)")
    func csv() throws {
        let fixture = try ReadFixture()
        try fixture.insert(minutesAgo: 5, id: "plain", decision: "APPROVED")
        _ = try fixture.collector.query("""
            INSERT INTO events (host_id, session_id, event_type, ts, event_id, decision_reason)
            VALUES ('laptop', 's1', 'x', now() - interval '1 minute', 'tricky', E'a,"b"\\nc')
            """)
        let (head, body, complete) = try export(fixture, "format=csv")
        #expect(head.contains("Content-Type: text/csv"))
        #expect(complete)
        let text = String(decoding: body, as: UTF8.self)
        #expect(text.hasPrefix("host_id,session_id,event_type,timestamp,agent_name,decision,decision_reason,tool_name,"
                               + "latency_ms,model_tier,event_id,attributes,received_at\r\n"))
        #expect(text.contains(",APPROVED,,,,,plain,{},"))
        #expect(text.contains(",\"a,\"\"b\"\"\nc\",,,,tricky,{},"))
        #expect(text.components(separatedBy: "\r\n").count == 4)
    }

    @Test("An unknown format or a bad range is a 400 naming the parameter; a host's key is 403", arguments: [
        ("format=xml", "format"), ("from=2024-01-01T00:00:00Z&to=2024-06-01T00:00:00Z", "from"), ("limit=5", "limit"),
    ])
    func refusals(query: String, parameter: String) throws {
        let fixture = try ReadFixture()
        let answer = try fixture.get("/api/v1/export?\(query)")
        #expect(answer.status == 400)
        #expect(answer.json["field"] as? String == parameter)
        #expect(try fixture.get("/api/v1/export", key: fixture.collector.key).status == 403)
    }

    @Test("A client that leaves in the middle gives the export's connection back: with one read connection, the next read works")
    func abandonedExportReleasesItsConnection() throws {
        let fixture = try ReadFixture { settings in
            settings.readPoolSize = 1
            settings.database.acquireTimeout = .seconds(1)
        }
        try generate(fixture, count: 20_000)
        let client = try RawHTTPClient(port: fixture.collector.port)
        try client.send("GET /api/v1/export HTTP/1.1\r\nHost: t\r\nX-API-Key: \(fixture.readKey)\r\n\r\n")
        var first = [UInt8](repeating: 0, count: 1000)
        #expect(recv(client.fd, &first, first.count, 0) > 0)
        // While the export holds the only read connection, another read waits for it in vain.
        #expect(try fixture.get("/api/v1/stats/summary").status == 503)
        client.closeNow()
        let deadline = Date().addingTimeInterval(5)
        var status = 0
        repeat {
            status = try fixture.get("/api/v1/stats/summary").status
        } while status != 200 && Date() < deadline
        #expect(status == 200)
        let open = try fixture.collector.query(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'collector-read' AND state = 'idle in transaction'")
        #expect(open.firstValue() == "0")
    }
}

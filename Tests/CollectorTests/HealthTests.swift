import Collector
import CollectorTestSupport
import Foundation
import Postgres
import TestSupport
import Testing

@Suite("Health and PostgreSQL outages", .serialized)
struct HealthTests {
    @Test("Health is 200 when the database answers")
    func healthy() throws {
        let collector = try CollectorHarness()
        let response = try collector.request("GET", "/api/v1/health", key: "")
        #expect(response.status == 200)
        #expect(response.json["status"] as? String == "ok")
    }

    @Test("Without a spool, while PostgreSQL is stopped, health and batches fail fast with 503; after it returns they work without a restart")
    func outageAndRecoveryWithoutSpool() throws {
        let cluster = try PostgresCluster()
        defer { try? cluster.stop() }
        let collector = try CollectorHarness(cluster: cluster) { $0.spoolMaxBytes = 0 }
        #expect(try collector.postBatch([event()]).status == 200)

        try cluster.stop()
        let started = Date()
        let health = try collector.request("GET", "/api/v1/health", key: "")
        #expect(health.status == 503)
        #expect(health.json["status"] as? String == "unavailable")
        let batch = try collector.postBatch([event()])
        #expect(batch.status == 503)
        #expect(batch.header("Retry-After") != nil)
        #expect(Date().timeIntervalSince(started) < 5)

        try cluster.start()
        var recovered = false
        for _ in 0..<50 where !recovered {
            recovered = try collector.request("GET", "/api/v1/health", key: "").status == 200
            if !recovered { Thread.sleep(forTimeInterval: 0.2) }
        }
        #expect(recovered)
        #expect(try collector.postBatch([event()]).status == 200)
        #expect(try collector.count() == 2)
    }

    @Test("With PostgreSQL down, the public health answer says only database: down; the metrics port's /health says why")
    func healthKeepsTheInsideInside() throws {
        let cluster = try PostgresCluster()
        defer { try? cluster.stop() }
        let metricsPort = try freePort()
        let collector = try CollectorHarness(cluster: cluster) { $0.metricsPort = metricsPort }
        try cluster.stop()
        let health = try collector.request("GET", "/api/v1/health", key: "")
        #expect(health.json["database"] as? String == "down")
        #expect(health.json["error"] == nil)
        #expect(!health.text.contains("127.0.0.1") && !health.text.contains(String(cluster.port)))
        #expect(Set(health.json.keys) == ["status", "database", "spool"])

        let client = try RawHTTPClient(port: metricsPort)
        try client.send("GET /health HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        let detail = try #require(try client.readResponse())
        #expect(detail.json["database"] as? String == "down")
        #expect((detail.json["error"] as? String)?.isEmpty == false)
    }

    @Test("With the spool, while PostgreSQL is stopped, batches and transcripts get 202 and health says degraded; after it returns the spool drains")
    func outageWithSpool() throws {
        let cluster = try PostgresCluster()
        defer { try? cluster.stop() }
        let collector = try CollectorHarness(cluster: cluster)
        #expect(try collector.postBatch([event(#""eventId":"before""#)]).status == 200)

        try cluster.stop()
        let batch = try collector.postBatch([event(#""eventId":"during-1""#), event(#""eventId":"during-2""#)])
        #expect(batch.status == 202)
        #expect(batch.json["spooled"] as? Int == 2)
        let transcript = try collector.request("POST", "/api/v1/transcript", body: #"{"sessionId":"s1","transcript":["kept"]}"#)
        #expect(transcript.status == 202)
        let health = try collector.request("GET", "/api/v1/health", key: "")
        #expect(health.status == 200)
        #expect(health.json["status"] as? String == "degraded")
        #expect((health.json["spool"] as? [String: Any])?["records"] as? Int == 2)

        try cluster.start()
        var drained = false
        for _ in 0..<100 where !drained {
            let health = try collector.request("GET", "/api/v1/health", key: "")
            drained = health.json["status"] as? String == "ok"
            if !drained { Thread.sleep(forTimeInterval: 0.1) }
        }
        #expect(drained)
        #expect(try collector.query("SELECT string_agg(event_id, ',' ORDER BY event_id) FROM events").firstValue()
                == "before,during-1,during-2")
        #expect(try collector.query("SELECT transcript::text FROM transcripts").firstValue() == #"["kept"]"#)
    }

    @Test("A transcript replayed late from the spool never replaces a newer upload")
    func olderTranscriptDoesNotWin() throws {
        let cluster = try PostgresCluster()
        defer { try? cluster.stop() }
        let collector = try CollectorHarness(cluster: cluster) { $0.spoolRetryInterval = .seconds(60) }
        #expect(try collector.postBatch([event()]).status == 200)
        try cluster.stop()
        #expect(try collector.request("POST", "/api/v1/transcript", body: #"{"sessionId":"s","transcript":"old"}"#).status == 202)
        try cluster.start()
        var stored = false
        for _ in 0..<100 where !stored {
            stored = try collector.request("POST", "/api/v1/transcript", body: #"{"sessionId":"s","transcript":"new"}"#).status == 200
            if !stored { Thread.sleep(forTimeInterval: 0.1) }
        }
        #expect(stored)
        #expect(collector.replaySpoolNow())
        #expect(try collector.query("SELECT transcript::text FROM transcripts").firstValue() == #""new""#)
    }
}

import Foundation
import Postgres
import Testing
import TestSupport

@Suite("Health and PostgreSQL outages", .serialized)
struct HealthTests {
    @Test("Health is 200 when the database answers")
    func healthy() throws {
        let collector = try CollectorHarness()
        let response = try collector.request("GET", "/api/v1/health", key: "")
        #expect(response.status == 200)
        #expect(response.json["status"] as? String == "ok")
    }

    @Test("While PostgreSQL is stopped, health and batches fail fast with 503; after it returns they work without a restart")
    func outageAndRecovery() throws {
        let cluster = try PostgresCluster()
        defer { try? cluster.stop() }
        let collector = try CollectorHarness(cluster: cluster)
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
}

import CollectorTestSupport
import Foundation
import Postgres
import TestSupport
import Testing
import Threads
@testable import Collector

/// Tries `body` until it holds; false after 20 s, the bound against hanging.
private func eventually(_ body: () -> Bool) -> Bool {
    let deadline = MonotonicClock.now + 20_000_000_000
    while !body() {
        if MonotonicClock.now > deadline { return false }
        usleep(50_000)
    }
    return true
}

@Suite("Rollups")
struct RollupFolderTests {
    /// (host, bucket) pairs whose rollup_events of this width disagree with the raw events: counted, errors,
    /// decisions and latencies; 0 when the rollups hold exactly what events holds.
    static func mismatches(_ collector: CollectorHarness, width: String) throws -> Int {
        let truncate = width == "hour" ? "rollup_hour(ts)" : "rollup_day(ts)"
        return Int(try collector.query("""
            SELECT count(*) FROM (
                SELECT host_id, \(truncate) AS bucket, count(*) AS events,
                       count(*) FILTER (WHERE event_type ~* '(error|fail)') AS errors, count(decision) AS decided,
                       count(latency_ms) AS latency_count, max(latency_ms) AS latency_max
                FROM events GROUP BY 1, 2
            ) AS raw FULL JOIN (
                SELECT host_id, bucket, sum(events) AS events, sum(errors) AS errors, sum(decided) AS decided,
                       sum(latency_count) AS latency_count, max(latency_max) AS latency_max
                FROM rollup_events WHERE width = '\(width)' GROUP BY 1, 2
            ) AS rolled USING (host_id, bucket)
            WHERE (raw.events, raw.errors, raw.decided, raw.latency_count, raw.latency_max)
                  IS DISTINCT FROM (rolled.events, rolled.errors, rolled.decided, rolled.latency_count, rolled.latency_max)
            """).firstValue() ?? "") ?? -1
    }

    /// A collector whose partition keeper has made the partitions of the days around now: rows inserted before
    /// that wait in the default partition and are moved when their partition is made, which a fold running at that
    /// moment would not see (the move itself marks nothing).
    static func collectorWithPartitions(_ configure: @escaping (inout Settings) -> Void) throws -> CollectorHarness {
        let collector = try CollectorHarness(configure: configure)
        #expect(eventually { (try? collector.service.partitionKeeper.createMissing()) == 0 })
        return collector
    }

    static func rolledEvents(_ collector: CollectorHarness) throws -> Int {
        Int(try collector.query("SELECT coalesce(sum(events), 0) FROM rollup_events WHERE width = 'hour'").firstValue() ?? "") ?? -1
    }

    @Test("Rows inserted with plain SQL, late events and replayed batches are folded by the job on its own, once each")
    func jobFoldsEverythingOnce() throws {
        let collector = try Self.collectorWithPartitions { $0.rollupInterval = .seconds(1) }
        _ = try collector.query("""
            INSERT INTO events (host_id, session_id, event_type, ts, decision, latency_ms)
            SELECT 'seeded', 's' || (i % 3), CASE WHEN i % 5 = 0 THEN 'tool_error' ELSE 'PreToolUse' END,
                   now() - i * interval '7 minutes', CASE WHEN i % 2 = 0 THEN 'DENIED' END, 10 + i
            FROM generate_series(1, 500) AS i
            """)
        let batch = """
            {"events": [{"sessionId": "late", "eventType": "PostToolUse", "timestamp": "2026-01-15T10:30:00Z", "eventId": "late-1", "latencyMs": 120},
                        {"sessionId": "recent", "eventType": "Stop", "timestamp": "2026-11-30T23:59:59Z", "eventId": "recent-1"}]}
            """
        #expect(try collector.request("POST", "/api/v1/telemetry/batch", body: batch).status == 200)
        #expect(try collector.request("POST", "/api/v1/telemetry/batch", body: batch).status == 200)
        #expect(try collector.count() == 502)
        #expect(eventually { (try? Self.rolledEvents(collector)) == 502 })
        #expect(try Self.mismatches(collector, width: "hour") == 0)
        #expect(try Self.mismatches(collector, width: "day") == 0)
        #expect(try collector.query("SELECT count(*) FROM rollup_dirty").firstValue() == "0")
        #expect(try collector.query("""
            SELECT events FROM rollup_events WHERE width = 'hour' AND host_id = 'laptop' AND bucket = '2026-01-15T10:00:00Z'
            """).firstValue() == "1")
    }

    @Test("Folding again, or refreshing a range, changes nothing")
    func foldingIsIdempotent() throws {
        let collector = try Self.collectorWithPartitions { $0.rollupInterval = .seconds(60_000) }
        _ = try collector.query("""
            INSERT INTO events (host_id, session_id, event_type, ts, latency_ms)
            SELECT 'h' || (i % 4), 's' || (i % 9), 'agent_execution', now() - i * interval '13 minutes', i
            FROM generate_series(1, 400) AS i
            """)
        let connection = try CollectorHarness.connect(collector.cluster.url(database: collector.database))
        #expect(try collector.service.rollups.foldAll(on: connection) > 0)
        let before = try collector.query("SELECT md5(string_agg(r::text, ',' ORDER BY r::text)) FROM rollup_events r").firstValue()
        _ = try collector.query("INSERT INTO rollup_dirty SELECT host_id, bucket FROM rollup_events WHERE width = 'hour'")
        #expect(try collector.service.rollups.foldAll(on: connection) > 0)
        _ = try RollupRefresh(connection: connection).run(from: nil, to: nil) { _ in }
        #expect(try collector.query("SELECT md5(string_agg(r::text, ',' ORDER BY r::text)) FROM rollup_events r").firstValue() == before)
        #expect(try Self.mismatches(collector, width: "hour") == 0)
    }

    @Test("A refresh rebuilds a range loaded with the trigger off, and forgets rows deleted by hand")
    func refreshRebuildsARange() throws {
        let collector = try Self.collectorWithPartitions { $0.rollupInterval = .seconds(60_000) }
        _ = try collector.query("ALTER TABLE events DISABLE TRIGGER events_rollup_dirty")
        _ = try collector.query("""
            INSERT INTO events (host_id, session_id, event_type, ts)
            SELECT 'restored', 's', 'agent_execution', timestamptz '2026-03-01T00:00:00Z' + i * interval '1 minute'
            FROM generate_series(0, 2999) AS i
            """)
        _ = try collector.query("ALTER TABLE events ENABLE TRIGGER events_rollup_dirty")
        #expect(try Self.rolledEvents(collector) == 0)
        let connection = try CollectorHarness.connect(collector.cluster.url(database: collector.database))
        let days = try RollupRefresh(connection: connection).run(from: "2026-03-01", to: "2026-03-04") { _ in }
        #expect(days.count == 3)
        #expect(days.map(\.hostHours) == [24, 24, 2])
        #expect(try Self.rolledEvents(collector) == 3000)
        #expect(try Self.mismatches(collector, width: "day") == 0)
        _ = try collector.query("DELETE FROM events WHERE ts >= '2026-03-02'")
        _ = try RollupRefresh(connection: connection).run(from: "2026-03-02", to: "2026-03-04") { _ in }
        #expect(try Self.rolledEvents(collector) == 1440)
        #expect(try Self.mismatches(collector, width: "hour") == 0)
        #expect(try Self.mismatches(collector, width: "day") == 0)
    }
}

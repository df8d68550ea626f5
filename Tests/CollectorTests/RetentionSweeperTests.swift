import CollectorTestSupport
import Foundation
import Logging
import TestSupport
import Postgres
import Testing
@testable import Collector

@Suite("Retention")
struct RetentionSweeperTests {
    /// A sweeper of the collector's database driven by hand: the collector's own one (off here) would sweep in the
    /// background at its start, racing the test's rows.
    static func sweeper(_ collector: CollectorHarness, telemetryDays: Int, transcriptDays: Int = 0, lockTimeout: Duration = .milliseconds(200),
                        lockRetries: Int = 10) -> RetentionSweeper {
        RetentionSweeper(pool: collector.service.pool, telemetryDays: telemetryDays, transcriptDays: transcriptDays,
                         interval: .seconds(60_000), batchRows: 1000, lockTimeout: lockTimeout, lockRetries: lockRetries,
                         logger: Logger(label: "test"))
    }

    @Test("Telemetry older than RETENTION_DAYS and transcripts idle longer than TRANSCRIPT_RETENTION_DAYS go; the rest stays")
    func sweepsOldRows() throws {
        let collector = try CollectorHarness()
        // Partitions for the last 40 days, as a collector that ran that long has them.
        for table in ["events", "otlp_metrics", "spans"] {
            _ = try collector.query("SELECT telemetry_partitions_create($1, now() - interval '40 days', now())", [.text(table)])
        }
        _ = try collector.query("""
            INSERT INTO events (host_id, session_id, event_type, ts)
            SELECT 'laptop', 's', 'old', now() - interval '30 days' - i * interval '1 minute' FROM generate_series(1, 12000) i
            """)
        _ = try collector.query("""
            INSERT INTO events (host_id, session_id, event_type, ts)
            SELECT 'laptop', 's', 'recent', now() - interval '29 days' FROM generate_series(1, 10)
            """)
        // Far off: in the default partition, deleted from in batches.
        _ = try collector.query("""
            INSERT INTO events (host_id, session_id, event_type, ts) VALUES ('laptop', 's', 'old', '2001-01-01Z')
            """)
        _ = try collector.query("""
            INSERT INTO otlp_metrics (host_id, name, kind, ts, point_id)
            VALUES ('laptop', 'm', 'sum', now() - interval '35 days', 'old'), ('laptop', 'm', 'sum', now(), 'recent')
            """)
        _ = try collector.query("""
            INSERT INTO spans (host_id, trace_id, span_id, name, start_ts, source)
            VALUES ('laptop', 't', 'old', 'n', now() - interval '35 days', 'otlp'), ('laptop', 't', 'recent', 'n', now(), 'otlp')
            """)
        _ = try collector.query("""
            INSERT INTO transcripts (host_id, session_id, transcript, size_bytes, updated_at)
            VALUES ('laptop', 'stale', '[]', 2, now() - interval '8 days'), ('laptop', 'fresh', '[]', 2, now())
            """)
        let oldest = try collector.query("SELECT min(lower_bound) FROM telemetry_partition_bounds('events')").firstValue()
        let swept = try Self.sweeper(collector, telemetryDays: 30, transcriptDays: 7).sweep()
        // 12000 minutes back from 30 days reach 38 days: eight days' partitions of events, some of metrics and spans.
        #expect(swept.partitionsDropped >= 8)
        #expect(swept.rowsDeleted > 0 && swept.rowsDeleted < 12000)
        #expect(swept.transcripts == 1)
        #expect(try collector.query("SELECT string_agg(DISTINCT event_type, ',') FROM events").firstValue() == "recent")
        #expect(try collector.query("SELECT string_agg(point_id, ',') FROM otlp_metrics").firstValue() == "recent")
        #expect(try collector.query("SELECT string_agg(span_id, ',') FROM spans").firstValue() == "recent")
        #expect(try collector.query("SELECT string_agg(session_id, ',') FROM transcripts").firstValue() == "fresh")
        #expect(try collector.query("SELECT min(lower_bound) FROM telemetry_partition_bounds('events')").firstValue() != oldest)
        let expired = try collector.query("""
            SELECT count(*) FROM telemetry_partition_bounds('events') WHERE upper_bound <= now() - interval '30 days'
            """).firstValue()
        #expect(expired == "0")
    }

    @Test("A partition whose table is locked is skipped after PARTITION_LOCK_TIMEOUT_MS and dropped at the next sweep")
    func dropGivesWayToLocks() throws {
        let collector = try CollectorHarness()
        let retention = Self.sweeper(collector, telemetryDays: 30, lockTimeout: .milliseconds(50), lockRetries: 1)
        _ = try collector.query("SELECT telemetry_partitions_create('events', now() - interval '40 days', now())")
        let holder = try CollectorHarness.connect(collector.cluster.url(database: collector.database))
        try holder.execute("BEGIN")
        try holder.execute("SELECT count(*) FROM events")
        let started = Date()
        let blocked = try retention.sweep()
        #expect(Date().timeIntervalSince(started) < 5)
        try holder.execute("ROLLBACK")
        #expect(blocked.partitionsDropped == 0)
        #expect(try retention.sweep().partitionsDropped >= 9)
    }

    @Test("0 days keeps everything")
    func offKeepsEverything() throws {
        let collector = try CollectorHarness()
        _ = try collector.query("INSERT INTO events (host_id, session_id, event_type, ts) VALUES ('laptop', 's', 'ancient', '2001-01-01Z')")
        #expect(collector.service.retention.isEnabled == false)
        #expect(try collector.service.retention.sweep() == .init())
        #expect(try collector.count() == 1)
    }
}

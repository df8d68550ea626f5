import CollectorTestSupport
import Foundation
import Postgres
import Testing
@testable import Collector

@Suite("Retention")
struct RetentionSweeperTests {
    @Test("Events older than RETENTION_DAYS and transcripts idle longer than TRANSCRIPT_RETENTION_DAYS go; the rest stays")
    func sweepsOldRows() throws {
        let collector = try CollectorHarness {
            $0.retentionDays = 30
            $0.transcriptRetentionDays = 7
            $0.retentionInterval = .seconds(60_000)
        }
        _ = try collector.query("""
            INSERT INTO events (host_id, session_id, event_type, ts)
            SELECT 'laptop', 's', 'old', now() - interval '31 days' - i * interval '1 second' FROM generate_series(1, 12000) i
            """)
        _ = try collector.query("""
            INSERT INTO events (host_id, session_id, event_type, ts)
            SELECT 'laptop', 's', 'recent', now() - interval '29 days' FROM generate_series(1, 10)
            """)
        _ = try collector.query("""
            INSERT INTO transcripts (host_id, session_id, transcript, size_bytes, updated_at)
            VALUES ('laptop', 'stale', '[]', 2, now() - interval '8 days'), ('laptop', 'fresh', '[]', 2, now())
            """)
        let deleted = try collector.service.retention.sweep()
        #expect(deleted.events == 12000)
        #expect(deleted.transcripts == 1)
        #expect(try collector.query("SELECT string_agg(DISTINCT event_type, ',') FROM events").firstValue() == "recent")
        #expect(try collector.query("SELECT string_agg(session_id, ',') FROM transcripts").firstValue() == "fresh")
    }

    @Test("0 days keeps everything")
    func offKeepsEverything() throws {
        let collector = try CollectorHarness()
        _ = try collector.query("INSERT INTO events (host_id, session_id, event_type, ts) VALUES ('laptop', 's', 'ancient', '2001-01-01Z')")
        #expect(collector.service.retention.isEnabled == false)
        #expect(try collector.service.retention.sweep() == (0, 0))
        #expect(try collector.count() == 1)
    }
}

import CollectorTestSupport
import Foundation
import Logging
import Postgres
import TestSupport
import Testing
@testable import Collector

@Suite("Time partitions")
struct TelemetryPartitionsTests {
    /// The partition that holds the event with this id.
    static func partition(of eventID: String, in collector: CollectorHarness) throws -> String? {
        try collector.query("SELECT tableoid::regclass::text FROM events WHERE event_id = $1", [.text(eventID)]).firstValue()
    }

    static func timestamp(daysFromNow days: Int) -> String {
        let date = Date(timeIntervalSinceNow: Double(days) * 86_400)
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    @Test("An event dated today, one years ahead and one years back each land once, and a replay of each is a duplicate")
    func replayIsSkippedInEveryPartition() throws {
        let collector = try CollectorHarness()
        let batch = [
            #"{"sessionId":"s","eventType":"e","eventId":"today","timestamp":"\#(Self.timestamp(daysFromNow: 0))"}"#,
            #"{"sessionId":"s","eventType":"e","eventId":"ahead","timestamp":"2031-06-01T00:00:00Z"}"#,
            #"{"sessionId":"s","eventType":"e","eventId":"back","timestamp":"2001-06-01T00:00:00Z"}"#,
        ]
        let first = try collector.postBatch(batch)
        #expect(first.status == 200)
        #expect(first.json["inserted"] as? Int == 3)
        let again = try collector.postBatch(batch)
        #expect(again.json["inserted"] as? Int == 0)
        #expect(again.json["duplicates"] as? Int == 3)
        #expect(try collector.count() == 3)
        #expect(try Self.partition(of: "today", in: collector)?.hasPrefix("events_p") == true)
        #expect(try Self.partition(of: "ahead", in: collector) == "events_default")
        #expect(try Self.partition(of: "back", in: collector) == "events_default")
    }

    @Test("In a group with repeats, each batch is told its own new events by id and timestamp")
    func duplicatesAreAttributedByIDAndTimestamp() throws {
        let collector = try CollectorHarness()
        let now = Self.timestamp(daysFromNow: 0)
        #expect(try collector.postBatch([#"{"sessionId":"s","eventType":"e","eventId":"a","timestamp":"\#(now)"}"#]).status == 200)
        let mixed = try collector.postBatch([
            #"{"sessionId":"s","eventType":"e","eventId":"a","timestamp":"\#(now)"}"#,
            #"{"sessionId":"s","eventType":"e","eventId":"b","timestamp":"\#(now)"}"#,
        ])
        #expect(mixed.json["inserted"] as? Int == 1)
        #expect(mixed.json["duplicates"] as? Int == 1)
        #expect(try collector.query("SELECT string_agg(event_id, ',' ORDER BY event_id) FROM events").firstValue() == "a,b")
    }

    @Test("A batch committed, then sent again while PostgreSQL is away and replayed from the spool, is stored once")
    func spoolReplayIsSkipped() throws {
        let cluster = try PostgresCluster()
        defer { try? cluster.stop() }
        let collector = try CollectorHarness(cluster: cluster) { $0.spoolRetryInterval = .seconds(60) }
        let now = Self.timestamp(daysFromNow: 0)
        let batch = [#"{"sessionId":"s","eventType":"e","eventId":"kept","timestamp":"\#(now)"}"#,
                     #"{"sessionId":"s","eventType":"e","eventId":"far","timestamp":"2031-06-01T00:00:00Z"}"#]
        #expect(try collector.postBatch(batch).status == 200)
        try cluster.stop()
        #expect(try collector.postBatch(batch + [#"{"sessionId":"s","eventType":"e","eventId":"new","timestamp":"\#(now)"}"#]).status == 202)
        try cluster.start()
        var replayed = false
        for _ in 0..<100 where !replayed {
            replayed = collector.replaySpoolNow()
            if !replayed { Thread.sleep(forTimeInterval: 0.1) }
        }
        #expect(replayed)
        #expect(try collector.query("SELECT string_agg(event_id, ',' ORDER BY event_id) FROM events").firstValue() == "far,kept,new")
    }

    @Test("The collector creates the partitions of every table up to PARTITION_DAYS_AHEAD, and an event then dated there has its own")
    func partitionsAhead() throws {
        let collector = try CollectorHarness { $0.partitionDaysAhead = 12 }
        _ = try collector.service.partitionKeeper.createMissing()
        let horizon = Self.timestamp(daysFromNow: 12)
        for table in PartitionedTable.allCases {
            let covered = try collector.query("""
                SELECT count(*) FROM telemetry_partition_bounds($1) WHERE NOT is_default AND lower_bound <= $2::timestamptz
                    AND upper_bound > $2::timestamptz
                """, [.text(table.rawValue), .text(horizon)]).firstValue()
            #expect(covered == "1", "\(table.rawValue) has no partition for \(horizon)")
        }
        #expect(try collector.postBatch([#"{"sessionId":"s","eventType":"e","eventId":"later","timestamp":"\#(horizon)"}"#]).status == 200)
        #expect(try Self.partition(of: "later", in: collector)?.hasPrefix("events_p") == true)
    }

    @Test("Rows that waited in the default partition move into the partition made for their date")
    func defaultRowsMoveIn() throws {
        let collector = try CollectorHarness { $0.partitionDaysAhead = 1 }
        let later = Self.timestamp(daysFromNow: 20)
        #expect(try collector.postBatch([#"{"sessionId":"s","eventType":"e","eventId":"early","timestamp":"\#(later)"}"#]).status == 200)
        #expect(try Self.partition(of: "early", in: collector) == "events_default")
        let keeper = PartitionKeeper(pool: collector.service.pool, daysAhead: 21, daysBehind: 0, retentionDays: 0,
                                     interval: .seconds(3600), lockTimeout: .milliseconds(200), lockRetries: 0,
                                     logger: .init(label: "test"))
        #expect(try keeper.createMissing() > 0)
        #expect(try Self.partition(of: "early", in: collector)?.hasPrefix("events_p") == true)
        #expect(try collector.count() == 1)
    }

    @Test("A partition whose table is locked is not waited for past PARTITION_LOCK_TIMEOUT_MS, and is made once the lock goes")
    func creationGivesWayToLocks() throws {
        let collector = try CollectorHarness { $0.partitionDaysAhead = 1 }
        // What the collector's own keeper makes at its start is made now, so that it cannot change the count below.
        _ = try collector.service.partitionKeeper.createMissing()
        let countMetricsPartitions = "SELECT count(*) FROM telemetry_partition_bounds('otlp_metrics')"
        let before = try collector.query(countMetricsPartitions).firstValue()
        let holder = try CollectorHarness.connect(collector.cluster.url(database: collector.database))
        try holder.execute("BEGIN")
        try holder.execute("LOCK TABLE otlp_metrics IN ACCESS EXCLUSIVE MODE")
        let partitions = TelemetryPartitions(pool: collector.service.pool, lockTimeout: .milliseconds(50), lockRetries: 1,
                                             pause: { _ in false })
        let started = Date()
        let created = try partitions.create(daysBehind: 0, daysAhead: 30)
        #expect(Date().timeIntervalSince(started) < 5)
        try holder.execute("ROLLBACK")
        #expect(created > 0)
        #expect(try collector.query(countMetricsPartitions).firstValue() == before)
        #expect(try partitions.create(daysBehind: 0, daysAhead: 30) > 0)
        #expect(try collector.query(countMetricsPartitions).firstValue() != before)
    }
}

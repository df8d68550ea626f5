import Foundation
import Postgres
import Synchronization
import Testing
import TestSupport

/// Concurrent senders posting 10-event batches with unique eventIds, remembering every event acknowledged
/// (200 or 202). Whatever was not acknowledged may be lost; whatever was must be in PostgreSQL exactly once.
final class LoadGenerator: Sendable {
    let port: Int
    let key: String
    private let acknowledged = Mutex<Set<String>>([])
    private let lastBatch = Mutex<[String]>([])
    private let sentEvents = Atomic<Int>(0)
    private let latencies = Mutex<[Double]>([])
    private let stopping = Atomic<Bool>(false)
    private let running = Atomic<Int>(0)

    init(port: Int, key: String) {
        self.port = port
        self.key = key
    }

    var acked: Set<String> { acknowledged.withLock { $0 } }
    var sent: Int { sentEvents.load(ordering: .relaxed) }
    var lastAcknowledgedBatch: [String] { lastBatch.withLock { $0 } }
    var maxLatency: Double { latencies.withLock { $0.max() ?? 0 } }

    func start(senders: Int, prefix: String) {
        for sender in 0..<senders {
            running.add(1, ordering: .relaxed)
            Thread.detachNewThread { [self] in
                var sequence = 0
                while !stopping.load(ordering: .relaxed) {
                    let ids = (0..<10).map { "\(prefix)-\(sender)-\(sequence)-\($0)" }
                    sequence += 1
                    sentEvents.add(ids.count, ordering: .relaxed)
                    let started = Date()
                    if send(ids) {
                        acknowledged.withLock { $0.formUnion(ids) }
                        lastBatch.withLock { $0 = ids }
                    } else {
                        Thread.sleep(forTimeInterval: 0.02)
                    }
                    let elapsed = Date().timeIntervalSince(started)
                    latencies.withLock { $0.append(elapsed) }
                }
                running.subtract(1, ordering: .relaxed)
            }
        }
    }

    func stop() {
        stopping.store(true, ordering: .relaxed)
        while running.load(ordering: .relaxed) > 0 { Thread.sleep(forTimeInterval: 0.01) }
    }

    func run(senders: Int, prefix: String, seconds: Double) {
        start(senders: senders, prefix: prefix)
        Thread.sleep(forTimeInterval: seconds)
        stop()
    }

    private func send(_ ids: [String]) -> Bool {
        let events = ids.map { #"{"sessionId":"load","eventType":"fault_test","timestamp":"2024-01-15T10:30:00Z","eventId":"\#($0)"}"# }
        let body = Array(#"{"events":[\#(events.joined(separator: ","))]}"#.utf8)
        do {
            let client = try RawHTTPClient(port: port, timeoutSeconds: 15)
            try client.send(Array("POST /api/v1/telemetry/batch HTTP/1.1\r\nHost: t\r\nConnection: close\r\nX-API-Key: \(key)\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body)
            guard let response = try client.readResponse() else { return false }
            return response.status == 200 || response.status == 202
        } catch {
            return false
        }
    }
}

/// A private PostgreSQL, a collector process over it with a spool, and the checks every fault test ends with.
final class FaultRig {
    let cluster: PostgresCluster
    let database: String
    let key: String
    let spoolDirectory: String
    let collector: CollectorProcess

    init(extraEnvironment: [String: String] = [:]) throws {
        cluster = try PostgresCluster()
        database = try cluster.createDatabase()
        spoolDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("spool-\(database)").path
        let migrations = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../sql").standardized.path
        collector = try CollectorProcess(environment: [
            "DATABASE_URL": cluster.url(database: database), "SPOOL_DIR": spoolDirectory, "MIGRATIONS_DIR": migrations,
            "SPOOL_RETRY_MS": "100", "DB_STATEMENT_TIMEOUT_SECONDS": "2", "DB_CONNECT_TIMEOUT_SECONDS": "1",
            "SHUTDOWN_TIMEOUT_SECONDS": "5", "EVENT_LOOPS": "1", "METRICS_PORT": "0",
        ].merging(extraEnvironment) { $1 })
        try collector.start()
        key = try run(CollectorProcess.binary, ["keys", "create", "--host", "laptop", "--database-url", cluster.url(database: database)])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        // The host sends before any fault, as a real one would: its key is then known to the collector, which
        // cannot check a key it has never seen while PostgreSQL is away.
        LoadGenerator(port: collector.port, key: key).run(senders: 1, prefix: "warm-up", seconds: 0.1)
    }

    deinit {
        collector.stop(signal: SIGKILL)
        try? cluster.stop()
        try? FileManager.default.removeItem(atPath: cluster.directory)
        try? FileManager.default.removeItem(atPath: spoolDirectory)
    }

    func query(_ sql: String) throws -> QueryResult {
        try PostgresConnection.connect(url: cluster.url(database: database), applicationName: "tests", connectTimeoutSeconds: 5,
                                       statementTimeout: .seconds(30)).execute(sql)
    }

    /// Waits until the collector reports PostgreSQL up and an empty spool.
    func waitUntilDrained() throws -> Bool {
        for _ in 0..<300 {
            if let client = try? RawHTTPClient(port: collector.port, timeoutSeconds: 5) {
                try? client.send("GET /api/v1/health HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
                if let health = try? client.readResponse(), health.json["status"] as? String == "ok" { return true }
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return false
    }

    struct Tally: CustomStringConvertible {
        let sent: Int, acknowledged: Int, found: Int, duplicated: Int, missing: Int
        var description: String {
            "sent \(sent), acknowledged \(acknowledged), found \(found), duplicated \(duplicated), missing \(missing)"
        }
    }

    /// Every acknowledged event present exactly once.
    func tally(_ load: LoadGenerator, excluding lost: Set<String> = []) throws -> Tally {
        let rows = try query("SELECT event_id FROM events").rows.compactMap { $0[0] }
        let stored = Set(rows)
        let expected = load.acked.subtracting(lost)
        return Tally(sent: load.sent, acknowledged: load.acked.count, found: stored.intersection(expected).count,
                     duplicated: rows.count - stored.count, missing: expected.subtracting(stored).count)
    }
}

@Suite("Fault tests: no acknowledged event lost or doubled", .serialized)
struct FaultTests {
    @Test("PostgreSQL killed with SIGKILL in the middle of the load, restarted seconds later")
    func postgresKilled() throws {
        let rig = try FaultRig()
        let load = LoadGenerator(port: rig.collector.port, key: rig.key)
        load.start(senders: 6, prefix: "kill-pg")
        Thread.sleep(forTimeInterval: 1)
        try rig.cluster.kill()
        Thread.sleep(forTimeInterval: 2)
        try rig.cluster.start()
        Thread.sleep(forTimeInterval: 1)
        load.stop()
        #expect(try rig.waitUntilDrained())
        let tally = try rig.tally(load)
        print("fault 1 (PostgreSQL SIGKILL): \(tally)")
        #expect(tally.acknowledged > 0 && tally.missing == 0 && tally.duplicated == 0)
    }

    @Test("PostgreSQL stopped for longer than the load: everything is spooled, then drained after it returns")
    func postgresAwayForTheWholeLoad() throws {
        let rig = try FaultRig()
        try rig.cluster.stop()
        let load = LoadGenerator(port: rig.collector.port, key: rig.key)
        load.run(senders: 6, prefix: "pg-away", seconds: 2)
        #expect(load.acked.count == load.sent)
        try rig.cluster.start()
        #expect(try rig.waitUntilDrained())
        let tally = try rig.tally(load)
        print("fault 2 (PostgreSQL away): \(tally)")
        #expect(tally.acknowledged > 0 && tally.missing == 0 && tally.duplicated == 0)
    }

    @Test("The collector killed with SIGKILL while spooling and while writing to PostgreSQL: on restart the spool replays")
    func collectorKilled() throws {
        let rig = try FaultRig()
        try rig.cluster.stop()
        let load = LoadGenerator(port: rig.collector.port, key: rig.key)
        load.start(senders: 6, prefix: "kill-spooling")
        Thread.sleep(forTimeInterval: 1)
        rig.collector.stop(signal: SIGKILL)
        load.stop()
        try rig.cluster.start()
        try rig.collector.start()

        let writing = LoadGenerator(port: rig.collector.port, key: rig.key)
        writing.start(senders: 6, prefix: "kill-writing")
        Thread.sleep(forTimeInterval: 1)
        rig.collector.stop(signal: SIGKILL)
        writing.stop()
        try rig.collector.start()

        #expect(try rig.waitUntilDrained())
        for (name, generator) in [("spooling", load), ("writing", writing)] {
            let tally = try rig.tally(generator)
            print("fault 3 (collector SIGKILL while \(name)): \(tally)")
            #expect(tally.acknowledged > 0 && tally.missing == 0 && tally.duplicated == 0)
        }
    }

    @Test("A spool file cut in the middle of a record: reported at start, and the records before it are replayed")
    func tornSpoolRecord() throws {
        let rig = try FaultRig()
        try rig.cluster.stop()
        let load = LoadGenerator(port: rig.collector.port, key: rig.key)
        load.run(senders: 1, prefix: "torn", seconds: 1)
        rig.collector.stop(signal: SIGKILL)
        let segment = try #require(try FileManager.default.contentsOfDirectory(atPath: rig.spoolDirectory)
            .filter { $0.hasSuffix(".journal") }.sorted().last)
        let path = "\(rig.spoolDirectory)/\(segment)"
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        #expect(truncate(path, off_t(size - 100)) == 0)  // the last record loses its last 100 bytes

        try rig.cluster.start()
        try rig.collector.start()
        #expect(try rig.waitUntilDrained())
        #expect(rig.collector.log.contains("spool damaged"))
        #expect(rig.collector.log.contains("torn_bytes="))
        let cut = Set(load.lastAcknowledgedBatch)
        let tally = try rig.tally(load, excluding: cut)
        print("fault 4 (torn spool record): \(tally), cut record held \(cut.count) events")
        #expect(tally.acknowledged > 10 && tally.missing == 0 && tally.duplicated == 0)
        #expect(try rig.query("SELECT count(*) FROM events WHERE event_id LIKE 'torn-%'").firstValue() == String(load.acked.count - cut.count))
    }

    @Test("PostgreSQL that hangs (the events table locked): latency stays bounded, threads do not pile up, nothing is lost")
    func postgresHangs() throws {
        let rig = try FaultRig(extraEnvironment: ["DB_STATEMENT_TIMEOUT_SECONDS": "1"])
        let threadsBefore = try Self.threadCount(rig.collector.pid)
        let locker = try PostgresConnection.connect(url: rig.cluster.url(database: rig.database), applicationName: "locker",
                                                    connectTimeoutSeconds: 5, statementTimeout: .seconds(60))
        try locker.execute("BEGIN")
        try locker.execute("LOCK TABLE events IN ACCESS EXCLUSIVE MODE")
        let load = LoadGenerator(port: rig.collector.port, key: rig.key)
        load.start(senders: 6, prefix: "hang")
        Thread.sleep(forTimeInterval: 3)
        let threadsDuring = try Self.threadCount(rig.collector.pid)
        try locker.execute("COMMIT")
        Thread.sleep(forTimeInterval: 0.5)
        load.stop()
        #expect(try rig.waitUntilDrained())
        let tally = try rig.tally(load)
        print("fault 5 (PostgreSQL hangs): \(tally), max latency \(load.maxLatency) s, threads \(threadsBefore) -> \(threadsDuring)")
        #expect(tally.acknowledged > 0 && tally.missing == 0 && tally.duplicated == 0)
        #expect(load.maxLatency < 6)
        #expect(threadsDuring == threadsBefore)
    }

    @Test("SIGTERM under load: exit 0 within the shutdown timeout, nothing acknowledged lost")
    func sigtermUnderLoad() throws {
        let rig = try FaultRig()
        let load = LoadGenerator(port: rig.collector.port, key: rig.key)
        load.start(senders: 6, prefix: "term")
        Thread.sleep(forTimeInterval: 1)
        let started = Date()
        let status = rig.collector.stop(signal: SIGTERM)
        let took = Date().timeIntervalSince(started)
        load.stop()
        #expect(status == 0, "the collector's log: \(rig.collector.log)")
        #expect(took < 7)
        let tally = try rig.tally(load)
        print("fault 6 (SIGTERM under load): \(tally), exit \(status) after \(took) s")
        #expect(tally.acknowledged > 0 && tally.missing == 0 && tally.duplicated == 0)
    }

    @Test("Keys never reach the log, not even at debug level, for valid, unknown and malformed keys")
    func keysStayOutOfTheLog() throws {
        let rig = try FaultRig(extraEnvironment: ["LOG_LEVEL": "debug"])
        let unknown = String(repeating: "ab", count: 32)
        for key in [rig.key, unknown, "not a key at all"] {
            LoadGenerator(port: rig.collector.port, key: key).run(senders: 1, prefix: "log-\(key.count)", seconds: 0.2)
        }
        rig.collector.stop(signal: SIGTERM)
        let log = rig.collector.log
        #expect(log.contains("route=/api/v1/telemetry/batch"))
        for key in [rig.key, unknown, "not a key at all"] { #expect(!log.contains(key)) }
    }

    static func threadCount(_ pid: pid_t) throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        let line = status.split(separator: "\n").first { $0.hasPrefix("Threads:") } ?? ""
        return Int(line.split(separator: "\t").last ?? "") ?? -1
    }
}

import CollectorTestSupport
import Foundation
import HTTPServer
import Logging
import Postgres
import Spool
import TestSupport
import Testing
@testable import Collector

@Suite("A spool belongs to one database", .serialized)
struct SpoolOwnershipTests {
    @Test("A collector started on another database's non-empty spool refuses, names both databases and what to do, and writes nothing")
    func refusesAnotherDatabasesSpool() throws {
        let clusterA = try PostgresCluster()
        defer { try? clusterA.stop() }
        let spool = FileManager.default.temporaryDirectory.appendingPathComponent("owned-\(UUID().uuidString)").path
        var collectorA: CollectorHarness? = try CollectorHarness(cluster: clusterA) { $0.spoolDirectory = spool }
        try clusterA.stop()
        #expect(try collectorA!.postBatch([event(#""eventId":"for-a""#)]).status == 202)
        collectorA = nil

        let b = try CollectorHarness()
        var settings = b.service.settings
        settings.server.port = 0
        settings.spoolDirectory = spool
        do {
            _ = try Service(settings: settings, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
            Issue.record("a collector replayed another database's spool")
        } catch {
            #expect(error.description.contains("holds 1 records"))
            #expect(error.description.contains("collector spool replay --spool-dir \(spool)"))
            #expect(error.description.contains(b.database))
        }
        #expect(try b.count() == 0)
        #expect(try Journal.inspect(directory: spool).pendingRecords == 1)
    }

    @Test("An empty spool that names another database is taken over")
    func takesOverAnEmptySpool() throws {
        let spool = FileManager.default.temporaryDirectory.appendingPathComponent("empty-\(UUID().uuidString)").path
        var first: CollectorHarness? = try CollectorHarness { $0.spoolDirectory = spool }
        let firstIdentity = try #require(DatabaseIdentity.recorded(inSpool: spool))
        #expect(firstIdentity.name == first?.database)
        first = nil
        let second = try CollectorHarness { $0.spoolDirectory = spool }
        let secondIdentity = try #require(DatabaseIdentity.recorded(inSpool: spool))
        #expect(firstIdentity != secondIdentity)
        #expect(secondIdentity.name == second.database)
    }

    @Test("A spool folder is held by one process: a second journal on it is refused, saying why")
    func oneProcessPerFolder() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("locked-\(UUID().uuidString)").path
        let journal = try Journal(directory: folder, maxBytes: 1 << 20)
        #expect(throws: JournalError.self) { try Journal(directory: folder, maxBytes: 1 << 20) }
        do {
            _ = try Journal(directory: folder, maxBytes: 1 << 20)
        } catch {
            #expect(error.description.contains("in use by another process"))
        }
        _ = journal
    }
}

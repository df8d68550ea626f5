import CollectorTestSupport
import Foundation
import CLinux
import Postgres
import TestSupport
import Testing
@testable import Collector

@Suite("Keys: hashing, reloading, revocation")
struct KeyTests {
    @Test("The stored hash is what PostgreSQL's sha256 gives, so the original psql INSERT works")
    func hashMatchesPostgres() throws {
        let collector = try CollectorHarness()
        let key = APIKey.generate()
        #expect(key.count == 64 && key.allSatisfy(\.isHexDigit))
        _ = try collector.query("""
            INSERT INTO api_keys (key_hash, host_id, description) VALUES (encode(sha256('\(key)'::bytea), 'hex'), 'desktop', 'Desktop host');
            """)
        #expect(try collector.query("SELECT key_hash FROM api_keys WHERE host_id = 'desktop'").firstValue()
                == APIKey.hash(key.utf8))
        #expect(try within(seconds: 1) {
            try collector.request("POST", "/api/v1/telemetry/batch",
                                  body: #"{"events":[\#(event(#""hostId":"desktop""#))]}"#, key: key).status == 200
        })
        #expect(try collector.query("SELECT host_id FROM events").firstValue() == "desktop")
    }

    /// Polls for up to `seconds`; true as soon as `condition` holds.
    func within(seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return try condition()
    }

    @Test("A key made with the seed's psql recipe works within a second, with no request refused for long")
    func keyMadeWithPsqlWorksAtOnce() throws {
        let collector = try CollectorHarness()
        let key = APIKey.generate()
        #expect(try collector.postBatch([event()], key: key).status == 401)
        _ = try collector.query("INSERT INTO api_keys (key_hash, host_id) VALUES (encode(sha256('\(key)'::bytea), 'hex'), 'desktop')")
        #expect(try within(seconds: 1) { try collector.postBatch([event()], key: key).status == 200 })
    }

    @Test("A revoked key stops working within a second")
    func revocationWithinASecond() throws {
        let collector = try CollectorHarness()
        #expect(try collector.postBatch([event()]).status == 200)
        let revoked = try KeyAdministration(connection: CollectorHarness.connect(collector.cluster.url(database: collector.database)))
            .revoke(host: "laptop", hashPrefix: nil)
        #expect(revoked == 1)
        #expect(try within(seconds: 1) { try collector.postBatch([event()]).status == 401 })
    }

    @Test("Keys are answered from memory: with PostgreSQL stopped, a known key is spooled and an unknown one is 401, not 503")
    func keysNeedNoQuery() throws {
        let cluster = try PostgresCluster()
        defer { try? cluster.stop() }
        let collector = try CollectorHarness(cluster: cluster)
        try cluster.stop()
        #expect(try collector.postBatch([event()]).status == 202)
        for _ in 0..<20 {
            #expect(try collector.postBatch([event()], key: APIKey.generate()).status == 401)
        }
    }

    @Test("A flood of unknown keys costs PostgreSQL no transaction")
    func unknownKeysCostNoTransaction() throws {
        // The rollup job's rounds (every 10 s by default) are transactions of their own, not the flood's.
        let collector = try CollectorHarness { $0.rollupInterval = .seconds(3600) }
        func transactions() throws -> Int {
            // Statistics reach pg_stat_database within a second of a backend's transactions.
            Thread.sleep(forTimeInterval: 1.1)
            _ = try collector.query("SELECT pg_stat_clear_snapshot()")
            return Int(try collector.query(
                "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()").firstValue() ?? "") ?? -1
        }
        let before = try transactions()
        for _ in 0..<300 {
            #expect(try collector.postBatch([event()], key: APIKey.generate()).status == 401)
        }
        let after = try transactions()
        // The test's own two queries, and the watcher's reload or flush if one falls due, are all there may be.
        #expect(after - before < 20, "300 unknown keys cost \(after - before) transactions")
    }

    @Test("A key's last use reaches last_used_at within KEY_USE_FLUSH_SECONDS, as one write for many requests")
    func lastUseIsWrittenSoon() throws {
        let collector = try CollectorHarness { $0.keyUseFlushInterval = .seconds(1) }
        #expect(try collector.query("SELECT last_used_at FROM api_keys").firstValue() == nil)
        for _ in 0..<5 { #expect(try collector.postBatch([event()]).status == 200) }
        #expect(try within(seconds: 2) { try collector.query("SELECT last_used_at FROM api_keys").firstValue() != nil })
        let written = try collector.query("SELECT now() - last_used_at < interval '3 seconds' FROM api_keys").firstValue()
        #expect(written == "t")
    }

    @Test("keys rotate issues a working new key; the old one keeps working only through its grace period")
    func rotation() throws {
        let collector = try CollectorHarness()
        let admin = KeyAdministration(connection: try CollectorHarness.connect(collector.cluster.url(database: collector.database)))
        let withGrace = try admin.rotate(host: "laptop", grace: .seconds(3600), description: nil)
        #expect(try within(seconds: 1) { try collector.postBatch([event()], key: withGrace).status == 200 })
        #expect(try collector.postBatch([event()], key: collector.key).status == 200)
        let immediate = try admin.rotate(host: "laptop", grace: .zero, description: nil)
        #expect(try within(seconds: 1) { try collector.postBatch([event()], key: immediate).status == 200 })
        #expect(try collector.postBatch([event()], key: collector.key).status == 401)
        #expect(try collector.postBatch([event()], key: withGrace).status == 401)
    }

    @Test("keys list shows hash prefixes, never keys; revoke by hash prefix")
    func listAndRevokeByPrefix() throws {
        let collector = try CollectorHarness()
        let admin = KeyAdministration(connection: try CollectorHarness.connect(collector.cluster.url(database: collector.database)))
        let entries = try admin.list()
        #expect(entries.count == 1)
        #expect(entries[0].hostID == "laptop")
        #expect(!collector.key.hasPrefix(entries[0].hashPrefix))
        #expect(APIKey.hash(collector.key.utf8).hasPrefix(entries[0].hashPrefix))
        #expect(try admin.revoke(host: nil, hashPrefix: String(entries[0].hashPrefix.prefix(8))) == 1)
        #expect(try admin.list()[0].revokedAt != nil)
    }
}

@Suite("KeyDigest and KeySet")
struct KeySetTests {
    @Test("A digest reads back from the key_hash form it writes, and matches APIKey.hash")
    func hexRoundTrip() throws {
        let key = APIKey.generate()
        let digest = KeyDigest(key: key.utf8)
        #expect(digest.hex == APIKey.hash(key.utf8))
        #expect(KeyDigest(hex: digest.hex) == digest)
        #expect(KeyDigest(hex: String(digest.hex.dropLast())) == nil)
        #expect(KeyDigest(hex: digest.hex.uppercased()) == nil)
    }

    @Test("A key in its rotation's grace period works until the period ends, then not")
    func graceEnds() {
        let digest = KeyDigest(key: "k".utf8)
        let laptop = KeyHolder(host: "laptop", scope: .ingest)
        let keys = KeySet([digest: KeySet.Entry(holder: laptop, expiresAt: 1_000)])
        #expect(keys.holder(for: digest, now: 999) == laptop)
        #expect(keys.holder(for: digest, now: 1_000) == nil)
        #expect(keys.holder(for: KeyDigest(key: "other".utf8), now: 0) == nil)
    }

    @Test("The store remembers which keys were used until they are taken, and takes back what could not be written")
    func usesAreCollected() {
        let laptop = KeyHolder(host: "laptop", scope: .ingest)
        let store = KeyStore(KeySet([KeyDigest(key: "k".utf8): KeySet.Entry(holder: laptop, expiresAt: nil)]))
        #expect(store.holder(forKey: "k".utf8) == laptop)
        #expect(store.holder(forKey: "k".utf8) == laptop)
        #expect(store.holder(forKey: "nope".utf8) == nil)
        let used = store.takeUsed()
        #expect(used == [KeyDigest(key: "k".utf8)])
        #expect(store.takeUsed().isEmpty)
        store.restoreUsed(used)
        #expect(store.takeUsed() == used)
    }
}

@Suite("KeySet memory")
struct KeySetMemoryTests {
    @Test("100,000 keys fit in a few megabytes: digests are kept as 32 bytes, not as text")
    func memoryPer100kKeys() {
        func heapBytes() -> Int { Int(clinux_heap_bytes_in_use()) }
        let before = heapBytes()
        var entries: [KeyDigest: KeySet.Entry] = [:]
        for index in 0..<100_000 {
            entries[KeyDigest(key: "key-\(index)".utf8)] = KeySet.Entry(
                holder: KeyHolder(host: "host-\(index % 5000)", scope: .ingest), expiresAt: nil)
        }
        let keys = KeySet(entries)
        entries = [:]
        let used = heapBytes() - before
        print("KeySet: \(keys.count) keys take \(used) bytes of heap, \(used / keys.count) bytes per key")
        #expect(keys.count == 100_000)
        #expect(used < 25 << 20, "100,000 keys took \(used) bytes")
    }
}

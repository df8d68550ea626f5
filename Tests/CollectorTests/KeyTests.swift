import CollectorTestSupport
import Foundation
import Postgres
import TestSupport
import Testing
@testable import Collector

@Suite("Keys: hashing, caching, revocation")
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
        let response = try collector.request("POST", "/api/v1/telemetry/batch",
                                             body: #"{"events":[\#(event(#""hostId":"desktop""#))]}"#, key: key)
        #expect(response.status == 200)
        #expect(try collector.query("SELECT host_id FROM events").firstValue() == "desktop")
    }

    @Test("A revoked key keeps working from the cache for at most KEY_CACHE_SECONDS, then gets 401")
    func revocationWithinCacheTime() throws {
        let collector = try CollectorHarness { $0.keyCacheTime = .seconds(1) }
        #expect(try collector.postBatch([event()]).status == 200)
        let revoked = try KeyAdministration(connection: CollectorHarness.connect(collector.cluster.url(database: collector.database)))
            .revoke(host: "laptop", hashPrefix: nil)
        #expect(revoked == 1)
        #expect(try collector.postBatch([event()]).status == 200)
        Thread.sleep(forTimeInterval: 1.2)
        #expect(try collector.postBatch([event()]).status == 401)
    }

    @Test("Valid keys are answered from the cache: one look-up touches last_used_at")
    func cachedKeysSkipTheDatabase() throws {
        let collector = try CollectorHarness { $0.keyCacheTime = .seconds(60) }
        #expect(try collector.postBatch([event()]).status == 200)
        let firstUse = try collector.query("SELECT last_used_at::text FROM api_keys").firstValue()
        #expect(firstUse != nil)
        Thread.sleep(forTimeInterval: 0.05)
        for _ in 0..<5 { #expect(try collector.postBatch([event()]).status == 200) }
        #expect(try collector.query("SELECT last_used_at::text FROM api_keys").firstValue() == firstUse)
    }

    @Test("keys rotate issues a working new key; the old one keeps working only through its grace period")
    func rotation() throws {
        let collector = try CollectorHarness { $0.keyCacheTime = .zero }
        let admin = KeyAdministration(connection: try CollectorHarness.connect(collector.cluster.url(database: collector.database)))
        let withGrace = try admin.rotate(host: "laptop", grace: .seconds(3600), description: nil)
        #expect(try collector.postBatch([event()], key: withGrace).status == 200)
        #expect(try collector.postBatch([event()], key: collector.key).status == 200)
        let immediate = try admin.rotate(host: "laptop", grace: .zero, description: nil)
        #expect(try collector.postBatch([event()], key: immediate).status == 200)
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

@Suite("KeyCache")
struct KeyCacheTests {
    let second: UInt64 = 1_000_000_000

    @Test("A valid key is remembered until its time runs out")
    func validEntriesExpire() {
        let cache = KeyCache(validFor: .seconds(10), unknownFor: .seconds(2), maxEntries: 100)
        cache.remember("h", host: "laptop", now: 0)
        #expect(cache.lookup("h", now: 10 * second - 1) == .host("laptop"))
        #expect(cache.lookup("h", now: 10 * second) == .miss(staleHost: "laptop"))
    }

    @Test("An unknown key is remembered as unknown for the shorter time")
    func unknownEntriesExpire() {
        let cache = KeyCache(validFor: .seconds(10), unknownFor: .seconds(2), maxEntries: 100)
        cache.remember("h", host: nil, now: 0)
        #expect(cache.lookup("h", now: second) == .unknown)
        #expect(cache.lookup("h", now: 2 * second) == .miss(staleHost: nil))
    }

    @Test("A cache time of 0 remembers nothing")
    func zeroDisables() {
        let cache = KeyCache(validFor: .zero, unknownFor: .zero, maxEntries: 100)
        cache.remember("h", host: "laptop", now: 0)
        #expect(cache.lookup("h", now: 0) == .miss(staleHost: nil))
    }

    @Test("A full cache drops expired entries first, then starts over, never growing past its bound")
    func bounded() {
        let cache = KeyCache(validFor: .seconds(1), unknownFor: .seconds(1), maxEntries: 2)
        cache.remember("a", host: "x", now: 0)
        cache.remember("b", host: "y", now: 0)
        cache.remember("c", host: "z", now: 2 * second)
        #expect(cache.lookup("c", now: 2 * second) == .host("z"))
        #expect(cache.lookup("a", now: 0) == .miss(staleHost: nil))
    }
}

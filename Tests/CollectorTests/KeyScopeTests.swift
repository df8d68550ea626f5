import CollectorTestSupport
import Foundation
import Postgres
import TestSupport
import Testing
@testable import Collector

@Suite("Key scopes: ingest keys send, read keys query")
struct KeyScopeTests {
    /// Polls for up to `seconds`; true as soon as `condition` holds.
    func within(seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return try condition()
    }

    func readKey(_ collector: CollectorHarness) throws -> String {
        try KeyAdministration(connection: CollectorHarness.connect(collector.cluster.url(database: collector.database)))
            .create(host: KeyAdministration.readerName(description: "Wall panel"), description: "Wall panel", scope: .read)
    }

    @Test("A read key on an ingest route gets 403 wrong_key_scope, and nothing is stored")
    func readKeyCannotSend() throws {
        let collector = try CollectorHarness()
        let key = try readKey(collector)
        #expect(try within(seconds: 1) { try collector.postBatch([event()], key: key).status == 403 })
        let answer = try collector.postBatch([event()], key: key)
        #expect(answer.json["code"] as? String == "wrong_key_scope")
        #expect((answer.json["error"] as? String)?.contains("read key") == true)
        #expect(try collector.request("POST", "/api/v1/transcript", body: #"{"sessionId":"s","transcript":[]}"#, key: key).status == 403)
        #expect(try collector.count() == 0)
        #expect(try collector.count("transcripts") == 0)
    }

    @Test("The seed's psql recipe, which names no scope, still makes an ingest key")
    func psqlRecipeMakesAnIngestKey() throws {
        let collector = try CollectorHarness()
        let key = APIKey.generate()
        _ = try collector.query("""
            INSERT INTO api_keys (key_hash, host_id, description) VALUES (encode(sha256('\(key)'::bytea),'hex'), 'desktop', 'Desktop');
            """)
        #expect(try collector.query("SELECT scope FROM api_keys WHERE host_id = 'desktop'").firstValue() == "ingest")
        #expect(try within(seconds: 1) { try collector.postBatch([event()], key: key).status == 200 })
    }

    @Test("A key's scope changed with SQL takes effect within a second")
    func scopeChangeIsNotified() throws {
        let collector = try CollectorHarness()
        #expect(try collector.postBatch([event()]).status == 200)
        _ = try collector.query("UPDATE api_keys SET scope = 'read' WHERE host_id = 'laptop'")
        #expect(try within(seconds: 1) { try collector.postBatch([event()]).status == 403 })
    }

    @Test("The database refuses a scope other than ingest or read")
    func unknownScopeRefused() throws {
        let collector = try CollectorHarness()
        #expect(throws: (any Error).self) {
            try collector.query("INSERT INTO api_keys (key_hash, host_id, scope) VALUES (repeat('a', 64), 'x', 'admin')")
        }
    }

    @Test("A read key's name comes from its description: lowercase letters and digits, runs of the rest as one dash")
    func readerNames() {
        #expect(KeyAdministration.readerName(description: "HomeAssistant wall panel") == "read:homeassistant-wall-panel")
        #expect(KeyAdministration.readerName(description: "  Grafana / ops!! ") == "read:grafana-ops")
        #expect(KeyAdministration.readerName(description: "€€€") == "read:reader")
    }
}

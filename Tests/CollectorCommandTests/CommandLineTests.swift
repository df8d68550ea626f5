import Foundation
import Postgres
import Testing
import TestSupport

/// The `collector` executable as an operator meets it: messages instead of traces, a key alone on stdout.
@Suite("The collector command line")
struct CommandLineTests {
    let migrations = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../sql").standardized.path

    func failure(_ arguments: [String]) -> String {
        do {
            _ = try run("/usr/bin/env", ["-u", "DATABASE_URL", CollectorProcess.binary] + arguments)
            return "it succeeded"
        } catch {
            return "\(error)"
        }
    }

    @Test("serve without DATABASE_URL, or with a malformed setting, exits 1 with one line that names the setting")
    func settingsMistakes() {
        let missing = failure(["serve"])
        #expect(missing.contains("status 256"))
        #expect(missing.contains("collector: DATABASE_URL is not set"))
        let malformed = failure(["serve", "--database-url", "postgresql://localhost/x", "--port", "eighty"])
        #expect(malformed.contains("collector: PORT must be a whole number"))
        #expect(!malformed.contains("Fatal error"))
    }

    @Test("serve against a database nobody answers for exits 1 with a message saying so")
    func unreachableDatabase() throws {
        let port = try freePort()
        let output = failure(["serve", "--database-url", "postgresql://postgres@127.0.0.1:\(port)/x", "--port", "0",
                              "--metrics-port", "0", "--spool-max-bytes", "0"])
        #expect(output.contains("collector: cannot reach PostgreSQL at start"))
        #expect(output.contains("Check DATABASE_URL"))
    }

    @Test("migrate applies the files once; keys create prints only the new key, which keys list never shows")
    func migrateAndKeys() throws {
        let cluster = try PostgresCluster.shared()
        let url = cluster.url(database: try cluster.createDatabase())
        let binary = CollectorProcess.binary
        let first = try run(binary, ["migrate", "--database-url", url, "--migrations-dir", migrations])
        #expect(first.contains("applied 001_initial.sql"))
        #expect(try run(binary, ["migrate", "--database-url", url, "--migrations-dir", migrations]) == "nothing to apply\n")
        let key = try run(binary, ["keys", "create", "--host", "laptop", "--description", "Laptop host", "--database-url", url])
        #expect(key.count == 65 && key.hasSuffix("\n") && key.dropLast().allSatisfy(\.isHexDigit))
        let list = try run(binary, ["keys", "list", "--database-url", url])
        #expect(list.contains("laptop"))
        #expect(!list.contains(String(key.dropLast())))
    }

    @Test("keys create --read makes a read key named after its description, listed with its scope; --read needs a description and no host")
    func readKeys() throws {
        let cluster = try PostgresCluster.shared()
        let url = cluster.url(database: try cluster.createDatabase())
        let binary = CollectorProcess.binary
        _ = try run(binary, ["migrate", "--database-url", url, "--migrations-dir", migrations])
        let key = try run(binary, ["keys", "create", "--read", "--description", "HomeAssistant wall panel", "--database-url", url])
        #expect(key.count == 65 && key.dropLast().allSatisfy(\.isHexDigit))
        let list = try run(binary, ["keys", "list", "--database-url", url])
        let line = list.split(separator: "\n").first { $0.contains("read:homeassistant-wall-panel") }
        #expect(line?.contains(" read ") == true, "\(list)")
        #expect(failure(["keys", "create", "--read", "--database-url", url]).contains("--read needs --description"))
        #expect(failure(["keys", "create", "--read", "--host", "laptop", "--description", "x", "--database-url", url])
            .contains("give --read or --host, not both"))
        let revoked = try run(binary, ["keys", "revoke", "--host", "read:homeassistant-wall-panel", "--database-url", url])
        #expect(revoked == "revoked 1 key\n")
    }
}

@Suite("collector spool")
struct SpoolCommandTests {
    let migrations = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../sql").standardized.path

    @Test("spool status shows what waits and for which database; spool replay moves it into the database given, deliberately")
    func statusAndReplay() throws {
        let cluster = try PostgresCluster()
        defer { try? cluster.stop() }
        let spool = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString)").path
        let sourceName = try cluster.createDatabase()
        let source = cluster.url(database: sourceName)
        let binary = CollectorProcess.binary
        _ = try run(binary, ["migrate", "--database-url", source, "--migrations-dir", migrations])
        let key = try run(binary, ["keys", "create", "--host", "laptop", "--database-url", source]).dropLast()
        let collector = try CollectorProcess(environment: [
            "DATABASE_URL": source, "SPOOL_DIR": spool, "MIGRATIONS_DIR": migrations, "METRICS_PORT": "0",
            "SPOOL_RETRY_MS": "60000",
        ])
        try collector.start()
        try cluster.stop()
        let body = #"{"events":[{"sessionId":"s","eventType":"e","timestamp":"2024-01-15T10:30:00Z","eventId":"moved"}]}"#
        let client = try RawHTTPClient(port: collector.port)
        try client.send("POST /api/v1/telemetry/batch HTTP/1.1\r\nHost: t\r\nConnection: close\r\nX-API-Key: \(key)\r\n"
                        + "Content-Length: \(body.utf8.count)\r\n\r\n\(body)")
        #expect(try client.readResponse()?.status == 202)
        let status = try run(binary, ["spool", "status", "--spool-dir", spool])
        #expect(status.contains("1 records"))
        #expect(status.contains("for \(sourceName) (id "))
        #expect(collector.stop(signal: SIGTERM) == 0)

        try cluster.start()
        let target = cluster.url(database: try cluster.createDatabase())
        _ = try run(binary, ["migrate", "--database-url", target, "--migrations-dir", migrations])
        let replayed = try run(binary, ["spool", "replay", "--spool-dir", spool, "--database-url", target])
        #expect(replayed.contains("replayed 1 records"))
        let count = try PostgresConnection.connect(url: target, applicationName: "t", connectTimeoutSeconds: 5,
                                                   statementTimeout: .seconds(5))
            .execute("SELECT count(*) FROM events WHERE event_id = 'moved'").firstValue()
        #expect(count == "1")
        #expect(try run(binary, ["spool", "status", "--spool-dir", spool]).contains(": 0 records"))
    }
}

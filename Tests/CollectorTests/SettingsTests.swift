import Foundation
import HTTPServer
import Postgres
import Testing
@testable import Collector

@Suite("Settings")
struct SettingsTests {
    let url = ["DATABASE_URL": "postgresql://localhost/telemetry"]

    @Test("Defaults apply when nothing is set except DATABASE_URL, and they are the server's and the pool's own")
    func defaults() throws {
        let settings = try SettingDefinition.resolve(environment: url, arguments: [])
        #expect(settings.server.port == 8080)
        #expect(settings.maxBodyBytes == 1 << 20)
        #expect(settings.maxTranscriptBytes == 16 << 20)
        #expect(settings.database.url == "postgresql://localhost/telemetry")
        #expect(settings.server.retryAfterSeconds == 2)
        #expect(settings.database.statementTimeout == .seconds(10))
    }

    @Test("A flag wins over the environment, in both --name value and --name=value forms")
    func flagsWin() throws {
        let settings = try SettingDefinition.resolve(
            environment: url.merging(["PORT": "9000", "KEY_REFRESH_SECONDS": "5"]) { $1 },
            arguments: ["--port", "9100", "--key-refresh-seconds=7"])
        #expect(settings.server.port == 9100)
        #expect(settings.keyRefreshInterval == .seconds(7))
    }

    @Test("Durations are read in the unit their setting names, and shown back in it")
    func durationUnits() throws {
        let settings = try SettingDefinition.resolve(
            environment: url.merging(["DB_ACQUIRE_TIMEOUT_MS": "250", "RETENTION_INTERVAL_MINUTES": "3",
                                      "LINGER_TIMEOUT_SECONDS": "4"]) { $1 },
            arguments: [])
        #expect(settings.database.acquireTimeout == .milliseconds(250))
        #expect(settings.retentionInterval == .seconds(180))
        #expect(settings.server.lingerTimeout == .seconds(4))
        let shown = SettingDefinition.all.first { $0.environmentName == "RETENTION_INTERVAL_MINUTES" }!
        #expect(shown.current(settings) == "3")
        #expect(shown.unit == .minutes)
    }

    @Test("Every limit of the server, parser and pool is a setting that reaches the configuration they are built from")
    func limitsReachTheirConfigurations() throws {
        let settings = try SettingDefinition.resolve(
            environment: url.merging(["MAX_HEADER_COUNT": "50", "MAX_PIPELINE_BUFFER_BYTES": "4096", "READ_BUDGET_BYTES": "8192",
                                      "DB_KEEPALIVES_IDLE_SECONDS": "30", "DB_MAX_CONNECTION_LIFETIME_SECONDS": "120",
                                      "LISTEN_BACKLOG": "64", "METRICS_MAX_CONNECTIONS": "8"]) { $1 },
            arguments: [])
        #expect(settings.server.parserLimits.maxHeaderCount == 50)
        #expect(settings.server.maxPipelineBufferBytes == 4096)
        #expect(settings.server.readBudgetBytes == 8192)
        #expect(settings.database.keepalive.idleSeconds == 30)
        #expect(settings.database.maxConnectionLifetime == .seconds(120))
        #expect(settings.server.listenBacklog == 64)
        #expect(settings.metricsServer.maxConnections == 8)
    }

    @Test("A missing DATABASE_URL, a malformed number and an unknown flag each give a message naming the setting")
    func clearErrors() {
        #expect(throws: SettingsError.self) { try SettingDefinition.resolve(environment: [:], arguments: []) }
        do {
            _ = try SettingDefinition.resolve(environment: url.merging(["PORT": "eighty"]) { $1 }, arguments: [])
            Issue.record("a malformed PORT was accepted")
        } catch {
            #expect(error.description.contains("PORT"))
            #expect(error.description.contains("eighty"))
        }
        do {
            _ = try SettingDefinition.resolve(environment: url, arguments: ["--prot", "1"])
            Issue.record("an unknown flag was accepted")
        } catch {
            #expect(error.description.contains("--prot"))
        }
        #expect(throws: SettingsError.self) {
            try SettingDefinition.resolve(environment: url.merging(["LOG_LEVEL": "loud"]) { $1 }, arguments: [])
        }
    }

    @Test("Every setting has its own name and flag")
    func namesAreUnique() {
        let names = SettingDefinition.all.map(\.environmentName)
        #expect(Set(names).count == names.count)
    }

    @Test("serve --help lists every setting with its environment name, unit and default, the help wrapped and indented")
    func help() {
        let text = SettingsHelp.text(width: 80)
        #expect(text.hasPrefix("USAGE: collector serve"))
        for definition in SettingDefinition.all {
            #expect(text.contains("  \(definition.flag) <value>    (\(definition.environmentName)"))
        }
        #expect(text.contains("(MAX_BODY_BYTES, bytes, default 1048576)"))
        for line in text.split(separator: "\n") where !line.hasPrefix("  --") && !line.hasPrefix("USAGE") {
            #expect(line.count <= 80, "a help line is wider than asked: \(line)")
        }
        let helpLines = text.split(separator: "\n").drop { $0 != "SETTINGS:" }.dropFirst().filter { !$0.hasPrefix("  --") }
        #expect(helpLines.allSatisfy { $0.hasPrefix("      ") }, "wrapped help must stay indented")
    }

    @Test("The README's configuration table is exactly the one the declarations give")
    func readmeListsEverySetting() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized
        let readme = try String(contentsOfFile: root.appendingPathComponent("README.md").path, encoding: .utf8)
        let expected = SettingsHelp.markdownTable()
        if !readme.contains(expected) {
            let path = root.appendingPathComponent(".build/settings-table.md").path
            try? expected.write(toFile: path, atomically: true, encoding: .utf8)
            Issue.record("README.md's configuration table differs from the settings; the expected table is in \(path)")
        }
    }
}

import Collector
import Foundation
import Testing

@Suite("Settings")
struct SettingsTests {
    let url = ["DATABASE_URL": "postgresql://localhost/telemetry"]

    @Test("Defaults apply when nothing is set except DATABASE_URL")
    func defaults() throws {
        let settings = try SettingDefinition.resolve(environment: url, arguments: [])
        #expect(settings.port == 8080)
        #expect(settings.maxBodyBytes == 1 << 20)
        #expect(settings.maxTranscriptBytes == 16 << 20)
        #expect(settings.databaseURL == "postgresql://localhost/telemetry")
    }

    @Test("A flag wins over the environment, in both --name value and --name=value forms")
    func flagsWin() throws {
        let settings = try SettingDefinition.resolve(
            environment: url.merging(["PORT": "9000", "KEY_CACHE_SECONDS": "5"]) { $1 },
            arguments: ["--port", "9100", "--key-cache-seconds=7"])
        #expect(settings.port == 9100)
        #expect(settings.keyCacheSeconds == 7)
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

    @Test("The README's configuration table lists every setting with its flag and default")
    func readmeListsEverySetting() throws {
        let readme = try String(contentsOfFile: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../README.md").standardized.path, encoding: .utf8)
        for definition in SettingDefinition.all {
            let row = readme.split(separator: "\n").first { $0.hasPrefix("| `\(definition.environmentName)` |") }
            let cells = row?.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) } ?? []
            #expect(cells.count >= 4, "README has no row for \(definition.environmentName)")
            guard cells.count >= 4 else { continue }
            #expect(cells[1] == "`\(definition.flag)`")
            switch definition.environmentName {
            case "DATABASE_URL": #expect(cells[2] == "(required)")
            case "EVENT_LOOPS": #expect(cells[2] == "`cores`")
            default: #expect(cells[2] == "`\(definition.defaultValue())`", "README default of \(definition.environmentName)")
            }
        }
    }
}

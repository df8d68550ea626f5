@testable import CollectorClient
import Foundation
import Testing

@Suite("SendConfiguration")
struct SendConfigurationTests {
    let home = FileManager.default.temporaryDirectory.appendingPathComponent("home-\(UUID().uuidString)").path

    func writeConfig(_ text: String, at path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test("Flags win over the environment, which wins over the config file in ~/.config")
    func precedence() throws {
        try writeConfig("""
            # the host's collector
            export COLLECTOR_URL="https://file.example.com"
            COLLECTOR_API_KEY = 'file-key'
            COLLECTOR_TIMEOUT=2.5
            """, at: "\(home)/.config/agent-telemetry/collector.env")
        let fromFile = try SendConfiguration.resolve(flags: [:], environment: ["HOME": home])
        #expect(fromFile.url == (try CollectorURL(parsing: "https://file.example.com")))
        #expect(fromFile.apiKey == "file-key")
        #expect(fromFile.timeoutSeconds == 2.5)
        #expect(fromFile.spoolDirectory == "\(home)/.local/state/agent-telemetry/spool")

        let fromEnvironment = try SendConfiguration.resolve(
            flags: [:], environment: ["HOME": home, "COLLECTOR_URL": "http://env:1", "COLLECTOR_API_KEY": "env-key"])
        #expect(fromEnvironment.url?.host == "env")
        #expect(fromEnvironment.apiKey == "env-key")

        let fromFlags = try SendConfiguration.resolve(flags: [.url: "http://flag:2", .spoolDirectory: "/tmp/s"],
                                                      environment: ["HOME": home, "COLLECTOR_URL": "http://env:1"])
        #expect(fromFlags.url?.host == "flag")
        #expect(fromFlags.spoolDirectory == "/tmp/s")
    }

    @Test("Nothing set is fine: no URL, no key, defaults for the rest")
    func defaults() throws {
        let configuration = try SendConfiguration.resolve(flags: [:], environment: ["HOME": home])
        #expect(configuration.url == nil && configuration.apiKey == nil)
        #expect(configuration.timeoutSeconds == 5)
        #expect(configuration.spoolMaxBytes == 64 << 20)
        #expect(configuration.caFile == nil)
    }

    @Test("A named config file that cannot be read, a bad URL and a bad timeout are errors")
    func errors() {
        #expect(throws: ClientError.self) { try SendConfiguration.resolve(flags: [.config: "/nonexistent"], environment: [:]) }
        #expect(throws: ClientError.self) { try SendConfiguration.resolve(flags: [.url: "telemetry.example.com"], environment: [:]) }
        #expect(throws: ClientError.self) { try SendConfiguration.resolve(flags: [.timeout: "soon"], environment: [:]) }
    }
}

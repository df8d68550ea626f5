import CollectorTestSupport
import Foundation
import TestSupport
import Testing
@testable import CollectorClient

@Suite("TLSStream", .serialized)
struct TLSStreamTests {
    @Test("https through Caddy, as hosts reach the collector: its certificate is checked against the given CA, and the system's store refuses a private one")
    func throughCaddy() throws {
        let collector = try CollectorHarness()
        let caddy = try LocalCaddy(upstreamPort: collector.port)
        defer { caddy.stop() }
        let url = try CollectorURL(parsing: "https://localhost:\(caddy.httpsPort)")

        let trusted = HTTPClient(url: url, caFile: caddy.rootCertificate)
        let response = try trusted.post("/api/v1/telemetry/batch", body: Array(exampleBatch.utf8), apiKey: collector.key,
                                        deadline: Deadline(secondsFromNow: 10))
        #expect(response.status == 200)
        #expect(try collector.count() == 1)

        let untrusted = HTTPClient(url: url)
        #expect {
            try untrusted.post("/api/v1/telemetry/batch", body: Array(exampleBatch.utf8), apiKey: collector.key,
                               deadline: Deadline(secondsFromNow: 10))
        } throws: { error in
            (error as? ClientError)?.description.contains("certificate") == true
        }
    }
}

/// Caddy on loopback with its own CA (`local_certs`) in front of a collector, configured in a folder of its own.
final class LocalCaddy {
    let base = FileManager.default.temporaryDirectory.appendingPathComponent("caddy-\(UUID().uuidString)").path
    let httpsPort: Int
    let process = Process()

    var rootCertificate: String { "\(base)/data/caddy/pki/authorities/local/root.crt" }

    init(upstreamPort: Int) throws {
        guard let binary = ["/usr/bin/caddy", "/usr/local/bin/caddy"].first(where: FileManager.default.isExecutableFile) else {
            throw TestSupportError("caddy is not installed (Debian package caddy; scripts/test installs it)")
        }
        httpsPort = try freePort()
        let httpPort = try freePort()
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        let caddyfile = """
            {
                admin off
                local_certs
                skip_install_trust
                default_bind 127.0.0.1
                http_port \(httpPort)
                https_port \(httpsPort)
            }
            localhost {
                reverse_proxy 127.0.0.1:\(upstreamPort)
            }
            """
        try caddyfile.write(toFile: "\(base)/Caddyfile", atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["run", "--config", "\(base)/Caddyfile", "--adapter", "caddyfile"]
        process.environment = ["HOME": base, "XDG_DATA_HOME": "\(base)/data", "XDG_CONFIG_HOME": "\(base)/config",
                               "PATH": "/usr/bin:/bin"]
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if FileManager.default.fileExists(atPath: rootCertificate), (try? RawHTTPClient(port: httpsPort)) != nil {
                // The certificate for localhost is issued just after the listener opens.
                let probe = HTTPClient(url: try CollectorURL(parsing: "https://localhost:\(httpsPort)"), caFile: rootCertificate)
                if (try? probe.post("/api/v1/health", body: [], apiKey: "", deadline: Deadline(secondsFromNow: 2))) != nil { return }
            }
            Thread.sleep(forTimeInterval: 0.2)
        }
        stop()
        throw TestSupportError("caddy did not serve https on port \(httpsPort) within 30 s")
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: base)
    }
}

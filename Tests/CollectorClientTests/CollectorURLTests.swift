@testable import CollectorClient
import Testing

@Suite("CollectorURL")
struct CollectorURLTests {
    @Test("http and https URLs with default and explicit ports, IPv6 and a path prefix", arguments: [
        ("http://127.0.0.1:8080", false, "127.0.0.1", 8080, "", "127.0.0.1:8080"),
        ("https://telemetry.example.com", true, "telemetry.example.com", 443, "", "telemetry.example.com"),
        ("https://telemetry.example.com/", true, "telemetry.example.com", 443, "", "telemetry.example.com"),
        ("HTTPS://t.example.com:8443/collector/", true, "t.example.com", 8443, "/collector", "t.example.com:8443"),
        ("http://[::1]:9000/x", false, "::1", 9000, "/x", "[::1]:9000"),
        ("http://localhost", false, "localhost", 80, "", "localhost"),
    ])
    func parses(text: String, isTLS: Bool, host: String, port: Int, basePath: String, hostHeader: String) throws {
        let url = try CollectorURL(parsing: text)
        #expect(url.isTLS == isTLS)
        #expect(url.host == host)
        #expect(url.port == port)
        #expect(url.basePath == basePath)
        #expect(url.hostHeader == hostHeader)
    }

    @Test("Other schemes, credentials, empty hosts and bad ports are refused with a message", arguments: [
        "ftp://x", "telemetry.example.com", "http://", "http://user:pw@host", "http://host:0", "http://host:99999",
        "http://host:port", "http://[::1",
    ])
    func refuses(text: String) {
        #expect(throws: ClientError.self) { try CollectorURL(parsing: text) }
    }
}

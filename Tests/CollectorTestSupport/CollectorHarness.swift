import Foundation
import HTTPServer
import Logging
import Postgres
import TestSupport
@testable import Collector

/// A collector running in this process against its own fresh database in a real PostgreSQL, on a free port.
public final class CollectorHarness {
    public let service: Service
    public let database: String
    public let cluster: PostgresCluster
    public let key: String
    public let host = "laptop"

    public static let migrations = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../sql").standardized.path

    public init(cluster: PostgresCluster? = nil, configure: (inout Settings) -> Void = { _ in }) throws {
        self.cluster = try cluster ?? PostgresCluster.shared()
        database = try self.cluster.createDatabase()
        var settings = Settings()
        settings.database.url = self.cluster.url(database: database)
        settings.server.port = 0
        settings.server.host = "127.0.0.1"
        settings.migrationsDirectory = Self.migrations
        settings.server.eventLoops = 2
        settings.server.retryAfterSeconds = 1
        settings.spoolDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("spool-\(database)").path
        settings.spoolRetryInterval = .milliseconds(100)
        settings.metricsPort = 0
        configure(&settings)
        // The host's key exists before the collector starts, so that it is in the keys the collector loads.
        let setup = try Self.connect(settings.database.url)
        try Migrator(directory: settings.migrationsDirectory.isEmpty ? Self.migrations : settings.migrationsDirectory)
            .migrate(setup)
        key = try KeyAdministration(connection: setup).create(host: host, description: "test")
        service = try Service(settings: settings, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
    }

    deinit { service.shutdown() }

    public var port: Int { service.port }

    /// Runs one replay step now, as the replayer thread would; true when the spool shrank.
    public func replaySpoolNow() -> Bool {
        service.spool?.replayOnce() ?? false
    }

    public static func connect(_ url: String) throws -> PostgresConnection {
        try PostgresConnection.connect(url: url, applicationName: "tests", connectTimeoutSeconds: 5, statementTimeout: .seconds(30))
    }

    /// A connection of the test's own, for checking rows.
    public func query(_ sql: String, _ parameters: [PostgresParameter?] = []) throws -> QueryResult {
        try Self.connect(cluster.url(database: database)).execute(sql, parameters)
    }

    public func count(_ table: String = "events") throws -> Int {
        Int(try query("SELECT count(*) FROM \(table)").firstValue() ?? "") ?? -1
    }

    /// One request on a new connection; the body is sent with Content-Length.
    public func request(
        _ method: String, _ path: String, body: String? = nil, key: String? = nil,
        headers: [(String, String)] = [("Content-Type", "application/json")]
    ) throws -> ParsedResponse {
        try request(method, path, bytes: body.map { Array($0.utf8) }, key: key ?? self.key, headers: headers)
    }

    public func request(
        _ method: String, _ path: String, bytes: [UInt8]?, key: String?,
        headers: [(String, String)] = [("Content-Type", "application/json")]
    ) throws -> ParsedResponse {
        let client = try RawHTTPClient(port: port)
        var head = "\(method) \(path) HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
        if let key { head += "X-API-Key: \(key)\r\n" }
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if let bytes { head += "Content-Length: \(bytes.count)\r\n" }
        try client.send(Array((head + "\r\n").utf8) + (bytes ?? []))
        guard let response = try client.readResponse() else { throw TestSupportError("connection closed without a response") }
        return response
    }

    /// One request on a new connection, its body sent chunked (`Transfer-Encoding: chunked`) in pieces of
    /// `chunkSize`, as some exporters send.
    public func requestChunked(
        _ method: String, _ path: String, bytes: [UInt8], headers: [(String, String)], chunkSize: Int = 1000
    ) throws -> ParsedResponse {
        let client = try RawHTTPClient(port: port)
        var head = "\(method) \(path) HTTP/1.1\r\nHost: localhost\r\nX-API-Key: \(key)\r\nTransfer-Encoding: chunked\r\n"
        head += "Connection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        var message = Array((head + "\r\n").utf8)
        var offset = 0
        while offset < bytes.count {
            let size = min(chunkSize, bytes.count - offset)
            message += Array((String(size, radix: 16) + "\r\n").utf8) + bytes[offset..<offset + size] + Array("\r\n".utf8)
            offset += size
        }
        message += Array("0\r\n\r\n".utf8)
        try client.send(message)
        guard let response = try client.readResponse() else { throw TestSupportError("connection closed without a response") }
        return response
    }

    public func postBatch(_ events: [String], key: String? = nil) throws -> ParsedResponse {
        try request("POST", "/api/v1/telemetry/batch", body: #"{"events":[\#(events.joined(separator: ","))]}"#, key: key)
    }
}

/// An event in the API's shape with the given extra fields.
public func event(_ extra: String = "", session: String = "s1", type: String = "agent_execution") -> String {
    let fields = [#""sessionId":"\#(session)""#, #""eventType":"\#(type)""#, #""timestamp":"2024-01-15T10:30:00Z""#, extra]
        .filter { !$0.isEmpty }
    return "{" + fields.joined(separator: ",") + "}"
}

/// The example batch from the original design, verbatim.
public let exampleBatch = #"{"events":[{"hostId":"laptop","sessionId":"abc123","eventType":"agent_execution","agentName":"tool-approve","timestamp":"2024-01-15T10:30:00Z","decision":"APPROVED","decisionReason":"Tool is safe","toolName":"Bash","latencyMs":150,"modelTier":"haiku"}]}"#

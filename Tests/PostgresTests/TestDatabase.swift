import Foundation
import Postgres
import TestSupport

/// A fresh database in the shared test cluster, so that tests do not see each other's tables.
func freshDatabaseURL() throws -> String {
    let cluster = try PostgresCluster.shared()
    return cluster.url(database: try cluster.createDatabase())
}

func connect(_ url: String, statementTimeout: Duration = .seconds(30)) throws -> PostgresConnection {
    try PostgresConnection.connect(url: url, applicationName: "tests", connectTimeoutSeconds: 5, statementTimeout: statementTimeout)
}

/// A pool with the given limits and a name of its own, so that its connections can be found in `pg_stat_activity`.
func makePool(
    url: String, maxConnections: Int = 4, configure: (inout PoolConfiguration) -> Void = { _ in }
) -> ConnectionPool {
    var configuration = PoolConfiguration(url: url)
    configuration.maxConnections = maxConnections
    configuration.applicationName = "pool-\(UUID().uuidString.prefix(8))"
    configuration.connectTimeoutSeconds = 2
    configuration.acquireTimeout = .seconds(5)
    configure(&configuration)
    return ConnectionPool(configuration: configuration)
}

/// A private cluster for a test that stops, starts or kills its server; removed when `body` returns.
func withPrivateCluster<Result>(_ body: (PostgresCluster) throws -> Result) throws -> Result {
    let cluster = try PostgresCluster()
    defer {
        try? cluster.stop()
        try? FileManager.default.removeItem(atPath: cluster.directory)
    }
    return try body(cluster)
}

extension ConnectionPool {
    /// `withConnection` for test closures, which throw untyped errors.
    func using<Result>(_ body: (PostgresConnection) throws -> Result) throws -> Result {
        let connection = try acquire()
        defer { release(connection) }
        return try body(connection)
    }
}

extension PostgresConnection {
    /// The server process serving this connection: a new one means a new connection.
    func backendPID() throws(PostgresError) -> Int {
        Int(try execute("SELECT pg_backend_pid()").firstValue() ?? "") ?? -1
    }

    func integer(_ sql: String, _ parameters: [PostgresParameter?] = []) throws(PostgresError) -> Int? {
        try execute(sql, parameters).firstValue().flatMap { Int($0) }
    }
}

extension PostgresError {
    /// The case's name, for comparing errors whose messages vary.
    var kind: String {
        switch self {
        case .connectionFailed: "connectionFailed"
        case .unavailable: "unavailable"
        case .acquireTimeout: "acquireTimeout"
        case .server(let sqlState, _): "server \(sqlState)"
        case .poolClosed: "poolClosed"
        }
    }
}

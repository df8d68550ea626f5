import Foundation
import Postgres
import TestSupport
import Testing

@Suite("PostgresConnection")
struct PostgresConnectionTests {
    @Test("connect to a port nobody listens on fails with connectionFailed and libpq's reason")
    func connectFails() throws {
        let port = try freePort()
        let error = #expect(throws: PostgresError.self) {
            try PostgresConnection.connect(
                url: "postgresql://postgres@127.0.0.1:\(port)/postgres", applicationName: "tests",
                connectTimeoutSeconds: 2, statementTimeout: .seconds(1))
        }
        #expect(error?.kind == "connectionFailed")
        #expect(error?.description.contains("127.0.0.1") == true)
    }

    @Test("A new connection carries the application name and the statement timeout it was given")
    func sessionSettings() throws {
        let connection = try PostgresConnection.connect(
            url: try freshDatabaseURL(), applicationName: "settings-test", connectTimeoutSeconds: 5,
            statementTimeout: .milliseconds(1500))
        #expect(try connection.execute("SHOW application_name").firstValue() == "settings-test")
        #expect(try connection.execute("SHOW statement_timeout").firstValue() == "1500ms")
    }

    @Test("Parameters travel separately from the statement, so quotes in them are data")
    func parameters() throws {
        let connection = try connect(try freshDatabaseURL())
        let result = try connection.execute("SELECT $1::text, $2::int, $3::text IS NULL", [.text("it's; DROP"), .int(42), nil])
        #expect(result.rows == [["it's; DROP", "42", "t"]])
    }

    @Test("A server error carries its SQLSTATE and leaves the connection usable")
    func serverError() throws {
        let connection = try connect(try freshDatabaseURL())
        let error = #expect(throws: PostgresError.self) { try connection.execute("SELECT * FROM no_such_table") }
        #expect(error?.kind == "server 42P01")
        #expect(error?.isTransient == false)
        #expect(error?.description.contains("no_such_table") == true)
        #expect(connection.isUsable)
        #expect(try connection.integer("SELECT 1") == 1)
    }

    @Test("isIdle is false inside a transaction and true again after it ends")
    func transactionStatus() throws {
        let connection = try connect(try freshDatabaseURL())
        #expect(connection.isIdle)
        try connection.execute("BEGIN")
        #expect(!connection.isIdle)
        _ = try? connection.execute("SELECT 1/0")
        #expect(!connection.isIdle)
        try connection.execute("ROLLBACK")
        #expect(connection.isIdle)
    }

    @Test("A prepared statement is prepared on first use and reused after, also after a failed run")
    func preparedStatements() throws {
        let connection = try connect(try freshDatabaseURL())
        #expect(throws: PostgresError.self) {
            try connection.execute(prepared: "divide", sql: "SELECT 10 / $1::int", [.int(0)])
        }
        for divisor in [1, 2, 5] {
            let result = try connection.execute(prepared: "divide", sql: "SELECT 10 / $1::int", [.int(divisor)])
            #expect(result.firstValue() == String(10 / divisor))
        }
        #expect(try connection.integer("SELECT count(*) FROM pg_prepared_statements") == 1)
    }

    @Test("isAliveWhileIdle is true for a healthy idle connection")
    func aliveWhileIdle() throws {
        let connection = try connect(try freshDatabaseURL())
        #expect(connection.isAliveWhileIdle())
        #expect(try connection.integer("SELECT 1") == 1)
    }

    @Test("isAliveWhileIdle is false once the server has terminated the connection")
    func deadWhileIdle() throws {
        let url = try freshDatabaseURL()
        let connection = try connect(url)
        let observer = try connect(url)
        try observer.execute("SELECT pg_terminate_backend($1, 5000)", [.int(try connection.backendPID())])
        #expect(!connection.isAliveWhileIdle())
    }

    @Test("Several statements without parameters run as one simple query")
    func simpleQuery() throws {
        let connection = try connect(try freshDatabaseURL())
        try connection.execute("CREATE TABLE t (id int); INSERT INTO t VALUES (1), (2)")
        #expect(try connection.integer("SELECT sum(id) FROM t") == 3)
    }
}

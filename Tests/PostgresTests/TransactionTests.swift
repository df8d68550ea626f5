import Postgres
import Testing

@Suite("Transactions and notifications")
struct TransactionTests {
    func table(_ connection: PostgresConnection) throws {
        try connection.execute("CREATE TABLE IF NOT EXISTS t (n int)")
        try connection.execute("TRUNCATE t")
    }

    func count(_ connection: PostgresConnection) throws -> String? {
        try connection.execute("SELECT count(*) FROM t").firstValue()
    }

    @Test("A body that returns is committed, and its value comes back")
    func commits() throws {
        let connection = try connect(try freshDatabaseURL())
        try table(connection)
        let value = try connection.transaction { connection throws(PostgresError) in
            try connection.execute("INSERT INTO t VALUES (1)")
            return 7
        }
        #expect(value == 7)
        #expect(connection.isIdle)
        #expect(try count(connection) == "1")
    }

    @Test("A body that throws is rolled back, the error passes through, and the connection is idle and usable")
    func rollsBackOnThrow() throws {
        let connection = try connect(try freshDatabaseURL())
        try table(connection)
        #expect(throws: PostgresError.self) {
            try connection.transaction { connection throws(PostgresError) in
                try connection.execute("INSERT INTO t VALUES (1)")
                try connection.execute("SELECT 1/0")
            }
        }
        #expect(connection.isIdle && connection.isUsable)
        #expect(try count(connection) == "0")
    }

    @Test("A body that returns nil is rolled back and nil comes back")
    func rollsBackOnNil() throws {
        let connection = try connect(try freshDatabaseURL())
        try table(connection)
        let value = try connection.transaction(rollingBackOnNil: { connection throws(PostgresError) -> Int? in
            try connection.execute("INSERT INTO t VALUES (1)")
            return nil
        })
        #expect(value == nil)
        #expect(try count(connection) == "0")
    }

    @Test("When the rollback fails too, the connection is discarded, so a pool never hands it out again")
    func discardsWhenRollbackFails() throws {
        let url = try freshDatabaseURL()
        let connection = try connect(url)
        let killer = try connect(url)
        let pid = try connection.execute("SELECT pg_backend_pid()").firstValue() ?? ""
        #expect(throws: PostgresError.self) {
            try connection.transaction { connection throws(PostgresError) in
                try killer.execute("SELECT pg_terminate_backend(\(pid))")
                try connection.execute("SELECT 1")
            }
        }
        #expect(!connection.isUsable)
    }

    @Test("A NOTIFY on a channel the connection LISTENs on arrives; without one the wait ends empty at its timeout")
    func notifications() throws {
        let url = try freshDatabaseURL()
        let listener = try connect(url)
        try listener.execute("LISTEN changes")
        #expect(try listener.notifications(waitingUpTo: .milliseconds(50)).isEmpty)
        try connect(url).execute("NOTIFY changes, 'one'")
        var received: [PostgresNotification] = []
        for _ in 0..<20 where received.isEmpty {
            received = try listener.notifications(waitingUpTo: .milliseconds(100))
        }
        #expect(received == [PostgresNotification(channel: "changes", payload: "one")])
    }
}

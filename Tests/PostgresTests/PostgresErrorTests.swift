import Postgres
import Testing

@Suite("PostgresError")
struct PostgresErrorTests {
    @Test("Errors that may pass by waiting are transient; the others are not", arguments: [
        (PostgresError.connectionFailed("refused"), true),
        (.unavailable("down"), true),
        (.acquireTimeout, true),
        (.server(sqlState: "57014", message: "canceling statement due to statement timeout"), true),
        (.server(sqlState: "57P01", message: "terminating connection"), true),
        (.server(sqlState: "53300", message: "too many connections"), true),
        (.server(sqlState: "08006", message: "connection failure"), true),
        (.server(sqlState: "40001", message: "could not serialize"), true),
        (.server(sqlState: "40P01", message: "deadlock detected"), true),
        (.server(sqlState: "23505", message: "duplicate key"), false),
        (.server(sqlState: "42P01", message: "relation does not exist"), false),
        (.poolClosed, false),
    ])
    func transient(error: PostgresError, isTransient: Bool) {
        #expect(error.isTransient == isTransient)
    }

    @Test("Descriptions name what failed and keep the server's words")
    func descriptions() {
        #expect(PostgresError.connectionFailed("refused").description == "cannot connect to PostgreSQL: refused")
        #expect(PostgresError.server(sqlState: "23505", message: "duplicate key").description
            == "PostgreSQL error 23505: duplicate key")
        #expect(PostgresError.acquireTimeout.description == "no database connection became free in time")
    }
}

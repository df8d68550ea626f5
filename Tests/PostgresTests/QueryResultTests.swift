import Postgres
import Testing

@Suite("QueryResult")
struct QueryResultTests {
    @Test("Rows come back as text with NULL as nil, with the column names")
    func rowsAndColumns() throws {
        let connection = try connect(try freshDatabaseURL())
        let result = try connection.execute("SELECT 1 AS one, NULL::text AS nothing, 'x' AS letter UNION ALL SELECT 2, 'y', NULL")
        #expect(result.columns == ["one", "nothing", "letter"])
        #expect(result.rows == [["1", nil, "x"], ["2", "y", nil]])
        #expect(result.firstValue() == "1")
        #expect(result.firstValue(1) == nil)
    }

    @Test("affectedRows counts the rows a command touched, and is 0 for other commands")
    func affectedRows() throws {
        let connection = try connect(try freshDatabaseURL())
        #expect(try connection.execute("CREATE TABLE t (id int)").affectedRows == 0)
        #expect(try connection.execute("INSERT INTO t SELECT generate_series(1, 5)").affectedRows == 5)
        #expect(try connection.execute("UPDATE t SET id = id + 1 WHERE id > 3").affectedRows == 2)
        #expect(try connection.execute("DELETE FROM t").affectedRows == 5)
    }

    @Test("A query without rows has its columns and no first value")
    func empty() throws {
        let connection = try connect(try freshDatabaseURL())
        let result = try connection.execute("SELECT 1 AS one WHERE false")
        #expect(result.columns == ["one"])
        #expect(result.rows.isEmpty)
        #expect(result.firstValue() == nil)
    }
}

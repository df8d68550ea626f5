import Postgres
import Testing

/// Each element type through `unnest` on a real server, which is the reader that counts.
@Suite("BinaryArray")
struct BinaryArrayTests {
    private func unnest(_ array: BinaryArray, as type: String, select: String = "x") throws -> [String?] {
        let connection = try connect(try freshDatabaseURL())
        let result = try connection.execute(
            "SELECT \(select) FROM unnest($1::\(type)[]) WITH ORDINALITY AS u(x, n) ORDER BY n", [array.parameter()])
        return result.rows.map { $0[0] }
    }

    @Test("Text elements, empty and non-ASCII ones included, come back unchanged")
    func text() throws {
        var array = BinaryArray(elementType: PostgresType.text, arrayType: PostgresType.textArray)
        let values = ["plain", "", "quote ' and \" and \\ and ,{}", "żółw 🐢", "line\nbreak"]
        for value in values { array.appendText(Array(value.utf8)) }
        #expect(array.elementCount == values.count)
        #expect(try unnest(array, as: "text") == values)
    }

    @Test("NULL elements come back as NULL among the others")
    func nulls() throws {
        var array = BinaryArray(elementType: PostgresType.text, arrayType: PostgresType.textArray)
        array.appendNull()
        array.appendText(Array("a".utf8))
        array.appendNull()
        #expect(try unnest(array, as: "text") == [nil, "a", nil])
    }

    @Test("int4 elements keep their sign and range")
    func int4() throws {
        var array = BinaryArray(elementType: PostgresType.int4, arrayType: PostgresType.int4Array)
        let values: [Int32] = [0, 1, -1, .max, .min, 150]
        for value in values { array.appendInt32(value: value) }
        array.appendNull()
        #expect(try unnest(array, as: "int4") == values.map { String($0) } + [nil])
    }

    @Test("timestamptz elements are microseconds since 2000-01-01 UTC")
    func timestamptz() throws {
        var array = BinaryArray(elementType: PostgresType.timestamptz, arrayType: PostgresType.timestamptzArray)
        // 2000-01-01T00:00:00Z, 2024-01-15T10:30:00.123456Z, 1999-12-31T23:59:59Z
        for value: Int64 in [0, 758_629_800_123_456, -1_000_000] {
            array.appendTimestamp(microsecondsSince2000: value)
        }
        let formatted = try unnest(
            array, as: "timestamptz", select: #"to_char(x AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')"#)
        #expect(formatted == ["2000-01-01T00:00:00.000000", "2024-01-15T10:30:00.123456", "1999-12-31T23:59:59.000000"])
    }

    @Test("jsonb elements are parsed by the server from their text")
    func jsonb() throws {
        var array = BinaryArray(elementType: PostgresType.jsonb, arrayType: PostgresType.jsonbArray)
        for json in [#"{"b":[true,null],"a":1}"#, #""text""#, "[]"] { array.appendJSONB(Array(json.utf8)) }
        array.appendNull()
        #expect(try unnest(array, as: "jsonb", select: "x::text")
            == [#"{"a": 1, "b": [true, null]}"#, #""text""#, "[]", nil])
    }

    @Test("An array with no elements unnests to no rows")
    func empty() throws {
        let array = BinaryArray(elementType: PostgresType.text, arrayType: PostgresType.textArray)
        #expect(try unnest(array, as: "text") == [])
    }

    @Test("append(contentsOf:) joins two arrays, NULLs and all")
    func joining() throws {
        var first = BinaryArray(elementType: PostgresType.text, arrayType: PostgresType.textArray)
        first.appendText(Array("one".utf8))
        var second = BinaryArray(elementType: PostgresType.text, arrayType: PostgresType.textArray)
        second.appendNull()
        second.appendText(Array("three".utf8))
        first.append(contentsOf: second)
        #expect(first.elementCount == 3)
        #expect(try unnest(first, as: "text") == ["one", nil, "three"])
    }

    @Test("Several arrays go into one unnest insert as parallel columns")
    func parallelColumns() throws {
        let connection = try connect(try freshDatabaseURL())
        try connection.execute("CREATE TABLE rows (name text, size int4, doc jsonb)")
        var names = BinaryArray(elementType: PostgresType.text, arrayType: PostgresType.textArray)
        var sizes = BinaryArray(elementType: PostgresType.int4, arrayType: PostgresType.int4Array)
        var docs = BinaryArray(elementType: PostgresType.jsonb, arrayType: PostgresType.jsonbArray)
        for index in 0..<100 {
            names.appendText(Array("row \(index)".utf8))
            sizes.appendInt32(value: Int32(index))
            docs.appendJSONB(Array(#"{"i":\#(index)}"#.utf8))
        }
        let inserted = try connection.execute(
            "INSERT INTO rows SELECT * FROM unnest($1::text[], $2::int4[], $3::jsonb[])",
            [names.parameter(), sizes.parameter(), docs.parameter()])
        #expect(inserted.affectedRows == 100)
        #expect(try connection.integer("SELECT count(*) FROM rows WHERE (doc->>'i')::int = size AND name = 'row ' || size") == 100)
    }
}

/// A column's PostgreSQL type as the binary transport needs it: its SQL name, and the OIDs of the type and of its
/// array type.
public struct ColumnType: Sendable, Equatable {
    public let name: String
    public let elementOID: UInt32
    public let arrayOID: UInt32

    public static let text = ColumnType(name: "text", elementOID: PostgresType.text, arrayOID: PostgresType.textArray)
    public static let int4 = ColumnType(name: "int4", elementOID: PostgresType.int4, arrayOID: PostgresType.int4Array)
    public static let int8 = ColumnType(name: "int8", elementOID: PostgresType.int8, arrayOID: PostgresType.int8Array)
    public static let float8 = ColumnType(name: "float8", elementOID: 701, arrayOID: 1022)
    public static let bool = ColumnType(name: "bool", elementOID: 16, arrayOID: 1000)
    public static let jsonb = ColumnType(name: "jsonb", elementOID: PostgresType.jsonb, arrayOID: PostgresType.jsonbArray)
    public static let timestamptz = ColumnType(
        name: "timestamptz", elementOID: PostgresType.timestamptz, arrayOID: PostgresType.timestamptzArray)
}

extension BinaryArray {
    /// An empty array of `type`'s elements.
    public init(_ type: ColumnType) {
        self.init(elementType: type.elementOID, arrayType: type.arrayOID)
    }
}

/// One `INSERT ... SELECT * FROM unnest($1::t1[], $2::t2[], ...)` for rows sent as one binary array per column:
/// a whole batch is one statement and one round trip. The statement and the order of its parameters both come
/// from `columns`, so they cannot disagree.
public struct UnnestInsert: Sendable {
    public struct Column: Sendable {
        public let name: String
        public let type: ColumnType

        public init(_ name: String, _ type: ColumnType) {
            self.name = name
            self.type = type
        }
    }

    public let table: String
    public let columns: [Column]
    /// What follows the SELECT, e.g. `ON CONFLICT (host_id, event_id) DO NOTHING`.
    public let conflictClause: String

    public init(table: String, columns: [Column], conflictClause: String) {
        self.table = table
        self.columns = columns
        self.conflictClause = conflictClause
    }

    public var sql: String {
        let names = columns.map(\.name).joined(separator: ", ")
        let arrays = columns.enumerated().map { "$\($0.offset + 1)::\($0.element.type.name)[]" }.joined(separator: ", ")
        return "INSERT INTO \(table) (\(names))\nSELECT * FROM unnest(\(arrays))\n\(conflictClause)"
    }

    /// The same insert, telling which rows went in.
    public func returning(_ expressions: String) -> String {
        "\(sql) RETURNING \(expressions)"
    }
}

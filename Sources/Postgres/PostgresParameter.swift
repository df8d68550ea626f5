/// One statement parameter: its bytes, their format and the PostgreSQL type they are sent as.
public struct PostgresParameter: Sendable {
    public enum Format: Sendable { case text, binary }

    public var bytes: [UInt8]
    public var format: Format
    /// The parameter's type OID; 0 lets the server infer it from the statement.
    public var type: UInt32

    public init(bytes: [UInt8], format: Format, type: UInt32 = 0) {
        self.bytes = bytes
        self.format = format
        self.type = type
    }

    public static func text(_ value: String) -> PostgresParameter {
        PostgresParameter(bytes: Array(value.utf8), format: .text)
    }

    public static func int(_ value: Int) -> PostgresParameter {
        .text(String(value))
    }
}

/// Type OIDs of the built-in types this project sends in binary.
public enum PostgresType {
    public static let int4: UInt32 = 23
    public static let int8: UInt32 = 20
    public static let text: UInt32 = 25
    public static let jsonb: UInt32 = 3802
    public static let timestamptz: UInt32 = 1184
    public static let int4Array: UInt32 = 1007
    public static let int8Array: UInt32 = 1016
    public static let textArray: UInt32 = 1009
    public static let jsonbArray: UInt32 = 3807
    public static let timestamptzArray: UInt32 = 1185
}

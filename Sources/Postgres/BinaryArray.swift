/// Builds a one-dimensional array parameter in PostgreSQL's binary format, so that a whole column of a batch
/// travels as one parameter of an `unnest` insert with no quoting or escaping.
///
/// Layout: ndim, has-null flag, element type, then (length, lower bound) for the dimension, then each element as
/// a 4-byte length (-1 for NULL) followed by its bytes; all integers big-endian.
public struct BinaryArray: Sendable {
    public let elementType: UInt32
    public let arrayType: UInt32
    private var body: [UInt8] = []
    private var count: Int32 = 0
    private var hasNull = false

    public init(elementType: UInt32, arrayType: UInt32, reservingBytes: Int = 0) {
        self.elementType = elementType
        self.arrayType = arrayType
        body.reserveCapacity(reservingBytes)
    }

    public var elementCount: Int { Int(count) }

    public mutating func appendNull() {
        count += 1
        hasNull = true
        appendInt32(-1)
    }

    /// A text element, or NULL for nil.
    public mutating func appendOptionalText<Bytes: Collection<UInt8>>(_ utf8: Bytes?) {
        if let utf8 { appendText(utf8) } else { appendNull() }
    }

    /// A text element: its UTF-8 bytes.
    public mutating func appendText<Bytes: Collection<UInt8>>(_ utf8: Bytes) {
        count += 1
        appendInt32(Int32(utf8.count))
        body.append(contentsOf: utf8)
    }

    /// A jsonb element: format version 1, then the JSON text.
    public mutating func appendJSONB<Bytes: Collection<UInt8>>(_ json: Bytes) {
        count += 1
        appendInt32(Int32(json.count + 1))
        body.append(1)
        body.append(contentsOf: json)
    }

    public mutating func appendInt32(value: Int32) {
        count += 1
        appendInt32(4)
        appendInt32(value)
    }

    /// A timestamptz element: microseconds since 2000-01-01 00:00:00 UTC.
    public mutating func appendTimestamp(microsecondsSince2000 value: Int64) {
        count += 1
        appendInt32(8)
        withUnsafeBytes(of: value.bigEndian) { body.append(contentsOf: $0) }
    }

    private mutating func appendInt32(_ value: Int32) {
        withUnsafeBytes(of: value.bigEndian) { body.append(contentsOf: $0) }
    }

    fileprivate mutating func restore(count: Int32, hasNull: Bool, body: ArraySlice<UInt8>) {
        self.count = count
        self.hasNull = hasNull
        self.body = Array(body)
    }

    fileprivate mutating func appendEncoded(_ other: BinaryArray) {
        body.append(contentsOf: other.body)
        count += other.count
        hasNull = hasNull || other.hasNull
    }

    /// The finished parameter.
    public func parameter() -> PostgresParameter {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(20 + body.count)
        for value in [Int32(1), hasNull ? 1 : 0, Int32(bitPattern: elementType), count, 1] {
            withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
        }
        bytes.append(contentsOf: body)
        return PostgresParameter(bytes: bytes, format: .binary, type: arrayType)
    }
}

extension BinaryArray {
    /// Appends every element of `other` (same element type): a batch's columns join a group's by concatenation.
    public mutating func append(contentsOf other: BinaryArray) {
        precondition(other.elementType == elementType, "joining arrays of different element types")
        appendEncoded(other)
    }
}

extension BinaryArray {
    /// Rebuilds an array from `parameter().bytes`, e.g. after it was kept on disk; nil if the bytes are not a
    /// one-dimensional binary array of `elementType`.
    public init?(encoded bytes: [UInt8], elementType: UInt32, arrayType: UInt32) {
        func int32(at offset: Int) -> Int32 {
            Int32(bitPattern: UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8
                  | UInt32(bytes[offset + 3]))
        }
        guard bytes.count >= 20, int32(at: 0) == 1, UInt32(bitPattern: int32(at: 8)) == elementType else { return nil }
        self.init(elementType: elementType, arrayType: arrayType)
        restore(count: int32(at: 12), hasNull: int32(at: 4) != 0, body: bytes[20...])
    }
}

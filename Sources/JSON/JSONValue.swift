/// A cheap view of one value in a document (the document's storage plus a tape index).
public struct JSONValue: Sendable {
    let storage: JSONStorage
    let index: Int

    var entry: TapeEntry {
        storage.tape[index]
    }

    public var kind: JSONKind {
        JSONKind(firstByte: storage.bytes[Int(entry.start)])
    }

    /// The value's exact source text; a string's includes its quotes.
    public var byteRange: Range<Int> {
        Int(entry.start) ..< Int(entry.end)
    }

    public var rawBytes: ArraySlice<UInt8> {
        storage.bytes[byteRange]
    }

    public var isNull: Bool {
        kind == .null
    }

    /// The members of an object or the elements of an array; 0 for any other value.
    public var count: Int {
        switch kind {
        case .object, .array: Int(entry.detail)
        case .string, .number, .true, .false, .null: 0
        }
    }

    public var string: JSONString? {
        kind == .string ? JSONString(storage: storage, index: index) : nil
    }

    public var bool: Bool? {
        switch kind {
        case .true: true
        case .false: false
        case .object, .array, .string, .number, .null: nil
        }
    }
}

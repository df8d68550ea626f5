public enum JSONKind: UInt8, Sendable {
    case object, array, string, number, `true`, `false`, null

    /// The tape does not store kinds: a value's first byte in the source already says what it is.
    init(firstByte: UInt8) {
        switch firstByte {
        case UInt8(ascii: "{"): self = .object
        case UInt8(ascii: "["): self = .array
        case UInt8(ascii: "\""): self = .string
        case UInt8(ascii: "t"): self = .true
        case UInt8(ascii: "f"): self = .false
        case UInt8(ascii: "n"): self = .null
        default: self = .number
        }
    }
}

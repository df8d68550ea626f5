import JSON

/// A LangSmith run or trace id: a UUID in its 36-character text form, kept lowercase so that the id of a run, the
/// ids inside its `dotted_order` and a later patch's id compare equal however the client cased them.
enum RunID {
    /// The lowercase UUID, or nil when `text` is not one.
    static func parse(_ text: some Collection<UInt8>) -> String? {
        guard text.count == 36 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(36)
        for (offset, byte) in text.enumerated() {
            if offset == 8 || offset == 13 || offset == 18 || offset == 23 {
                guard byte == UInt8(ascii: "-") else { return nil }
                out.append(byte)
                continue
            }
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"): out.append(byte)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): out.append(byte + 0x20)
            default: return nil
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The id a JSON value holds: nil for null, the lowercase UUID for a UUID string, else the error naming `field`.
    static func optional(_ value: JSONValue, field: String, index: Int?) throws(ValidationError) -> String? {
        if value.isNull { return nil }
        guard let text = value.string, let id = parse(text.decodedBytes()) else {
            throw ValidationError("invalid_field", "\(field) must be a UUID string (8-4-4-4-12 hex digits)",
                                  index: index, field: field)
        }
        return id
    }
}

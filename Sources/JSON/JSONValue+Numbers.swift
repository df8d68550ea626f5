extension JSONValue {
    /// The value of an integer literal (no fraction, no exponent) that fits in `Int64`; nil otherwise.
    public var int64: Int64? {
        guard kind == .number, entry.detail == 1 else { return nil }
        let literal = rawBytes
        let isNegative = literal.first == UInt8(ascii: "-")
        var value: Int64 = 0
        for byte in literal.dropFirst(isNegative ? 1 : 0) {
            let digit = Int64(byte - UInt8(ascii: "0"))
            // Accumulating toward the sign lets Int64.min through, whose magnitude is one more than Int64.max.
            let (shifted, shiftOverflow) = value.multipliedReportingOverflow(by: 10)
            let (next, digitOverflow) = isNegative
                ? shifted.subtractingReportingOverflow(digit)
                : shifted.addingReportingOverflow(digit)
            guard !shiftOverflow, !digitOverflow else { return nil }
            value = next
        }
        return value
    }

    /// The nearest `Double` to any number; ±infinity for a magnitude beyond `Double`'s range (`1e400`).
    public var double: Double? {
        guard kind == .number else { return nil }
        return Double(String(decoding: rawBytes, as: UTF8.self))
    }
}

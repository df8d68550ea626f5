/// Base64 with padding (RFC 4648, section 4): how protobuf's JSON mapping, and so OTLP/JSON, writes `bytes`.
public enum Base64 {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Appends four characters per three bytes, the last group padded with `=`.
    public static func append(_ bytes: some Collection<UInt8>, to out: inout [UInt8]) {
        var group: UInt32 = 0
        var count = 0
        for byte in bytes {
            group = group << 8 | UInt32(byte)
            count += 1
            if count == 3 {
                appendGroup(group, bytes: 3, to: &out)
                group = 0
                count = 0
            }
        }
        if count > 0 { appendGroup(group << (8 * UInt32(3 - count)), bytes: count, to: &out) }
    }

    /// A group of up to three bytes, left-aligned in 24 bits: one character per six bits sent, `=` for the rest.
    private static func appendGroup(_ group: UInt32, bytes: Int, to out: inout [UInt8]) {
        for index in 0..<4 {
            out.append(index <= bytes ? alphabet[Int(group >> UInt32(18 - 6 * index) & 0x3f)] : UInt8(ascii: "="))
        }
    }
}

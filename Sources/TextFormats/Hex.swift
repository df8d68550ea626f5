/// Lowercase hexadecimal, the form key hashes, content hashes, request ids and UUIDs are written in.
public enum Hex {
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends two digits per byte.
    public static func append(_ bytes: some Sequence<UInt8>, to out: inout [UInt8]) {
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
    }

    public static func string(_ bytes: some Collection<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        append(bytes, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// 16 bytes in the 8-4-4-4-12 form of a UUID.
    public static func uuid(_ bytes: [UInt8]) -> [UInt8] {
        precondition(bytes.count == 16, "a UUID has 16 bytes")
        var text: [UInt8] = []
        text.reserveCapacity(36)
        for (index, byte) in bytes.enumerated() {
            if index == 4 || index == 6 || index == 8 || index == 10 { text.append(UInt8(ascii: "-")) }
            append(CollectionOfOne(byte), to: &text)
        }
        return text
    }
}

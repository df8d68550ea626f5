/// Writing JSON text for responses.
public enum JSONText {
    /// Appends `string` as a JSON string literal: quotes and backslashes escaped, control characters written as
    /// `\n`, `\t` and the like or `\u00XX`, everything else (non-ASCII included) as its UTF-8.
    ///
    /// A NUL is written as `\u0000`, which is valid JSON but which `JSONDocument.parse` refuses, as `jsonb` does.
    public static func appendQuoted(_ string: String, to out: inout [UInt8]) {
        let hexDigits: StaticString = "0123456789abcdef"
        out.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            if let letter = shortEscapeLetter(for: byte) {
                out.append(UInt8(ascii: "\\"))
                out.append(letter)
            } else if byte < 0x20 {
                out.append(contentsOf: #"\u00"#.utf8)
                out.append(hexDigits.utf8Start[Int(byte >> 4)])
                out.append(hexDigits.utf8Start[Int(byte & 0xF)])
            } else {
                out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Appends `bytes` as a JSON string literal like `appendQuoted(_:to:)`. Invalid UTF-8 is written as U+FFFD, so
    /// the output is always valid JSON.
    public static func appendQuoted(utf8 bytes: some Collection<UInt8>, to out: inout [UInt8]) {
        appendQuoted(String(decoding: bytes, as: UTF8.self), to: &out)
    }

    /// The letter that follows the backslash when `byte` has a two-character escape.
    private static func shortEscapeLetter(for byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "\""): UInt8(ascii: "\"")
        case UInt8(ascii: "\\"): UInt8(ascii: "\\")
        case 0x0A: UInt8(ascii: "n")
        case 0x0D: UInt8(ascii: "r")
        case 0x09: UInt8(ascii: "t")
        case 0x08: UInt8(ascii: "b")
        case 0x0C: UInt8(ascii: "f")
        default: nil
        }
    }
}

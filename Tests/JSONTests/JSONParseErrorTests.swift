import JSON
import Testing

@Suite("JSONParseError")
struct JSONParseErrorTests {
    @Test("each message names the problem and the byte where it was found", arguments: [
        ("", "the document is empty: expected a JSON value"),
        ("[1,", "the document ends in the middle of a value at byte 3"),
        ("[1,]", "unexpected character at byte 3"),
        ("[\"\u{01}\"]", "control character in a string at byte 2: write it as a \\u escape"),
        (#""\x""#, #"invalid escape sequence at byte 1: only \" \\ \/ \b \f \n \r \t and \uXXXX are allowed"#),
        (#""\uDC00""#, #"unpaired UTF-16 surrogate escape at byte 1: \uD800-\uDBFF must be followed by \uDC00-\uDFFF"#),
        (#"{"k":"\u0000"}"#, #"\u0000 is not allowed in strings (byte 6)"#),
        ("01", "malformed number at byte 1"),
        ("1 2", "unexpected data after the JSON value at byte 2"),
    ])
    func describesEachReason(text: String, message: String) {
        #expect(parseError(text)?.description == message)
    }

    @Test("invalid UTF-8 is reported by byte offset")
    func describesInvalidUTF8() {
        #expect(parseError([0x22, 0x61, 0xFF, 0x22])?.description == "invalid UTF-8 at byte 2")
    }

    @Test("messages about limits name the limit in force")
    func describesLimits() {
        let deep = String(repeating: "[", count: 300)
        #expect(parseError(deep)?.description == "nesting deeper than 128 levels at byte 128")
        #expect(parseError(deep, limits: JSONLimits(maxDepth: 4))?.description == "nesting deeper than 4 levels at byte 4")
        #expect(
            parseError("[1e5000]")?.description
                == "number out of range at byte 1: at most 64 characters and a decimal exponent within ±1000 are accepted"
        )
    }
}

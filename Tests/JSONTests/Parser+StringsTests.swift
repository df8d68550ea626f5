import JSON
import Testing

@Suite("Parser: strings")
struct ParserStringsTests {
    @Test("every escape JSON defines is accepted")
    func acceptsValidEscapes() throws {
        let string = try parse(#""\" \\ \/ \b \f \n \r \t \u0041 \u00e9 \uFFFF \ud83d\ude00""#).root.string
        #expect(string?.hasEscapes == true)
    }

    @Test("a string without a backslash has no escapes")
    func notesStringsWithoutEscapes() throws {
        #expect(try parse(#""plain café""#).root.string?.hasEscapes == false)
    }

    @Test("a raw control character in a string is refused where it stands", arguments: Array(UInt8(0) ..< 0x20))
    func rejectsControlCharacters(byte: UInt8) {
        let error = parseError(Array(#"["ab"#.utf8) + [byte] + Array(#""]"#.utf8))
        #expect(error?.reason == .controlCharacter)
        #expect(error?.offset == 4)
    }

    @Test("DEL is not a control character JSON forbids")
    func acceptsDelete() throws {
        _ = try parse("\"a\u{7F}b\"")
    }

    @Test("an escape JSON does not define is invalid, reported at its backslash", arguments: [
        #"["ab\x"]"#, #"["ab\'"]"#, #"["ab\U0041"]"#, #"["ab\u12G4"]"#, #"["ab\u12"]"#, #"["ab\0"]"#, #"["ab\ "]"#,
    ])
    func rejectsInvalidEscapes(text: String) {
        #expect(parseError(text)?.reason == .invalidEscape)
        #expect(parseError(text)?.offset == 4)
    }

    @Test("\\u0000 is refused because jsonb cannot store it")
    func rejectsEscapedNul() {
        #expect(parseError(#"{"k":"a\u0000"}"#)?.reason == .nulCharacter)
        #expect(parseError(#"{"k":"a\u0000"}"#)?.offset == 7)
        #expect(parseError(#""\u0001""#) == nil)
    }

    @Test("a surrogate escape that is not part of a high-then-low pair is lone, reported at its backslash", arguments: [
        #"["x\uD83D"]"#, #"["x\uDE00"]"#, #"["x\uD83Dy"]"#, #"["x\uD83D\u0041"]"#, #"["x\uD83D\n"]"#,
        #"["x\uD83D\uD83D"]"#, #"["x\uDBFF\uE000"]"#, #"["x\uDE00\uD83D"]"#,
    ])
    func rejectsLoneSurrogates(text: String) {
        #expect(parseError(text)?.reason == .loneSurrogate)
        #expect(parseError(text)?.offset == 3)
    }

    @Test("a high surrogate escape just before the closing quote is lone, not cut short")
    func rejectsAHighSurrogateAtTheEndOfAString() {
        #expect(parseError(#""\uD83D""#)?.reason == .loneSurrogate)
        #expect(parseError(#""\uD83D""#)?.offset == 1)
    }

    @Test("surrogate pairs at both ends of their ranges are accepted", arguments: [
        #""\uD800\uDC00""#, #""\uDBFF\uDFFF""#, #""\ud83d\ude00""#,
    ])
    func acceptsSurrogatePairs(text: String) throws {
        _ = try parse(text)
    }

    @Test("input that ends inside a string or an escape ends unexpectedly", arguments: [
        "\"abc", "\"ab\\", "\"ab\\u00", "\"ab\\uD83D", "\"ab\\uD83D\\", "\"ab\\uD83D\\uDE",
    ])
    func rejectsUnterminatedStrings(text: String) {
        #expect(parseError(text)?.reason == .unexpectedEnd)
        #expect(parseError(text)?.offset == text.utf8.count)
    }

    // The scanner looks at eight bytes at a time; these put each kind of special byte at every position of a word.
    @Test("a closing quote ends the string wherever it falls in a word", arguments: 0 ..< 20)
    func findsTheClosingQuoteAtEveryPosition(length: Int) throws {
        let text = "[\"" + String(repeating: "a", count: length) + "\",\"" + String(repeating: "b", count: 19) + "\"]"
        let elements = Array(try parse(text).root.elements)
        #expect(elements[0].byteRange == 1 ..< 3 + length)
        #expect(elements[1].string?.rawContent.count == 19)
    }

    @Test("an escape, a non-ASCII scalar and a control character are found wherever they fall in a word",
          arguments: 0 ..< 20)
    func findsSpecialBytesAtEveryPosition(position: Int) throws {
        let prefix = "\"" + String(repeating: "a", count: position)
        let suffix = String(repeating: "z", count: 12) + "\""
        #expect(try parse(prefix + "\\n" + suffix).root.string?.hasEscapes == true)
        #expect(try parse(prefix + "é" + suffix).root.string?.unicodeScalarCount == position + 13)
        #expect(parseError(prefix + "\t" + suffix)?.offset == position + 1)
        #expect(parseError(Array(prefix.utf8) + [0xFF] + Array(suffix.utf8))?.offset == position + 1)
    }
}

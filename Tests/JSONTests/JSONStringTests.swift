import JSON
import Testing

@Suite("JSONString")
struct JSONStringTests {
    private func string(_ literal: String) throws -> JSONString {
        try #require(try parse(literal).root.string)
    }

    @Test("raw content is the text between the quotes, escapes as written")
    func exposesRawContent() throws {
        #expect(Array(try string(#""a\nb""#).rawContent) == Array(#"a\nb"#.utf8))
        #expect(try string(#""""#).rawContent.isEmpty)
    }

    @Test("each escape decodes to its character", arguments: [
        (#""\"""#, "\""), (#""\\""#, "\\"), (#""\/""#, "/"), (#""\b""#, "\u{08}"), (#""\f""#, "\u{0C}"),
        (#""\n""#, "\n"), (#""\r""#, "\r"), (#""\t""#, "\t"), (#""\u0041""#, "A"), (#""\u00e9""#, "é"),
        (#""\u20AC""#, "€"), (#""\uFFFF""#, "\u{FFFF}"), (#""\u0001""#, "\u{01}"),
    ])
    func decodesEscapes(literal: String, decoded: String) throws {
        #expect(try string(literal).decoded() == decoded)
        #expect(try string(literal).decodedBytes() == Array(decoded.utf8))
    }

    @Test("surrogate pairs decode to the scalar they encode")
    func decodesSurrogatePairs() throws {
        let decoded = try string(#""x\ud83d\ude00y\uD800\uDC00\uDBFF\uDFFF""#).decoded()
        #expect(decoded.unicodeScalars.map(\.value) == [0x78, 0x1F600, 0x79, 0x10000, 0x10FFFF])
    }

    @Test("text without escapes decodes to itself")
    func decodesPlainText() throws {
        #expect(try string(#""naïve café 日本語 🙂""#).decoded() == "naïve café 日本語 🙂")
    }

    @Test("the scalar count counts code points, not bytes or UTF-16 units", arguments: [
        (#""""#, 0), (#""abc""#, 3), (#""é日🙂""#, 3), (#""a\u00e9\ud83d\ude00\n""#, 4), (#""\\\"""#, 2),
    ])
    func countsScalars(literal: String, count: Int) throws {
        #expect(try string(literal).unicodeScalarCount == count)
    }

    @Test("equals compares unescaped content")
    func comparesUnescapedContent() throws {
        #expect(try string(#""café""#).equals("café"))
        #expect(try string(#""caf\u00e9""#).equals("café"))
        #expect(try string(#""\ud83d\ude00""#).equals("😀"))
        #expect(try !string(#""café""#).equals("cafe"))
        #expect(try !string(#""caf\u00e9""#).equals("caf"))
        #expect(try !string(#""caf""#).equals("caf\u{e9}s"))
        #expect(try string(#""""#).equals(""))
    }
}

import JSON
import Testing

@Suite("Parser: UTF-8")
struct ParserUTF8Tests {
    /// A document holding one string whose content is `content`, which starts at byte 2.
    private func document(containing content: [UInt8]) -> [UInt8] {
        Array(#"[""#.utf8) + content + Array(#""]"#.utf8)
    }

    @Test("well-formed sequences at the edges of each length and of the surrogate gap are accepted", arguments: [
        [0xC2, 0x80], [0xDF, 0xBF], [0xE0, 0xA0, 0x80], [0xED, 0x9F, 0xBF], [0xEE, 0x80, 0x80], [0xEF, 0xBF, 0xBF],
        [0xF0, 0x90, 0x80, 0x80], [0xF4, 0x8F, 0xBF, 0xBF],
    ] as [[UInt8]])
    func acceptsWellFormedSequences(sequence: [UInt8]) {
        #expect(parseError(document(containing: sequence)) == nil)
    }

    @Test("ill-formed sequences in strings are invalid UTF-8, reported where the bad sequence starts", arguments: [
        ([0xC0, 0x80], 0), ([0xC1, 0xBF], 0), ([0xE0, 0x80, 0x80], 0), ([0xE0, 0x9F, 0xBF], 0),
        ([0xF0, 0x80, 0x80, 0x80], 0), ([0xF0, 0x8F, 0xBF, 0xBF], 0),  // overlong
        ([0xED, 0xA0, 0x80], 0), ([0xED, 0xBF, 0xBF], 0),  // encoded surrogates
        ([0xF4, 0x90, 0x80, 0x80], 0), ([0xF5, 0x80, 0x80, 0x80], 0), ([0xFF], 0),  // beyond U+10FFFF
        ([0xC3], 0), ([0xE2, 0x82], 0), ([0x61, 0xF0, 0x9F, 0x98], 1),  // cut short
        ([0x80], 0), ([0xBF], 0), ([0xC3, 0xA9, 0xA9], 2),  // stray continuation bytes
    ] as [([UInt8], Int)])
    func rejectsIllFormedSequences(sequence: [UInt8], position: Int) {
        let bytes = document(containing: sequence)
        #expect(parseError(bytes)?.reason == .invalidUTF8)
        #expect(parseError(bytes)?.offset == 2 + position)
    }

    @Test("a sequence cut short by the end of input is invalid UTF-8")
    func rejectsSequencesCutByTheEnd() {
        #expect(parseError([0x22, 0xF0, 0x9F, 0x98])?.reason == .invalidUTF8)
    }

    @Test("invalid UTF-8 outside strings is invalid UTF-8, valid UTF-8 there is an unexpected byte")
    func classifiesNonASCIIOutsideStrings() {
        #expect(parseError([0x5B, 0xFF, 0x5D])?.reason == .invalidUTF8)
        #expect(parseError([0x31, 0x20, 0xC3])?.reason == .invalidUTF8)
        #expect(parseError([0x31, 0x20, 0xC3])?.offset == 2)
        #expect(parseError([0xED, 0xA0, 0x80])?.reason == .invalidUTF8)
        #expect(parseError("[é]")?.reason == .unexpectedByte)
        #expect(parseError("[é]")?.offset == 1)
    }
}

import JSON
import Testing

@Suite("JSONText")
struct JSONTextTests {
    private func quoted(_ string: String) -> String {
        var out: [UInt8] = []
        JSONText.appendQuoted(string, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    @Test("quotes, backslashes and control characters are escaped, everything else passes through")
    func escapesWhatJSONRequires() {
        #expect(quoted("say \"hi\"\\") == #""say \"hi\"\\""#)
        #expect(quoted("\n\r\t\u{08}\u{0C}") == #""\n\r\t\b\f""#)
        #expect(quoted("\u{01}\u{1F}\u{00}") == #""\u0001\u001f\u0000""#)
        #expect(quoted("/ \u{7F} é 🙂") == "\"/ \u{7F} é 🙂\"")
        #expect(quoted("") == #""""#)
    }

    @Test("text appends to what is already there")
    func appendsToExistingOutput() {
        var out = Array("[".utf8)
        JSONText.appendQuoted("a", to: &out)
        JSONText.appendQuoted(utf8: Array("b".utf8), to: &out)
        #expect(String(decoding: out, as: UTF8.self) == #"["a""b""#)
    }

    @Test("tricky strings survive a round trip through parse", arguments: [
        "plain", "quote \" and backslash \\ and slash /", "\\\"\\\"", "controls \u{01}\u{08}\u{0B}\u{1F}\n\r\t",
        "emoji 🙂👩‍👩‍👧 and 日本語", "\u{10FFFF}\u{FFFF}\u{E000}", "",
    ])
    func roundTrips(string: String) throws {
        var out: [UInt8] = []
        JSONText.appendQuoted(string, to: &out)
        #expect(try JSONDocument.parse(out).root.string?.decoded() == string)
    }

    @Test("invalid UTF-8 bytes are written as U+FFFD so the output stays valid JSON")
    func repairsInvalidUTF8() throws {
        var out: [UInt8] = []
        JSONText.appendQuoted(utf8: [0x61, 0xFF, 0xED, 0xA0, 0x80, 0x22], to: &out)
        #expect(try JSONDocument.parse(out).root.string?.decoded() == "a\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}\"")
    }
}

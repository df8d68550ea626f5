import Testing
import TextFormats

@Suite("Whitespace")
struct WhitespaceTests {
    @Test("Spaces and tabs go at both ends and stay inside", arguments: [
        (" \tvalue  ", "value"), ("a b", "a b"), ("", ""), (" \t ", ""), ("\tx\t y ", "x\t y"),
    ])
    func trims(text: String, expected: String) {
        #expect(String(text.trimmingSpacesAndTabs()) == expected)
    }

    @Test("Other whitespace is not optional whitespace in HTTP and stays")
    func keepsNewlines() {
        #expect(String(" a\n".trimmingSpacesAndTabs()) == "a\n")
    }
}

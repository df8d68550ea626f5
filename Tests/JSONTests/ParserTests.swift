import JSON
import Testing

@Suite("Parser: document structure")
struct ParserTests {
    @Test("any JSON value is accepted at the top level", arguments: [
        "1", "-2.5", "\"text\"", "true", "false", "null", "[]", "{}", "[1,[2,{}]]", #"{"a":{"b":[]}}"#,
    ])
    func acceptsAnyTopLevelValue(text: String) throws {
        _ = try parse(text)
    }

    @Test("space, tab, line feed and carriage return may surround and separate values")
    func acceptsTheFourWhitespaceCharacters() throws {
        let document = try parse(" \t\r\n{ \"a\" \n:\t[ 1 ,\r2 ] } \n")
        #expect(document.root.member("a")?.count == 2)
    }

    @Test("empty and whitespace-only input is empty", arguments: ["", " ", " \t\r\n "])
    func rejectsEmptyInput(text: String) {
        #expect(parseError(text)?.reason == .empty)
    }

    @Test("other whitespace is an unexpected byte", arguments: [
        ("\u{0C}1", 0), ("\u{0B}1", 0), ("[1,\u{00A0}2]", 3), ("\u{FEFF}{}", 0),
    ])
    func rejectsOtherWhitespace(text: String, offset: Int) {
        #expect(parseError(text)?.reason == .unexpectedByte)
        #expect(parseError(text)?.offset == offset)
    }

    @Test("anything but whitespace after the value is trailing data", arguments: [
        ("1 2", 2), ("{} x", 3), ("[1]]", 3), ("\"a\"\"b\"", 3), ("truex", 4), ("0x10", 1),
    ])
    func rejectsTrailingData(text: String, offset: Int) {
        #expect(parseError(text)?.reason == .trailingData)
        #expect(parseError(text)?.offset == offset)
    }

    @Test("syntax JSON does not have is an unexpected byte", arguments: [
        ("[1,]", 3), (#"{"a":1,}"#, 7), ("[,1]", 1), ("[1 2]", 3), ("[1}", 2), (#"{"a" 1}"#, 5), ("{1:2}", 1),
        ("{'a':1}", 1), ("'a'", 0), ("// c\n1", 0), ("/* c */ 1", 0), ("[1 /* c */]", 3), ("NaN", 0),
        ("Infinity", 0), ("[nul]", 4), ("[True]", 1), (#"{"a":1 "b":2}"#, 7),
    ])
    func rejectsSyntaxErrors(text: String, offset: Int) {
        #expect(parseError(text)?.reason == .unexpectedByte)
        #expect(parseError(text)?.offset == offset)
    }

    @Test("input that stops inside a value ends unexpectedly at its last byte", arguments: [
        "[", "[1,", #"{"a""#, #"{"a":"#, "{", #"{"a":1,"#, "tru", "[true, fals", "\"abc", "[[1]",
    ])
    func rejectsTruncatedInput(text: String) {
        #expect(parseError(text)?.reason == .unexpectedEnd)
        #expect(parseError(text)?.offset == text.utf8.count)
    }

    @Test("nesting up to the depth limit is accepted")
    func acceptsNestingAtTheLimit() throws {
        let text = String(repeating: "[", count: 128) + String(repeating: "]", count: 128)
        _ = try parse(text)
        _ = try parse(String(repeating: #"{"a":"#, count: 128) + "1" + String(repeating: "}", count: 128))
    }

    @Test("one level beyond the depth limit is too deep, at the bracket that goes past it")
    func rejectsNestingPastTheLimit() {
        let arrays = String(repeating: "[", count: 129) + String(repeating: "]", count: 129)
        #expect(parseError(arrays)?.reason == .tooDeep)
        #expect(parseError(arrays)?.offset == 128)
        let mixed = String(repeating: #"{"a":["#, count: 3) + "1" + String(repeating: "]}", count: 3)
        #expect(parseError(mixed, limits: JSONLimits(maxDepth: 5))?.reason == .tooDeep)
        #expect(parseError(mixed, limits: JSONLimits(maxDepth: 6)) == nil)
    }

    @Test("10,000 nested brackets are an error, not a crash")
    func rejectsHostileNesting() {
        let text = String(repeating: "[", count: 10_000)
        #expect(parseError(text)?.reason == .tooDeep)
        #expect(parseError(text)?.offset == 128)
        #expect(parseError(text + String(repeating: "]", count: 10_000), limits: JSONLimits(maxDepth: 10_000)) == nil)
    }

    @Test("the tape records each container's count and extent even when the input is deeply mixed")
    func indexesNestedContainers() throws {
        let text = #"[ {"a": [1, [2, 3], {}], "b": {"c": null}}, [], "x" ]"#
        let root = try parse(text).root
        #expect(root.count == 3)
        let elements = Array(root.elements)
        #expect(elements.map(\.kind) == [.object, .array, .string])
        #expect(sourceText(of: elements[0]) == #"{"a": [1, [2, 3], {}], "b": {"c": null}}"#)
        #expect(elements[0].count == 2)
        #expect(elements[0].member("a")?.count == 3)
        #expect(elements[0].member("b")?.member("c")?.isNull == true)
        #expect(elements[1].count == 0)
        #expect(sourceText(of: elements[2]) == "\"x\"")
    }
}

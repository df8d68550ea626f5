import JSON
import Testing

@Suite("JSONValue")
struct JSONValueTests {
    @Test("byte ranges cover exactly each value's source text, quotes and escapes included")
    func reportsExactByteRanges() throws {
        let text = #"{ "a\"b" : [ 1.5e3 , { "c\u0041" : "x\\y\ud83d\ude00" } , [ ] ] , "n" : null }"#
        let document = try parse(text)
        let root = document.root
        #expect(root.byteRange == 0 ..< text.utf8.count)
        let member = try #require(Array(root.members).first)
        #expect(member.key.rawContent.indices == 3 ..< 7)
        let array = member.value
        #expect(sourceText(of: array) == #"[ 1.5e3 , { "c\u0041" : "x\\y\ud83d\ude00" } , [ ] ]"#)
        let elements = Array(array.elements)
        #expect(sourceText(of: elements[0]) == "1.5e3")
        #expect(array.byteRange.lowerBound == 11)
        #expect(elements[0].byteRange == 13 ..< 18)
        #expect(sourceText(of: elements[1]) == #"{ "c\u0041" : "x\\y\ud83d\ude00" }"#)
        #expect(sourceText(of: elements[2]) == "[ ]")
        let inner = try #require(elements[1].member("cA"))
        #expect(sourceText(of: inner) == #""x\\y\ud83d\ude00""#)
        #expect(inner.rawBytes == document.bytes[inner.byteRange])
        #expect(root.member("n")?.byteRange == text.utf8.count - 6 ..< text.utf8.count - 2)
    }

    @Test("count is the number of members or elements, and 0 for scalars", arguments: [
        (#"{"a":1,"b":{"c":2}}"#, 2), ("[[1,2],[3],4]", 3), ("[]", 0), ("{}", 0), (#""abc""#, 0), ("12", 0),
        ("null", 0),
    ])
    func countsChildren(text: String, count: Int) throws {
        #expect(try parse(text).root.count == count)
    }

    @Test("booleans read as Bool, anything else as nil")
    func readsBooleans() throws {
        #expect(try parse("true").root.bool == true)
        #expect(try parse("false").root.bool == false)
        #expect(try parse("null").root.bool == nil)
        #expect(try parse("1").root.bool == nil)
    }

    @Test("only null is null")
    func readsNull() throws {
        #expect(try parse("null").root.isNull)
        #expect(try !parse("false").root.isNull)
        #expect(try !parse(#""null""#).root.isNull)
    }

    @Test("only strings have a string view")
    func readsStrings() throws {
        #expect(try parse(#""a""#).root.string?.decoded() == "a")
        #expect(try parse("1").root.string == nil)
        #expect(try parse(#"["a"]"#).root.string == nil)
    }
}

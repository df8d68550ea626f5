import JSON
import Testing

@Suite("JSONValue: members and elements")
struct JSONValueChildrenTests {
    @Test("members come in source order, nested containers skipped as a whole")
    func listsMembersInOrder() throws {
        let root = try parse(#"{"z":1,"a":{"x":[1,2,{"y":3}]},"m":[[]],"b":"s"}"#).root
        #expect(root.members.map { $0.key.decoded() } == ["z", "a", "m", "b"])
        #expect(root.members.map { sourceText(of: $0.value) } == ["1", #"{"x":[1,2,{"y":3}]}"#, "[[]]", #""s""#])
    }

    @Test("elements come in order, nested containers skipped as a whole")
    func listsElementsInOrder() throws {
        let root = try parse(#"[{"a":[1]}, [2, [3]], 4, "five", null]"#).root
        #expect(root.elements.map(sourceText(of:)) == [#"{"a":[1]}"#, "[2, [3]]", "4", #""five""#, "null"])
    }

    @Test("only objects have members and only arrays have elements")
    func keepsMembersAndElementsApart() throws {
        let array = try parse("[1,2]").root
        let object = try parse(#"{"a":1}"#).root
        let scalar = try parse("3").root
        #expect(Array(array.members).isEmpty)
        #expect(Array(object.elements).isEmpty)
        #expect(Array(scalar.members).isEmpty)
        #expect(Array(scalar.elements).isEmpty)
        #expect(Array(try parse("{}").root.members).isEmpty)
        #expect(Array(try parse("[]").root.elements).isEmpty)
    }

    @Test("member finds a key by its unescaped text")
    func findsMembersByUnescapedKey() throws {
        let root = try parse(#"{"plain":1,"caf\u00e9":2,"tab\there":3,"\ud83d\ude00":4}"#).root
        #expect(root.member("plain")?.int64 == 1)
        #expect(root.member("café")?.int64 == 2)
        #expect(root.member("tab\there")?.int64 == 3)
        #expect(root.member("😀")?.int64 == 4)
        #expect(root.member("caf") == nil)
        #expect(root.member("plainer") == nil)
    }

    @Test("member returns the first of duplicate keys")
    func findsTheFirstOfDuplicateKeys() throws {
        #expect(try parse(#"{"a":1,"\u0061":2,"a":3}"#).root.member("a")?.int64 == 1)
    }

    @Test("member looks only at the object's own keys")
    func ignoresNestedKeys() throws {
        let root = try parse(#"{"outer":{"inner":1},"list":[{"inner":2}]}"#).root
        #expect(root.member("inner") == nil)
        #expect(try parse(#"["a"]"#).root.member("a") == nil)
    }
}

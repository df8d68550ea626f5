import JSON
import Testing

@Suite("JSONKind")
struct JSONKindTests {
    @Test("a value's kind is what its source text starts with", arguments: [
        ("{}", JSONKind.object), ("[]", .array), ("\"\"", .string), ("-1", .number), ("0.5", .number),
        ("true", .true), ("false", .false), ("null", .null),
    ])
    func reportsTheKindOfEachValue(text: String, kind: JSONKind) throws {
        #expect(try parse(text).root.kind == kind)
        #expect(try parse(" [ \(text) ] ").root.elements.map(\.kind) == [kind])
    }
}

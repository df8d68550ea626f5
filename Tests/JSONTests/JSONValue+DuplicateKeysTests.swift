import JSON
import Testing

@Suite("JSONValue: duplicate keys")
struct JSONValueDuplicateKeysTests {
    @Test("an object with distinct keys has no duplicate", arguments: [
        "{}", #"{"a":1}"#, #"{"a":1,"b":2,"ab":3,"A":4}"#, #"{"a":{"a":1},"b":[{"a":2}]}"#,
    ])
    func findsNoDuplicateAmongDistinctKeys(text: String) throws {
        #expect(try parse(text).root.firstDuplicateKey() == nil)
    }

    @Test("the first key to repeat an earlier one is reported, in source order")
    func reportsTheFirstRepeat() throws {
        #expect(try parse(#"{"a":1,"b":2,"b":3,"a":4}"#).root.firstDuplicateKey() == "b")
    }

    @Test("keys that are equal once unescaped are duplicates")
    func comparesKeysUnescaped() throws {
        #expect(try parse(#"{"a":1,"\u0061":2}"#).root.firstDuplicateKey() == "a")
        #expect(try parse(#"{"\u00e9":1,"é":2}"#).root.firstDuplicateKey() == "é")
        #expect(try parse(#"{"\ud83d\ude00":1,"\uD83D\uDE00":2}"#).root.firstDuplicateKey() == "😀")
        #expect(try parse(#"{"a\/b":1,"a/b":2}"#).root.firstDuplicateKey() == "a/b")
    }

    @Test("large objects are compared by hashing, with the same answers")
    func findsDuplicatesInLargeObjects() throws {
        let keys = (0 ..< 20).map { #""k\#($0)":\#($0)"# }
        #expect(try parse("{" + keys.joined(separator: ",") + "}").root.firstDuplicateKey() == nil)
        let repeated = keys + [#""k\u0031\u0037":0"#, #""k3":0"#]
        #expect(try parse("{" + repeated.joined(separator: ",") + "}").root.firstDuplicateKey() == "k17")
    }

    // Comparing every pair of 100,000 keys would take minutes: a regression shows as a stalled suite.
    @Test("an object with 100,000 keys is checked, with and without a repeat")
    func handlesManyKeys() throws {
        let keys = (0 ..< 100_000).map { #""key-\#($0)":0"# }
        let unique = try parse("{" + keys.joined(separator: ",") + "}").root
        #expect(unique.firstDuplicateKey() == nil)
        let duplicated = try parse("{" + (keys + [#""key-99999":1"#]).joined(separator: ",") + "}").root
        #expect(duplicated.firstDuplicateKey() == "key-99999")
    }

    @Test("only objects have duplicate keys")
    func ignoresOtherValues() throws {
        #expect(try parse(#"["a","a"]"#).root.firstDuplicateKey() == nil)
        #expect(try parse(#""a""#).root.firstDuplicateKey() == nil)
    }
}

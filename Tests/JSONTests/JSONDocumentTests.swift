import JSON
import Testing

@Suite("JSONDocument")
struct JSONDocumentTests {
    /// A batch shaped like what hosts send: 100 events, each with 12 string and number fields and an `attributes`
    /// object, about 23 KB in all.
    static let batch: [UInt8] = {
        var text = #"{"events":["#
        for i in 0 ..< 100 {
            text += i == 0 ? "" : ","
            text += #"{"id":"e\#(i)","session":"s1","type":"tool","#
            text += #""ts":"2025-05-20T12:34:\#(10 + i % 50)Z","agent":"claude","decision":"allow","#
            text += #""reason":"rule \"ro\"","tool":"Bash","ms":\#(100 + i),"tier":"large","#
            text += #""seq":\#(i),"cost":0.0\#(i % 10)5,"attributes":{"cwd":"/srv","exit":0,"note":"caf\u00e9"}}"#
        }
        return Array((text + "]}").utf8)
    }()

    @Test("a realistic batch is indexed completely")
    func indexesARealisticBatch() throws {
        #expect((20_000 ... 26_000).contains(Self.batch.count))
        let events = try #require(try JSONDocument.parse(Self.batch).root.member("events"))
        #expect(events.count == 100)
        var latencyTotal: Int64 = 0
        for (i, event) in events.elements.enumerated() {
            #expect(event.count == 13)
            #expect(event.member("seq")?.int64 == Int64(i))
            #expect(event.member("reason")?.string?.decoded() == #"rule "ro""#)
            #expect(event.member("attributes")?.count == 3)
            #expect(event.member("attributes")?.member("note")?.string?.decoded() == "café")
            latencyTotal += event.member("ms")?.int64 ?? 0
        }
        #expect(latencyTotal == (100 ..< 200).reduce(0, +))
    }

    @Test("the document keeps its source bytes unchanged")
    func keepsTheSourceBytes() throws {
        let bytes = Array(#" {"a" : [1, 2]} "#.utf8)
        let document = try JSONDocument.parse(bytes)
        #expect(document.bytes == bytes)
        #expect(document.root.byteRange == 1 ..< 15)
    }

    @Test("values can be read from another task")
    func sharesValuesAcrossTasks() async throws {
        let root = try parse(#"{"a":"b"}"#).root
        let decoded = await Task.detached { root.member("a")?.string?.decoded() }.value
        #expect(decoded == "b")
    }
}

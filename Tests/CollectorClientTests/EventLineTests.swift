@testable import CollectorClient
import Foundation
import Testing

@Suite("EventLine")
struct EventLineTests {
    func normalize(_ text: String) throws -> String {
        String(decoding: try EventLine.normalize(Array(text.utf8), now: "2026-11-22T03:00:00.000Z", newID: { "id-1" }),
               as: UTF8.self)
    }

    @Test("timestamp and eventId are added when missing and kept when given")
    func fills() throws {
        #expect(try normalize(#"{"sessionId":"s","eventType":"t"}"#)
                == #"{"sessionId":"s","eventType":"t","timestamp":"2026-11-22T03:00:00.000Z","eventId":"id-1"}"#)
        #expect(try normalize(#"{"sessionId":"s","eventType":"t","timestamp":"2024-01-15T10:30:00Z","eventId":"mine"}"#)
                == #"{"sessionId":"s","eventType":"t","timestamp":"2024-01-15T10:30:00Z","eventId":"mine"}"#)
    }

    @Test("A pretty-printed event becomes one line; string contents keep their spaces")
    func compacts() throws {
        let line = try normalize("""
            {
              "sessionId": "s", "eventType": "t", "eventId": "e",
              "timestamp": "2024-01-15T10:30:00Z", "note": "two  spaces\\nand a newline", "list": [ 1, 2 ]
            }
            """)
        #expect(line == #"{"sessionId":"s","eventType":"t","eventId":"e","timestamp":"2024-01-15T10:30:00Z","note":"two  spaces\nand a newline","list":[1,2]}"#)
        #expect(!line.contains("\n"))
    }

    @Test("What is not an event is refused", arguments: ["[]", "{", #"{"sessionId":"s"}"#, #"{"eventType":"t"}"#, #"{"sessionId":1,"eventType":"t"}"#])
    func refuses(text: String) {
        #expect(throws: ClientError.self) { try normalize(text) }
    }

    @Test("now() is RFC 3339 in UTC with milliseconds, and ids are random UUIDs")
    func clockAndIDs() throws {
        #expect(try NSRegularExpression(pattern: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$"#)
                    .firstMatch(in: EventLine.now(), range: NSRange(location: 0, length: 24)) != nil)
        let ids = Set((0..<100).map { _ in EventLine.randomID() })
        #expect(ids.count == 100)
        #expect(ids.allSatisfy { $0.count == 36 && $0.split(separator: "-")[2].hasPrefix("4") })
    }
}

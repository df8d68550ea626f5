@testable import Collector
import Foundation
import JSON
import Testing

@Suite("OTLPValue")
struct OTLPValueTests {
    func plain(_ anyValue: String) throws -> String {
        var out: [UInt8] = []
        OTLPPlainJSON.append(try OTLPJSONMessages.anyValue(try JSONDocument.parse(Array(anyValue.utf8)).root), to: &out)
        _ = try JSONDocument.parse(out)
        return String(decoding: out, as: UTF8.self)
    }

    @Test("AnyValues become the plain JSON they stand for", arguments: [
        (#"{"stringValue":"claude-code"}"#, #""claude-code""#),
        (#"{"stringValue":"tab\there"}"#, #""tab\there""#),
        (#"{"boolValue":true}"#, "true"),
        (#"{"intValue":120}"#, "120"),
        (#"{"intValue":"9007199254740993"}"#, "9007199254740993"),
        (#"{"intValue":"-5"}"#, "-5"),
        (#"{"doubleValue":0.00072}"#, "0.00072"),
        (#"{"doubleValue":"1.5"}"#, "1.5"),
        (#"{"doubleValue":"NaN"}"#, #""NaN""#),
        (#"{"doubleValue":"-Infinity"}"#, #""-Infinity""#),
        (#"{"doubleValue":1e-7}"#, "1e-07"),
        (#"{"bytesValue":"aGVsbG8="}"#, #""aGVsbG8=""#),
        (#"{"arrayValue":{"values":[]}}"#, "[]"),
        (#"{"arrayValue":{"values":[{"intValue":"1"},{"stringValue":"a"},{}]}}"#, #"[1,"a",null]"#),
        (#"{"kvlistValue":{"values":[{"key":"k","value":{"boolValue":false}}]}}"#, #"{"k":false}"#),
        ("{}", "null"),
        (#"{"futureValue":1}"#, "null"),
        ("null", "null"),
    ])
    func anyValues(anyValue: String, expected: String) throws {
        #expect(try plain(anyValue) == expected)
    }

    @Test("Malformed AnyValues are errors, not guesses", arguments: [
        #"{"intValue":"12a"}"#, #"{"intValue":1.5}"#, #"{"intValue":"99999999999999999999"}"#, #"{"stringValue":5}"#,
        #"{"boolValue":"true"}"#, #"{"arrayValue":{"values":{}}}"#, #""bare string""#, #"{"bytesValue":"not base64!"}"#,
    ])
    func malformed(anyValue: String) {
        #expect(throws: OTLPValueError.self) { try plain(anyValue) }
    }

    @Test("Attribute lists become objects; a repeated key is kept as sent (jsonb keeps the last)")
    func keyValueLists() throws {
        let list = #"[{"key":"host","value":{"stringValue":"laptop"}},{"key":"n","value":{"intValue":"3"}},{"key":"empty"}]"#
        let out = OTLPPlainJSON.object(try OTLPJSONMessages.keyValues(try JSONDocument.parse(Array(list.utf8)).root))
        #expect(String(decoding: out, as: UTF8.self) == #"{"host":"laptop","n":3,"empty":null}"#)
        #expect(throws: OTLPValueError.self) {
            try OTLPJSONMessages.keyValues(try JSONDocument.parse(Array(#"[{"value":{}}]"#.utf8)).root)
        }
    }

    @Test("Times in nanoseconds since 1970, as strings or numbers, become microseconds since 2000; 0 means unknown")
    func times() throws {
        func micros(_ json: String) throws -> Int64? {
            OTLPValue.microsecondsSince2000(unixNanos: try OTLPValue.unixNanos(try JSONDocument.parse(Array(json.utf8)).root))
        }
        // 2026-11-22T02:14:18.051Z, from the logs fixture
        #expect(try micros(#""1795313658051000000""#) == 1_795_313_658_051_000 - 946_684_800_000_000)
        #expect(try micros("1795313658051000000") == 1_795_313_658_051_000 - 946_684_800_000_000)
        #expect(try micros("18446744073709551615") == Int64(UInt64.max / 1000) - 946_684_800_000_000)
        #expect(try micros(#""0""#) == nil)
        #expect(try micros("null") == nil)
        #expect(throws: OTLPValueError.self) { try micros(#""soon""#) }
        #expect(throws: OTLPValueError.self) { try micros("-1") }
    }
}

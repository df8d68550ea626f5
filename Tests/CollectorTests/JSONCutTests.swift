@testable import Collector
import Foundation
import JSON
import Testing

@Suite("JSONCut")
struct JSONCutTests {
    func cut(_ json: String, _ maxBytes: Int) throws -> (text: String, original: Int?) {
        let document = try JSONDocument.parse(Array(json.utf8))
        var out: [UInt8] = []
        let original = JSONCut.append(document.root, maxBytes: maxBytes, to: &out)
        _ = try JSONDocument.parse(out)  // always valid JSON
        return (String(decoding: out, as: UTF8.self), original)
    }

    @Test("A value within the budget is kept exactly, and no cut is reported")
    func smallValuesStayWhole() throws {
        let json = #"{"command":"echo hello","description":"Print hello"}"#
        #expect(try cut(json, json.utf8.count) == (json, nil))
    }

    @Test("A large object keeps its first members and the shape; the string that crosses the budget is cut")
    func objectsKeepTheirShape() throws {
        let content = String(repeating: "line of the file\n", count: 200)
        let json = #"{"file_path":"/home/dev/project/a.txt","content":"\#(content.replacingOccurrences(of: "\n", with: "\\n"))","tail":1}"#
        let (text, original) = try cut(json, 100)
        #expect(original == json.utf8.count)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["file_path"] as? String == "/home/dev/project/a.txt")
        let kept = try #require(object["content"] as? String)
        #expect(!kept.isEmpty && content.hasPrefix(kept))
        #expect(object["tail"] == nil)
        #expect(text.utf8.count <= 110)
    }

    @Test("A long string is cut on a character boundary, never inside a multi-byte character")
    func utf8Boundaries() throws {
        let json = "\"" + String(repeating: "é", count: 100) + "\""
        for budget in 10...20 {
            let (text, original) = try cut(json, budget)
            #expect(original == json.utf8.count)
            let decoded = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8), options: .fragmentsAllowed) as? String)
            #expect(decoded.allSatisfy { $0 == "é" })
            #expect(decoded.utf8.count <= budget - 2)
        }
    }

    @Test("A long array keeps its first elements")
    func arrays() throws {
        let json = "[" + (0..<1000).map { "\"/home/dev/file\($0).swift\"" }.joined(separator: ",") + "]"
        let (text, _) = try cut(json, 200)
        let array = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String])
        #expect(array.count > 3 && array.count < 20)
        #expect(array.first == "/home/dev/file0.swift")
    }

    @Test("Escapes in kept strings stay as sent")
    func escapes() throws {
        let json = #"{"a":"tab\there \"quoted\"","b":"\#(String(repeating: "x", count: 500))"}"#
        let (text, _) = try cut(json, 60)
        #expect(text.hasPrefix(#"{"a":"tab\there \"quoted\"","b":"xx"#))
    }
}

import Testing
@testable import Collector

@Suite("MultipartForm")
struct MultipartFormTests {
    static func body(_ parts: [(String, String)], boundary: String = "b0und", close: Bool = true) -> [UInt8] {
        var text = ""
        for (name, content) in parts {
            text += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\nContent-Type: application/json\r\n\r\n"
            text += content + "\r\n"
        }
        if close { text += "--\(boundary)--\r\n" }
        return Array(text.utf8)
    }

    @Test("Parts come back by name, type and exact bytes, CRLFs inside a body kept")
    func parts() throws {
        let form = try MultipartForm(Self.body([("post.a", "{\"x\":1}"), ("post.a.inputs", "{\r\n}")]), boundary: "b0und")
        #expect(form.parts.map(\.name) == ["post.a", "post.a.inputs"])
        #expect(form.parts.map { String(decoding: $0.body, as: UTF8.self) } == ["{\"x\":1}", "{\r\n}"])
        #expect(form.parts[0].contentType == "application/json")
    }

    @Test("A preamble before the first boundary is skipped")
    func preamble() throws {
        let form = try MultipartForm(Array("ignored\r\n".utf8) + Self.body([("p", "1")]), boundary: "b0und")
        #expect(form.parts.map(\.name) == ["p"])
    }

    @Test("The boundary comes from the Content-Type, quoted or not")
    func boundaryParameter() {
        #expect(MultipartForm.boundary(ofContentType: "multipart/form-data; boundary=95eac466") == "95eac466")
        #expect(MultipartForm.boundary(ofContentType: #"multipart/form-data; charset=utf-8; BOUNDARY="a b""#) == "a b")
        #expect(MultipartForm.boundary(ofContentType: "multipart/form-data") == nil)
        #expect(MultipartForm.boundary(ofContentType: "multipart/form-data; boundary=") == nil)
        #expect(MultipartForm.boundary(ofContentType: "multipart/form-data; boundary=" + String(repeating: "x", count: 71)) == nil)
    }

    @Test("Broken bodies are errors, not parts", arguments: [
        ("no boundary line", Array("{\"post\":[]}".utf8)),
        ("a part cut short", Array(body([("p", "1")], close: false).dropLast(12))),
        ("no closing boundary", body([("p", "1")], close: false)),
        ("headers that never end", Array("--b0und\r\nContent-Disposition: form-data; name=\"p\"\r\n".utf8)),
        ("a part without a name", Array("--b0und\r\nContent-Type: application/json\r\n\r\n1\r\n--b0und--".utf8)),
        ("a header line without a colon", Array("--b0und\r\nbroken\r\n\r\n1\r\n--b0und--".utf8)),
        ("a boundary line with garbage after it", Array("--b0undx\r\n\r\n1\r\n--b0und--".utf8)),
        ("a NUL in a part's name", Array("--b0und\r\nContent-Disposition: form-data; name=\"attachment.x.a\u{0}b\"\r\n\r\n1\r\n--b0und--".utf8)),
    ])
    func broken(name: String, body: [UInt8]) {
        #expect(throws: MultipartForm.Error.self, "\(name)") { try MultipartForm(body, boundary: "b0und") }
    }
}

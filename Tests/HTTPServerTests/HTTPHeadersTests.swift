import HTTPServer
import Testing

@Suite("HTTPHeaders")
struct HTTPHeadersTests {
    private let headers = HTTPHeaders([("Content-Type", "text/plain"), ("X-Tag", "a"), ("x-tag", "b")])

    @Test("Fields keep their order and spelling")
    func order() {
        #expect(headers.map(\.name) == ["Content-Type", "X-Tag", "x-tag"])
        #expect(headers.map(\.value) == ["text/plain", "a", "b"])
        #expect(headers.count == 3)
    }

    @Test("Looking up a name ignores ASCII case and gives the first value")
    func subscriptByName() {
        #expect(headers["content-type"] == "text/plain")
        #expect(headers["X-TAG"] == "a")
        #expect(headers["Missing"] == nil)
    }

    @Test("All values of a name come back in order")
    func values() {
        #expect(headers.values("X-Tag") == ["a", "b"])
        #expect(headers.values("Missing") == [])
    }

    @Test("Contains ignores ASCII case")
    func contains() {
        #expect(headers.contains("CONTENT-type"))
        #expect(!headers.contains("Content"))
    }

    @Test("Adding a field appends it after the others")
    func add() {
        var headers = HTTPHeaders()
        headers.add(name: "A", value: "1")
        headers.add(name: "a", value: "2")
        #expect(headers == HTTPHeaders([("A", "1"), ("a", "2")]))
        #expect(headers.values("A") == ["1", "2"])
    }

    @Test("Headers are equal only with the same fields spelled the same in the same order")
    func equality() {
        #expect(HTTPHeaders([("A", "1")]) != HTTPHeaders([("a", "1")]))
        #expect(HTTPHeaders([("A", "1"), ("B", "2")]) != HTTPHeaders([("B", "2"), ("A", "1")]))
    }
}

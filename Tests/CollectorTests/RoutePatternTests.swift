import Testing
@testable import Collector

@Suite("Route patterns")
struct RoutePatternTests {
    let sessions = RoutePattern("/api/v1/sessions/{host}/{session}")

    @Test("A {name} segment matches one non-empty segment, percent-decoded")
    func parameters() {
        #expect(sessions.match("/api/v1/sessions/laptop/abc123") == ["host": "laptop", "session": "abc123"])
        #expect(sessions.match("/api/v1/sessions/my%20laptop/a%2Fb") == ["host": "my laptop", "session": "a/b"])
        #expect(!sessions.isLiteral)
        #expect(RoutePattern("/api/v1/health").isLiteral)
    }

    @Test("Other segments match only themselves; a missing, extra, empty or badly encoded segment does not match")
    func mismatches() {
        for path in ["/api/v1/sessions/laptop", "/api/v1/sessions/laptop/s/x", "/api/v1/sessions//s",
                     "/api/v1/session/laptop/s", "/api/v1/sessions/laptop/%zz", "/api/v1/sessions/laptop/%ff"] {
            #expect(sessions.match(path) == nil, "\(path)")
        }
    }
}

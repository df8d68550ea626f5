@testable import Collector
import Testing

@Suite("RFC 3339 timestamps")
struct TimestampTests {
    func parse(_ text: String) -> Int64? { Timestamp.parse(Array(text.utf8)) }

    @Test("UTC, offsets and fractions give microseconds since 2000-01-01 UTC")
    func valid() {
        #expect(parse("2000-01-01T00:00:00Z") == 0)
        #expect(parse("2000-01-01T01:00:00+01:00") == 0)
        #expect(parse("1999-12-31T23:59:59.5Z") == -500_000)
        #expect(parse("2024-01-15T10:30:00Z") == 758_629_800_000_000)
        #expect(parse("2024-01-15t10:30:00.123456789z") == 758_629_800_123_456)
        #expect(parse("2024-02-29T00:00:00Z") != nil)
        #expect(parse("9999-12-31T23:59:59Z") != nil)
        #expect(parse("2016-12-31T23:59:60Z") == parse("2017-01-01T00:00:00Z"))
    }

    @Test("Anything else is refused", arguments: [
        "2024-01-15", "2024-01-15T10:30:00", "2024-01-15 10:30:00Z", "2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z",
        "2024-01-32T00:00:00Z", "2024-01-15T24:00:00Z", "2024-01-15T10:60:00Z", "10000-01-01T00:00:00Z",
        "2024-01-15T10:30:00.Z", "2024-01-15T10:30:00.1234567890Z", "2024-01-15T10:30:00+0100", "0000-01-01T00:00:00Z",
        "2024-01-15T10:30:00Z ", "yesterday", "", "2024-01-15T10:30:60Z", "9999-12-31T23:59:59-00:01",
        "0001-01-01T00:00:00+00:01",
    ])
    func invalid(text: String) {
        #expect(parse(text) == nil)
    }
}

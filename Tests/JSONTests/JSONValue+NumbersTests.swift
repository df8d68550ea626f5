import JSON
import Testing

@Suite("JSONValue: numbers")
struct JSONValueNumbersTests {
    @Test("integer literals that fit Int64 read exactly, up to both ends of its range", arguments: [
        ("0", Int64(0)), ("-0", 0), ("42", 42), ("-7", -7), ("9223372036854775807", .max),
        ("-9223372036854775808", .min),
    ])
    func readsInt64(text: String, value: Int64) throws {
        #expect(try parse(text).root.int64 == value)
    }

    @Test("integers one beyond Int64's range, fractions, exponents and non-numbers have no Int64", arguments: [
        "9223372036854775808", "-9223372036854775809", "123456789012345678901234567890", "1.0", "1e2", "1E0",
        "\"1\"", "true",
    ])
    func refusesInt64(text: String) throws {
        #expect(try parse(text).root.int64 == nil)
    }

    @Test("any number reads as the nearest Double", arguments: [
        ("0", 0.0), ("-0", -0.0), ("1.5", 1.5), ("1E+2", 100), ("-2.5e-3", -0.0025),
        ("9223372036854775808", 9_223_372_036_854_775_808), ("1e400", .infinity), ("-1e400", -.infinity),
        ("1e-400", 0),
    ])
    func readsDouble(text: String, value: Double) throws {
        #expect(try parse(text).root.double == value)
    }

    @Test("non-numbers have no Double")
    func refusesDouble() throws {
        #expect(try parse("\"1.5\"").root.double == nil)
        #expect(try parse("null").root.double == nil)
    }
}

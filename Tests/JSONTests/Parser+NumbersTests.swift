import JSON
import Testing

@Suite("Parser: numbers")
struct ParserNumbersTests {
    @Test("numbers in JSON's grammar and within the limits are accepted", arguments: [
        "0", "-0", "7", "-42", "1.5", "-0.0", "1e5", "1E+2", "1e-2", "2.5E-3", "0e0",
        "123456789012345678901234567890", "1e400", "-1e-400", "1e1000", "1e-1000", "9.99e999", "10e999",
    ])
    func acceptsNumbers(text: String) throws {
        #expect(try parse(text).root.kind == .number)
        #expect(Array(try parse("[\(text)]").root.elements).first?.byteRange == 1 ..< 1 + text.utf8.count)
    }

    @Test("a number outside JSON's grammar is invalid where the grammar breaks", arguments: [
        ("01", 1), ("-01", 2), ("00", 1), ("+1", 0), (".5", 0), ("1.", 2), ("1.e5", 2), ("1e", 2), ("1e+", 3),
        ("1E-", 3), ("-", 1), ("-a", 1), ("[-]", 2), ("[1.]", 3), ("-Infinity", 1), ("[.5]", 1), ("[01]", 2),
    ])
    func rejectsMalformedNumbers(text: String, offset: Int) {
        #expect(parseError(text)?.reason == .invalidNumber)
        #expect(parseError(text)?.offset == offset)
    }

    @Test("a number literal longer than the limit is out of range, reported at its start")
    func rejectsLongNumbers() {
        let sixtyFourDigits = String(repeating: "9", count: 64)
        #expect(parseError(sixtyFourDigits) == nil)
        #expect(parseError("[" + sixtyFourDigits + "9]")?.reason == .numberOutOfRange)
        #expect(parseError("[" + sixtyFourDigits + "9]")?.offset == 1)
        #expect(parseError(String(repeating: "1", count: 10_000))?.reason == .numberOutOfRange)
        #expect(parseError("0." + String(repeating: "0", count: 10_000))?.reason == .numberOutOfRange)
        #expect(parseError("12345", limits: JSONLimits(maxNumberLength: 4))?.reason == .numberOutOfRange)
    }

    @Test("a number whose normalised exponent is beyond the limit is out of range", arguments: [
        "1e999999", "1e1001", "-1e-1001", "10e1000", "123.4e999", "0.001e-998", "1e99999999999999999999",
    ])
    func rejectsExponentsBeyondTheNormalisedLimit(text: String) {
        #expect(parseError(text)?.reason == .numberOutOfRange)
        #expect(parseError(text)?.offset == 0)
    }

    // numeric refuses a written exponent out of range even when the value it denotes is small or zero.
    @Test("a number whose written exponent is beyond the limit is out of range", arguments: [
        "0e-99999", "0e1001", "0.0001e1001", "1000e-1002",
    ])
    func rejectsWrittenExponentsBeyondTheLimit(text: String) {
        #expect(parseError(text)?.reason == .numberOutOfRange)
    }

    @Test("the exponent limit can be set")
    func honoursACustomExponentLimit() {
        let limits = JSONLimits(maxExponent: 10)
        #expect(parseError("1e10", limits: limits) == nil)
        #expect(parseError("12345678901", limits: limits) == nil)
        #expect(parseError("123456789012", limits: limits)?.reason == .numberOutOfRange)
        #expect(parseError("0.00000000001", limits: limits)?.reason == .numberOutOfRange)
    }
}

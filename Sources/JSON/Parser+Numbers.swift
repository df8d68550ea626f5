extension Parser {
    /// Validates the number literal that starts at `start`, appends its tape entry and returns the offset after it.
    ///
    /// Beyond JSON's grammar, a literal must fit `limits`: PostgreSQL stores `jsonb` numbers as `numeric`, which
    /// refuses exponents far out of range, and long literals are cheap to send and costly to convert.
    mutating func parseNumber(at start: Int) throws(JSONParseError) -> Int {
        let end = input.count
        var i = start
        if input[i] == UInt8(ascii: "-") {
            i += 1
        }

        let integerStart = i
        guard i < end, isDigit(input[i]) else { throw failure(.invalidNumber, at: i) }
        if input[i] == UInt8(ascii: "0") {
            i += 1
            guard i == end || !isDigit(input[i]) else { throw failure(.invalidNumber, at: i) }
        } else {
            i = skipDigits(from: i)
        }
        let integerDigits = i - integerStart
        let integerIsZero = input[integerStart] == UInt8(ascii: "0")

        var isInteger = true
        // When the integer part is zero: the zeros between the decimal point and the first significant digit,
        // nil if there is no significant digit (the number is zero).
        var fractionLeadingZeros: Int? = nil
        if i < end, input[i] == UInt8(ascii: ".") {
            isInteger = false
            i += 1
            let fractionStart = i
            guard i < end, isDigit(input[i]) else { throw failure(.invalidNumber, at: i) }
            i = skipDigits(from: i)
            if integerIsZero, let significant = (fractionStart ..< i).first(where: { input[$0] != UInt8(ascii: "0") }) {
                fractionLeadingZeros = significant - fractionStart
            }
        }

        var writtenExponent = 0
        if i < end, input[i] | 0x20 == UInt8(ascii: "e") {
            isInteger = false
            i += 1
            var isNegative = false
            if i < end, input[i] == UInt8(ascii: "-") || input[i] == UInt8(ascii: "+") {
                isNegative = input[i] == UInt8(ascii: "-")
                i += 1
            }
            guard i < end, isDigit(input[i]) else { throw failure(.invalidNumber, at: i) }
            while i < end, isDigit(input[i]) {
                // Saturating keeps a very long exponent from overflowing before the length limit rejects it.
                writtenExponent = min(writtenExponent * 10 + Int(input[i] - UInt8(ascii: "0")), 1 << 40)
                i += 1
            }
            if isNegative {
                writtenExponent = -writtenExponent
            }
        }

        guard i - start <= limits.maxNumberLength else { throw failure(.numberOutOfRange, at: start) }
        // The power of ten of the first significant digit, as in scientific notation; zero has none.
        let normalisedExponent =
            if !integerIsZero { integerDigits - 1 + writtenExponent }
            else if let fractionLeadingZeros { writtenExponent - fractionLeadingZeros - 1 }
            else { 0 }
        guard abs(writtenExponent) <= limits.maxExponent, abs(normalisedExponent) <= limits.maxExponent else {
            throw failure(.numberOutOfRange, at: start)
        }

        appendScalar(from: start, to: i, detail: isInteger ? 1 : 0)
        return i
    }

    @inline(__always)
    func isDigit(_ byte: UInt8) -> Bool {
        byte &- UInt8(ascii: "0") < 10
    }

    @inline(__always)
    func skipDigits(from start: Int) -> Int {
        var i = start
        while i < input.count, isDigit(input[i]) {
            i += 1
        }
        return i
    }
}

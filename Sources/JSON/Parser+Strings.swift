extension Parser {
    /// Validates the string whose opening quote is at `start`, appends its tape entry and returns the offset after
    /// its closing quote.
    ///
    /// Besides JSON's own rules this refuses what PostgreSQL's `jsonb` refuses: `\u0000` and surrogate escapes that
    /// do not form a pair.
    mutating func parseString(at start: Int) throws(JSONParseError) -> Int {
        let end = input.count
        var i = start + 1
        var hasEscapes = false
        while true {
            i = skipPlainASCII(from: i)
            guard i < end else { throw failure(.unexpectedEnd, at: end) }
            let byte = input[i]
            if byte == UInt8(ascii: "\"") {
                break
            } else if byte == UInt8(ascii: "\\") {
                hasEscapes = true
                i = try skipEscape(at: i)
            } else if byte < 0x20 {
                throw failure(.controlCharacter, at: i)
            } else {
                guard let length = utf8SequenceLength(at: i) else { throw failure(.invalidUTF8, at: i) }
                i += length
            }
        }
        appendScalar(from: start, to: i + 1, detail: hasEscapes ? 1 : 0)
        return i + 1
    }

    /// The offset of the first byte at or after `start` that is a quote, a backslash, a control character or not
    /// ASCII; the end of input if there is none.
    ///
    /// Most string content is plain ASCII, so this looks at eight bytes per step.
    @inline(__always)
    func skipPlainASCII(from start: Int) -> Int {
        var i = start
        let end = input.count
        let base = UnsafeRawPointer(input.baseAddress!)
        while i &+ 8 <= end {
            let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            let special = Self.specialByteLanes(in: word)
            if special != 0 {
                return i &+ special.trailingZeroBitCount &>> 3
            }
            i &+= 8
        }
        while i < end {
            let byte = input[i]
            if byte < 0x20 || byte >= 0x80 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                return i
            }
            i += 1
        }
        return i
    }

    /// Sets the high bit of each byte lane of `word` (bytes in memory order, lowest lane first) that holds a quote,
    /// a backslash, a byte below 0x20 or a byte from 0x80 up.
    ///
    /// Subtraction borrows can also flag lanes above a flagged one, never below, so the lowest flag is exact.
    @inline(__always)
    static func specialByteLanes(in word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits: UInt64 = 0x8080_8080_8080_8080
        let quotes = word ^ (ones &* UInt64(UInt8(ascii: "\"")))
        let backslashes = word ^ (ones &* UInt64(UInt8(ascii: "\\")))
        let zeroQuotes = (quotes &- ones) & ~quotes
        let zeroBackslashes = (backslashes &- ones) & ~backslashes
        let belowSpaceOrHigh = (word &- ones &* 0x20) | word
        return (zeroQuotes | zeroBackslashes | belowSpaceOrHigh) & highBits
    }

    /// Validates the escape sequence whose backslash is at `i`; returns the offset after it.
    func skipEscape(at i: Int) throws(JSONParseError) -> Int {
        guard i + 1 < input.count else { throw failure(.unexpectedEnd, at: input.count) }
        switch input[i + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
             UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            return i + 2
        case UInt8(ascii: "u"):
            switch try codeUnit(ofEscapeAt: i) {
            case 0:
                throw failure(.nulCharacter, at: i)
            case 0xD800...0xDBFF:
                let low = i + 6
                guard low < input.count else { throw failure(.unexpectedEnd, at: input.count) }
                guard input[low] == UInt8(ascii: "\\") else { throw failure(.loneSurrogate, at: i) }
                guard low + 1 < input.count else { throw failure(.unexpectedEnd, at: input.count) }
                guard input[low + 1] == UInt8(ascii: "u"), (0xDC00...0xDFFF).contains(try codeUnit(ofEscapeAt: low))
                else { throw failure(.loneSurrogate, at: i) }
                return i + 12
            case 0xDC00...0xDFFF:
                throw failure(.loneSurrogate, at: i)
            default:
                return i + 6
            }
        default:
            throw failure(.invalidEscape, at: i)
        }
    }

    /// The UTF-16 code unit of the `\uXXXX` escape whose backslash is at `i`.
    func codeUnit(ofEscapeAt i: Int) throws(JSONParseError) -> UInt16 {
        var unit: UInt16 = 0
        for j in i + 2 ..< i + 6 {
            guard j < input.count else { throw failure(.unexpectedEnd, at: input.count) }
            guard let digit = hexDigitValue(input[j]) else { throw failure(.invalidEscape, at: i) }
            unit = unit << 4 | UInt16(digit)
        }
        return unit
    }
}

/// The value of an ASCII hexadecimal digit, or nil for any other byte.
@inline(__always)
func hexDigitValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    default: nil
    }
}

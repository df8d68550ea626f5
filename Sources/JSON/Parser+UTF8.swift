extension Parser {
    /// The length of the well-formed multi-byte UTF-8 sequence that starts at `i`, or nil if there is none there.
    ///
    /// Follows the Unicode standard's table of well-formed sequences (and PostgreSQL's check of text input), so
    /// overlong forms, encoded surrogates (ED A0-BF), scalars above U+10FFFF, stray continuation bytes and sequences
    /// cut short are all refused.
    @inline(__always)
    func utf8SequenceLength(at i: Int) -> Int? {
        let end = input.count
        @inline(__always)
        func isContinuation(_ j: Int, _ range: ClosedRange<UInt8> = 0x80...0xBF) -> Bool {
            j < end && range.contains(input[j])
        }
        switch input[i] {
        case 0xC2...0xDF:
            return isContinuation(i + 1) ? 2 : nil
        case 0xE0:
            return isContinuation(i + 1, 0xA0...0xBF) && isContinuation(i + 2) ? 3 : nil
        case 0xE1...0xEC, 0xEE...0xEF:
            return isContinuation(i + 1) && isContinuation(i + 2) ? 3 : nil
        case 0xED:
            return isContinuation(i + 1, 0x80...0x9F) && isContinuation(i + 2) ? 3 : nil
        case 0xF0:
            return isContinuation(i + 1, 0x90...0xBF) && isContinuation(i + 2) && isContinuation(i + 3) ? 4 : nil
        case 0xF1...0xF3:
            return isContinuation(i + 1) && isContinuation(i + 2) && isContinuation(i + 3) ? 4 : nil
        case 0xF4:
            return isContinuation(i + 1, 0x80...0x8F) && isContinuation(i + 2) && isContinuation(i + 3) ? 4 : nil
        default:
            return nil
        }
    }
}

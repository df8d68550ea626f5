/// Validates a document and builds its tape in one pass over the bytes.
///
/// The parser is a loop, not a recursion: the containers that are open live in `open`, a stack bounded by
/// `limits.maxDepth`, so hostile nesting ends in `.tooDeep` instead of exhausting the thread's stack.
struct Parser {
    /// A container whose opening bracket has been read and whose closing bracket has not.
    struct OpenContainer {
        let tapeIndex: Int
        let start: UInt32
        let isObject: Bool
        var count: UInt32
    }

    let input: UnsafeBufferPointer<UInt8>
    let limits: JSONLimits
    var tape: [TapeEntry] = []
    var open: [OpenContainer] = []

    init(input: UnsafeBufferPointer<UInt8>, limits: JSONLimits) {
        self.input = input
        self.limits = limits
        // Typical telemetry has a value every 10-20 bytes; starting near that saves most regrowth without
        // reserving much more than the document itself.
        tape.reserveCapacity(input.count / 16 + 8)
        open.reserveCapacity(16)
    }

    mutating func parseDocument() throws(JSONParseError) {
        let end = input.count
        var i = skipWhitespace(from: 0)
        guard i < end else { throw failure(.empty, at: end) }

        nextValue: while true {
            guard i < end else { throw failure(.unexpectedEnd, at: end) }
            switch input[i] {
            case UInt8(ascii: "{"):
                try openContainer(at: i, isObject: true)
                i = skipWhitespace(from: i + 1)
                guard i < end, input[i] == UInt8(ascii: "}") else {
                    i = try parseKey(at: i)
                    continue nextValue
                }
                i = closeContainer(at: i)
            case UInt8(ascii: "["):
                try openContainer(at: i, isObject: false)
                i = skipWhitespace(from: i + 1)
                guard i < end, input[i] == UInt8(ascii: "]") else { continue nextValue }
                i = closeContainer(at: i)
            case UInt8(ascii: "\""):
                i = try parseString(at: i)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                i = try parseNumber(at: i)
            case UInt8(ascii: "t"):
                i = try parseLiteral("true", at: i)
            case UInt8(ascii: "f"):
                i = try parseLiteral("false", at: i)
            case UInt8(ascii: "n"):
                i = try parseLiteral("null", at: i)
            case UInt8(ascii: "+"), UInt8(ascii: "."):
                throw failure(.invalidNumber, at: i)
            default:
                throw unexpected(at: i)
            }

            // A value has ended. What follows it is a comma, the end of its container (which ends a value in turn),
            // or, at the top level, the end of the document.
            while true {
                i = skipWhitespace(from: i)
                guard let container = open.last else {
                    guard i == end else { throw unexpected(at: i, reason: .trailingData) }
                    return
                }
                open[open.count - 1].count += 1
                guard i < end else { throw failure(.unexpectedEnd, at: end) }
                let byte = input[i]
                if byte == UInt8(ascii: ",") {
                    i = skipWhitespace(from: i + 1)
                    if container.isObject {
                        i = try parseKey(at: i)
                    }
                    continue nextValue
                }
                guard byte == (container.isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) else {
                    throw unexpected(at: i)
                }
                i = closeContainer(at: i)
            }
        }
    }

    func failure(_ reason: JSONParseError.Reason, at offset: Int) -> JSONParseError {
        JSONParseError(reason, at: offset, limits: limits)
    }

    /// The error for a byte that cannot come next. Bytes that are not UTF-8 at all are reported as such, so every
    /// document with invalid UTF-8 is rejected as `.invalidUTF8` wherever it occurs.
    func unexpected(at i: Int, reason: JSONParseError.Reason = .unexpectedByte) -> JSONParseError {
        if i >= input.count {
            return failure(.unexpectedEnd, at: input.count)
        }
        if input[i] >= 0x80, utf8SequenceLength(at: i) == nil {
            return failure(.invalidUTF8, at: i)
        }
        return failure(reason, at: i)
    }

    @inline(__always)
    func skipWhitespace(from start: Int) -> Int {
        var i = start
        while i < input.count {
            switch input[i] {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"):
                i += 1
            default:
                return i
            }
        }
        return i
    }

    /// Reads an object member's key and its colon; returns the offset of the member's value.
    mutating func parseKey(at start: Int) throws(JSONParseError) -> Int {
        guard start < input.count, input[start] == UInt8(ascii: "\"") else { throw unexpected(at: start) }
        // Parsing before skipping, in two statements: an unoptimised build evaluates `skipWhitespace`'s `self`
        // first, and that copy would make every append to the tape copy it.
        let keyEnd = try parseString(at: start)
        var i = skipWhitespace(from: keyEnd)
        guard i < input.count, input[i] == UInt8(ascii: ":") else { throw unexpected(at: i) }
        i = skipWhitespace(from: i + 1)
        return i
    }

    mutating func openContainer(at i: Int, isObject: Bool) throws(JSONParseError) {
        guard open.count < limits.maxDepth else { throw failure(.tooDeep, at: i) }
        open.append(OpenContainer(tapeIndex: tape.count, start: UInt32(i), isObject: isObject, count: 0))
        tape.append(TapeEntry(start: UInt32(i), end: 0, next: 0, detail: 0))
    }

    /// Completes the tape entry of the innermost container, whose closing bracket is at `i`; returns the offset
    /// after the bracket.
    mutating func closeContainer(at i: Int) -> Int {
        let container = open.removeLast()
        tape[container.tapeIndex] = TapeEntry(
            start: container.start, end: UInt32(i + 1), next: UInt32(tape.count), detail: container.count
        )
        return i + 1
    }

    mutating func parseLiteral(_ literal: StaticString, at start: Int) throws(JSONParseError) -> Int {
        let mismatch = literal.withUTF8Buffer { expected in
            expected.indices.first { start + $0 >= input.count || input[start + $0] != expected[$0] }
        }
        if let mismatch {
            throw unexpected(at: start + mismatch)
        }
        let end = start + literal.utf8CodeUnitCount
        appendScalar(from: start, to: end, detail: 0)
        return end
    }

    @inline(__always)
    mutating func appendScalar(from start: Int, to end: Int, detail: UInt32) {
        tape.append(TapeEntry(start: UInt32(start), end: UInt32(end), next: UInt32(tape.count + 1), detail: detail))
    }
}

/// Why a document was rejected and where, worded for the person who sent it.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        case empty, unexpectedEnd, unexpectedByte, invalidUTF8, controlCharacter, invalidEscape,
             loneSurrogate, nulCharacter, invalidNumber, numberOutOfRange, tooDeep, trailingData
    }

    public let reason: Reason
    /// The byte offset where the problem was found.
    public let offset: Int
    /// The limits the document was parsed with, so a message about a limit can name its value.
    let limits: JSONLimits

    init(_ reason: Reason, at offset: Int, limits: JSONLimits) {
        self.reason = reason
        self.offset = offset
        self.limits = limits
    }

    public var description: String {
        switch reason {
        case .empty:
            return "the document is empty: expected a JSON value"
        case .unexpectedEnd:
            return "the document ends in the middle of a value at byte \(offset)"
        case .unexpectedByte:
            return "unexpected character at byte \(offset)"
        case .invalidUTF8:
            return "invalid UTF-8 at byte \(offset)"
        case .controlCharacter:
            return "control character in a string at byte \(offset): write it as a \\u escape"
        case .invalidEscape:
            return "invalid escape sequence at byte \(offset): only \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX are allowed"
        case .loneSurrogate:
            return "unpaired UTF-16 surrogate escape at byte \(offset): \\uD800-\\uDBFF must be followed by \\uDC00-\\uDFFF"
        case .nulCharacter:
            return "\\u0000 is not allowed in strings (byte \(offset))"
        case .invalidNumber:
            return "malformed number at byte \(offset)"
        case .numberOutOfRange:
            return "number out of range at byte \(offset): at most \(limits.maxNumberLength) characters"
                + " and a decimal exponent within ±\(limits.maxExponent) are accepted"
        case .tooDeep:
            return "nesting deeper than \(limits.maxDepth) levels at byte \(offset)"
        case .trailingData:
            return "unexpected data after the JSON value at byte \(offset)"
        }
    }
}

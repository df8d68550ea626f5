/// A string value of a document, read in place: nothing is unescaped or copied until asked for.
public struct JSONString: Sendable {
    let storage: JSONStorage
    let index: Int

    private var entry: TapeEntry {
        storage.tape[index]
    }

    public var hasEscapes: Bool {
        entry.detail != 0
    }

    /// The bytes between the quotes, escapes left as written.
    public var rawContent: ArraySlice<UInt8> {
        storage.bytes[Int(entry.start) + 1 ..< Int(entry.end) - 1]
    }

    /// The content as UTF-8 with escapes resolved.
    public func decodedBytes() -> [UInt8] {
        hasEscapes ? Array(UnescapedUTF8(rawContent)) : Array(rawContent)
    }

    public func decoded() -> String {
        hasEscapes ? String(decoding: decodedBytes(), as: UTF8.self) : String(decoding: rawContent, as: UTF8.self)
    }

    /// The number of Unicode scalars (code points) once unescaped, for length caps that count characters the way
    /// PostgreSQL's `char_length` does.
    public var unicodeScalarCount: Int {
        // Every scalar has exactly one byte that is not a UTF-8 continuation byte (10xxxxxx).
        var count = 0
        if hasEscapes {
            for byte in UnescapedUTF8(rawContent) where byte & 0xC0 != 0x80 {
                count += 1
            }
        } else {
            for byte in rawContent where byte & 0xC0 != 0x80 {
                count += 1
            }
        }
        return count
    }

    /// Whether the unescaped content is `other`; allocates nothing when the string has no escapes.
    public func equals(_ other: String) -> Bool {
        var other = other
        return other.withUTF8 { equals(utf8: $0) }
    }

    func equals(utf8 other: UnsafeBufferPointer<UInt8>) -> Bool {
        if hasEscapes {
            return UnescapedUTF8(rawContent).elementsEqual(other)
        }
        let raw = rawContent
        return raw.count == other.count && raw.elementsEqual(other)
    }

    /// Whether two strings have the same unescaped content, however each is escaped.
    func equals(_ other: JSONString) -> Bool {
        switch (hasEscapes, other.hasEscapes) {
        case (false, false):
            let (lhs, rhs) = (rawContent, other.rawContent)
            return lhs.count == rhs.count && lhs.elementsEqual(rhs)
        case (true, false):
            return UnescapedUTF8(rawContent).elementsEqual(other.rawContent)
        case (false, true):
            return rawContent.elementsEqual(UnescapedUTF8(other.rawContent))
        case (true, true):
            return UnescapedUTF8(rawContent).elementsEqual(UnescapedUTF8(other.rawContent))
        }
    }
}

/// The UTF-8 bytes of a string's content with its escapes resolved, produced one at a time so comparing and
/// counting need no buffer.
///
/// Only for content the parser has accepted: escapes are well formed, surrogate escapes come in pairs and there
/// is no `\u0000`.
struct UnescapedUTF8: Sequence, IteratorProtocol {
    private let raw: ArraySlice<UInt8>
    private var position: Int
    /// Bytes of an escaped scalar still to be produced, lowest byte first.
    private var pending: UInt32 = 0
    private var pendingCount = 0

    init(_ raw: ArraySlice<UInt8>) {
        self.raw = raw
        self.position = raw.startIndex
    }

    mutating func next() -> UInt8? {
        if pendingCount > 0 {
            return takePending()
        }
        guard position < raw.endIndex else { return nil }
        let byte = raw[position]
        guard byte == UInt8(ascii: "\\") else {
            position += 1
            return byte
        }
        let escaped = raw[position + 1]
        position += 2
        switch escaped {
        case UInt8(ascii: "b"): return 0x08
        case UInt8(ascii: "f"): return 0x0C
        case UInt8(ascii: "n"): return 0x0A
        case UInt8(ascii: "r"): return 0x0D
        case UInt8(ascii: "t"): return 0x09
        case UInt8(ascii: "u"): break
        default: return escaped
        }
        var scalar = readCodeUnit()
        if (0xD800...0xDBFF).contains(scalar) {
            position += 2
            scalar = 0x10000 + (scalar - 0xD800) << 10 + (readCodeUnit() - 0xDC00)
        }
        queueUTF8(of: scalar)
        return takePending()
    }

    /// Reads the four hex digits at `position` and moves past them.
    private mutating func readCodeUnit() -> UInt32 {
        var unit: UInt32 = 0
        for byte in raw[position ..< position + 4] {
            unit = unit << 4 | UInt32(hexDigitValue(byte) ?? 0)
        }
        position += 4
        return unit
    }

    private mutating func queueUTF8(of scalar: UInt32) {
        switch scalar {
        case ..<0x80:
            pending = scalar
            pendingCount = 1
        case ..<0x800:
            pending = (0xC0 | scalar >> 6) | (0x80 | scalar & 0x3F) << 8
            pendingCount = 2
        case ..<0x10000:
            pending = (0xE0 | scalar >> 12) | (0x80 | scalar >> 6 & 0x3F) << 8 | (0x80 | scalar & 0x3F) << 16
            pendingCount = 3
        default:
            pending = (0xF0 | scalar >> 18) | (0x80 | scalar >> 12 & 0x3F) << 8
                | (0x80 | scalar >> 6 & 0x3F) << 16 | (0x80 | scalar & 0x3F) << 24
            pendingCount = 4
        }
    }

    private mutating func takePending() -> UInt8 {
        let byte = UInt8(truncatingIfNeeded: pending)
        pending >>= 8
        pendingCount -= 1
        return byte
    }
}

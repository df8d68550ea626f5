/// A cursor over protobuf's wire format inside one message of a body: tags, varints, fixed-width and
/// length-delimited fields, and one fault for each way those bytes can be malformed. It never reads outside
/// its range, and tells a top-level field cut short by the end of the body (`truncated`: the body was cut) from a
/// nested one that overruns its enclosing message (`lengthPastEnd`: the lengths disagree, since the enclosing
/// message itself fit).
package struct ProtobufWireReader {
    package enum WireType: UInt8, Sendable {
        case varint = 0, fixed64 = 1, lengthDelimited = 2, startGroup = 3, endGroup = 4, fixed32 = 5
    }

    package enum Fault: Error, Sendable, Equatable {
        case truncated, lengthPastEnd(length: UInt64, available: Int), unterminatedVarint
        case invalidWireType(field: UInt64, wireType: UInt64)
        /// Raised by readers that know the field's declaration; the reader itself takes any valid wire type.
        case wrongWireType(field: UInt64, wireType: UInt8)
    }

    package let bytes: [UInt8]
    package private(set) var offset: Int
    package let end: Int
    private let isWholeBody: Bool

    /// A reader of the whole body.
    package init(_ bytes: [UInt8]) {
        self.bytes = bytes
        offset = 0
        end = bytes.count
        isWholeBody = true
    }

    /// A reader of the message at `range` of the same bytes.
    package init(_ bytes: [UInt8], in range: Range<Int>) {
        self.bytes = bytes
        offset = range.lowerBound
        end = range.upperBound
        isWholeBody = false
    }

    package var isAtEnd: Bool { offset >= end }

    /// The next field's number and wire type. Groups (wire types 3 and 4) are refused: proto3, and so OTLP, has none.
    /// So are field numbers outside 1 ... 2^29 - 1, as swift-protobuf refuses them.
    package mutating func tag() throws(Fault) -> (field: UInt64, wireType: WireType) {
        let key = try varint()
        let field = key >> 3
        guard (1 ... 536_870_911).contains(field), let wireType = WireType(rawValue: UInt8(key & 7)),
              wireType != .startGroup, wireType != .endGroup
        else { throw .invalidWireType(field: field, wireType: key & 7) }
        return (field, wireType)
    }

    package mutating func varint() throws(Fault) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while offset < end {
            let byte = bytes[offset]
            offset += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
            if shift >= 70 { throw .unterminatedVarint }
        }
        throw .unterminatedVarint
    }

    package mutating func fixed64() throws(Fault) -> UInt64 {
        try fixed(8)
    }

    package mutating func fixed32() throws(Fault) -> UInt32 {
        UInt32(truncatingIfNeeded: try fixed(4))
    }

    /// The byte range of a length-delimited field's value.
    package mutating func lengthDelimited() throws(Fault) -> Range<Int> {
        let length = try varint()
        let available = end - offset
        guard length <= UInt64(available) else {
            if isWholeBody { throw .truncated }
            throw .lengthPastEnd(length: length, available: available)
        }
        let range = offset ..< offset + Int(length)
        offset = range.upperBound
        return range
    }

    package mutating func skip(_ wireType: WireType) throws(Fault) {
        switch wireType {
        case .varint: _ = try varint()
        case .fixed64: _ = try fixed(8)
        case .fixed32: _ = try fixed(4)
        case .lengthDelimited: _ = try lengthDelimited()
        case .startGroup, .endGroup: throw .invalidWireType(field: 0, wireType: UInt64(wireType.rawValue))
        }
    }

    private mutating func fixed(_ count: Int) throws(Fault) -> UInt64 {
        guard end - offset >= count else {
            if isWholeBody { throw .truncated }
            throw .lengthPastEnd(length: UInt64(count), available: end - offset)
        }
        var value: UInt64 = 0
        for index in 0 ..< count { value |= UInt64(bytes[offset + index]) << (8 * UInt64(index)) }
        offset += count
        return value
    }
}

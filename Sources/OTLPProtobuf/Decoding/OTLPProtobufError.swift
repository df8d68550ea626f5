/// Why a protobuf export request cannot be decoded at all: the whole request is refused (400) with `message`, which
/// is written for the person who runs the sending client.
public struct OTLPProtobufError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        /// The body is larger than `maxBodyBytes` (413 rather than 400).
        case bodyTooLarge
        /// The body ends inside a field: it was cut short.
        case truncated
        /// A length-delimited field claims more bytes than its enclosing message holds.
        case lengthPastEnd
        /// A varint's last byte still says another follows, or it is longer than 10 bytes.
        case unterminatedVarint
        /// A tag with wire type 6 or 7 or a group's (3, 4), or a field number outside 1 ... 2^29 - 1.
        case invalidWireType
        /// A known field of the request's structure with a wire type its declaration does not allow.
        case wrongWireType
        /// Messages nested deeper than `maxDepth`.
        case nestingTooDeep
        /// A `string` field that is not UTF-8.
        case invalidUTF8
        /// More spans, log records or data points than the limit allows in one request.
        case tooManyItems
        /// Inside a log record or data point: an invalid tag or wire type, or a varint that does not end
        /// (swift-protobuf, which decodes them, does not say which).
        case malformed
    }

    public let reason: Reason
    public let message: String

    public init(_ reason: Reason, _ message: String) {
        self.reason = reason
        self.message = message
    }

    public var description: String { message }
}

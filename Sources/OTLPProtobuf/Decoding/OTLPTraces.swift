/// A protobuf traces export as `OTLPTraceDecoder` reads it: what a spans row needs, with ids and attributes left as
/// slices of the body (no copy) and every string already checked as UTF-8. The OTLP/JSON names are kept.
public struct OTLPTraces: Sendable {
    public var resourceSpans: [OTLPResourceSpans]
    /// All spans of the request.
    public var spanCount: Int
}

public struct OTLPResourceSpans: Sendable {
    public var resource: OTLPAttributes
    public var schemaURL: String
    public var scopeSpans: [OTLPScopeSpans]
}

public struct OTLPScopeSpans: Sendable {
    public var scopeName: String
    public var scopeVersion: String
    public var scopeAttributes: OTLPAttributes
    public var schemaURL: String
    public var spans: [OTLPSpan]
}

public struct OTLPSpan: Sendable {
    public var traceID: ArraySlice<UInt8> = []
    public var spanID: ArraySlice<UInt8> = []
    public var traceState = ""
    /// Empty for a root span.
    public var parentSpanID: ArraySlice<UInt8> = []
    public var flags: UInt32 = 0
    public var name = ""
    /// `SpanKind`: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer (others are kept as sent,
    /// cut to 32 bits as protobuf does with every enum).
    public var kind: Int32 = 0
    public var startTimeUnixNano: UInt64 = 0
    public var endTimeUnixNano: UInt64 = 0
    public var attributes = OTLPAttributes()
    public var droppedAttributesCount: UInt32 = 0
    public var events: [OTLPSpanEvent] = []
    public var droppedEventsCount: UInt32 = 0
    public var links: [OTLPSpanLink] = []
    public var droppedLinksCount: UInt32 = 0
    /// `StatusCode`: 0 unset, 1 ok, 2 error (others kept as sent, cut to 32 bits).
    public var statusCode: Int32 = 0
    public var statusMessage = ""
}

public struct OTLPSpanEvent: Sendable {
    public var timeUnixNano: UInt64 = 0
    public var name = ""
    public var attributes = OTLPAttributes()
    public var droppedAttributesCount: UInt32 = 0
}

public struct OTLPSpanLink: Sendable {
    public var traceID: ArraySlice<UInt8> = []
    public var spanID: ArraySlice<UInt8> = []
    public var traceState = ""
    public var attributes = OTLPAttributes()
    public var droppedAttributesCount: UInt32 = 0
    public var flags: UInt32 = 0
}

/// A `KeyValue` list, kept as the byte ranges of its already validated entries and decoded when iterated.
public struct OTLPAttributes: Sendable, Sequence {
    let body: [UInt8]
    var entries: [Range<Int>]
    let largest: (key: Range<Int>, bytes: Int)?

    init(body: [UInt8] = [], entries: [Range<Int>] = [], largest: (key: Range<Int>, bytes: Int)? = nil) {
        self.body = body
        self.entries = entries
        self.largest = largest
    }

    /// The largest value's size (`OTLPProtobufLimits.maxAttributeValueBytes` counts the same way) and its key.
    public var largestValue: (key: String, bytes: Int)? {
        largest.map { (String(decoding: body[$0.key], as: UTF8.self), $0.bytes) }
    }

    public var count: Int { entries.count }
    public var underestimatedCount: Int { entries.count }

    public func makeIterator() -> some IteratorProtocol<OTLPAttribute> {
        entries.lazy.map { OTLPValueReader(body: body).keyValue($0) }.makeIterator()
    }

    /// The first attribute named `key`.
    public subscript(key: String) -> OTLPValue? {
        first { $0.key == key }?.value
    }
}

public struct OTLPAttribute: Sendable, Equatable {
    public var key: String
    public var value: OTLPValue
}

/// An `AnyValue`; `.empty` when none of its kinds is set (or only `string_value_strindex`, which only profiles use).
public indirect enum OTLPValue: Sendable, Equatable {
    case string(String)
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case bytes([UInt8])
    case array([OTLPValue])
    case keyValues([OTLPAttribute])
    case empty
}

/// Reads `KeyValue`s and `AnyValue`s that `OTLPTraceDecoder` has already walked and validated, so it cannot fail:
/// anything it does not expect it skips. A field sent twice is read as protobuf reads it: the last scalar wins, and
/// a message merges into the one before (an array or map sent twice in one value is one longer array or map).
struct OTLPValueReader {
    let body: [UInt8]

    func keyValue(_ range: Range<Int>) -> OTLPAttribute {
        var attribute = OTLPAttribute(key: "", value: .empty)
        var reader = ProtobufWireReader(body, in: range)
        while let (field, wireType) = try? reader.tag() {
            guard wireType == .lengthDelimited, let value = try? reader.lengthDelimited() else {
                if (try? reader.skip(wireType)) == nil { break }
                continue
            }
            if field == 1 { attribute.key = string(value) }
            if field == 2 { attribute.value = anyValue(value, mergingInto: attribute.value) }
        }
        return attribute
    }

    func anyValue(_ range: Range<Int>) -> OTLPValue {
        anyValue(range, mergingInto: .empty)
    }

    private func anyValue(_ range: Range<Int>, mergingInto existing: OTLPValue) -> OTLPValue {
        var value = existing
        var reader = ProtobufWireReader(body, in: range)
        while let (field, wireType) = try? reader.tag() {
            switch (field, wireType) {
            case (1, .lengthDelimited): value = (try? reader.lengthDelimited()).map { .string(string($0)) } ?? value
            case (2, .varint): value = (try? reader.varint()).map { .bool($0 != 0) } ?? value
            case (3, .varint): value = (try? reader.varint()).map { .int(Int64(bitPattern: $0)) } ?? value
            case (4, .fixed64): value = (try? reader.fixed64()).map { .double(Double(bitPattern: $0)) } ?? value
            case (5, .lengthDelimited):
                guard let elements = (try? reader.lengthDelimited()).map({ repeated($0).map(anyValue) }) else { break }
                if case let .array(before) = value { value = .array(before + elements) } else { value = .array(elements) }
            case (6, .lengthDelimited):
                guard let entries = (try? reader.lengthDelimited()).map({ repeated($0).map(keyValue) }) else { break }
                if case let .keyValues(before) = value {
                    value = .keyValues(before + entries)
                } else {
                    value = .keyValues(entries)
                }
            case (7, .lengthDelimited): value = (try? reader.lengthDelimited()).map { .bytes(Array(body[$0])) } ?? value
            case (8, .varint): value = (try? reader.varint()).map { _ in .empty } ?? value
            default: if (try? reader.skip(wireType)) == nil { return value }
            }
        }
        return value
    }

    /// The ranges of field 1 of an `ArrayValue` or `KeyValueList`.
    private func repeated(_ range: Range<Int>) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var reader = ProtobufWireReader(body, in: range)
        while let (field, wireType) = try? reader.tag() {
            if field == 1, wireType == .lengthDelimited, let element = try? reader.lengthDelimited() {
                ranges.append(element)
            } else if (try? reader.skip(wireType)) == nil {
                break
            }
        }
        return ranges
    }

    func string(_ range: Range<Int>) -> String {
        String(decoding: body[range], as: UTF8.self)
    }
}

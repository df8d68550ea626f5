import Foundation
import OTLPProtobuf
import SwiftProtobuf

/// Builds protobuf bytes by hand, to make the malformed bodies no encoder would write, around good messages that the
/// generated types encode.
public enum Wire {
    public static func varint(_ value: UInt64) -> [UInt8] {
        var value = value
        var bytes: [UInt8] = []
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        return bytes + [UInt8(value)]
    }

    public static func tag(_ field: UInt64, _ wireType: UInt64) -> [UInt8] {
        varint(field << 3 | wireType)
    }

    /// A length-delimited field.
    public static func field(_ number: UInt64, _ content: [UInt8]) -> [UInt8] {
        tag(number, 2) + varint(UInt64(content.count)) + content
    }

    /// A traces request of one resource and one scope holding these encoded spans.
    public static func traces(spans: [[UInt8]]) -> [UInt8] {
        field(1, field(2, spans.flatMap { field(2, $0) }))
    }

    /// A good span: 16-byte trace id, 8-byte span id, a name, times in order, two attributes.
    public static func span(name: String = "chat claude-opus-4-5", traceID: [UInt8] = Array(1 ... 16),
                     spanID: [UInt8] = Array(1 ... 8), start: UInt64 = 1_000, end: UInt64 = 2_000) -> OTLP.Span {
        var span = OTLP.Span()
        span.traceID = Data(traceID)
        span.spanID = Data(spanID)
        span.name = name
        span.startTimeUnixNano = start
        span.endTimeUnixNano = end
        span.attributes = [keyValue("gen_ai.request.model", "claude-opus-4-5"), keyValue("session.id", "s1")]
        return span
    }

    public static func keyValue(_ key: String, _ value: String) -> OTLP.KeyValue {
        var keyValue = OTLP.KeyValue()
        keyValue.key = key
        keyValue.value.stringValue = value
        return keyValue
    }

    public static func bytes(_ message: some SwiftProtobuf.Message) throws -> [UInt8] {
        try message.serializedBytes()
    }
}

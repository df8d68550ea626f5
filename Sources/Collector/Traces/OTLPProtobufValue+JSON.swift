import Foundation
import JSON
import OTLPProtobuf

extension OTLPProtobuf.OTLPValue {
    /// Appends the plain JSON this `AnyValue` stands for, as `OTLPPlainJSON` writes swift-protobuf's, so that both
    /// encodings store the same attributes: strings, booleans and numbers as themselves, bytes as base64 (the
    /// JSON mapping's form), arrays and key-value lists nested, an empty value as `null`, non-finite doubles as the
    /// strings `NaN`, `Infinity` and `-Infinity`. A string or key holding U+0000 is refused (`jsonb` cannot hold it).
    func appendJSON(to out: inout [UInt8]) throws(OTLPValueError) {
        switch self {
        case let .string(text):
            JSONText.appendQuoted(try OTLPSpanFields.storable(text, "a string value"), to: &out)
        case let .bool(flag):
            out.append(contentsOf: (flag ? "true" : "false").utf8)
        case let .int(number):
            out.append(contentsOf: String(number).utf8)
        case let .double(number):
            OTLPPlainJSON.append(number, to: &out)
        case let .bytes(bytes):
            JSONText.appendQuoted(Data(bytes).base64EncodedString(), to: &out)
        case let .array(values):
            out.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                try value.appendJSON(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case let .keyValues(attributes):
            out.append(contentsOf: try Self.object(attributes))
        case .empty:
            out.append(contentsOf: "null".utf8)
        }
    }

    /// A `KeyValue` list as a JSON object.
    static func object(_ attributes: some Sequence<OTLPAttribute>) throws(OTLPValueError) -> [UInt8] {
        var object = JSONObjectBuilder()
        for attribute in attributes {
            try object.add(key: try OTLPSpanFields.storable(attribute.key, "an attribute's key")) {
                (out: inout [UInt8]) throws(OTLPValueError) in try attribute.value.appendJSON(to: &out)
            }
        }
        return object.finished()
    }

    /// What `SpanConventions` reads: strings, numbers and booleans.
    var conventionValue: SpanConventions.Value? {
        switch self {
        case let .string(text): .string(text)
        case let .int(number): .int(number)
        case let .double(number): .double(number)
        case let .bool(flag): .bool(flag)
        case .bytes, .array, .keyValues, .empty: nil
        }
    }
}

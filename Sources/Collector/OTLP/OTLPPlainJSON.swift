import Foundation
import JSON
import OTLPProtobuf

/// OTLP values as the plain JSON they stand for, the form `attributes`, `resource` and `detail` are stored in:
/// `{"stringValue": "a"}` is `"a"`, `{"intValue": "7"}` is `7`, arrays and key-value lists nest, an empty value is
/// `null`, bytes are base64, non-finite doubles are the strings `"NaN"`, `"Infinity"`, `"-Infinity"` (which `jsonb`
/// can hold). Both encodings reach here through the same messages, so they are stored byte for byte the same.
enum OTLPPlainJSON {
    static func append(_ anyValue: OTLP.AnyValue?, to out: inout [UInt8]) {
        switch anyValue?.value {
        case let .stringValue(text)?: JSONText.appendQuoted(text, to: &out)
        case let .boolValue(flag)?: out.append(contentsOf: (flag ? "true" : "false").utf8)
        case let .intValue(number)?: out.append(contentsOf: String(number).utf8)
        case let .doubleValue(number)?: append(number, to: &out)
        case let .bytesValue(bytes)?: JSONText.appendQuoted(bytes.base64EncodedString(), to: &out)
        case let .arrayValue(array)?:
            out.append(UInt8(ascii: "["))
            for (index, element) in array.values.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                append(element, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case let .kvlistValue(list)?: out.append(contentsOf: object(list.values))
        case .stringValueStrindex?, nil: out.append(contentsOf: "null".utf8)
        }
    }

    /// A `KeyValue` list as a JSON object; a repeated key is kept as sent (`jsonb` keeps the last).
    static func object(_ keyValues: [OTLP.KeyValue]) -> [UInt8] {
        var object = JSONObjectBuilder()
        add(keyValues, to: &object)
        return object.finished()
    }

    /// Each key-value as a member of `object`.
    static func add(_ keyValues: [OTLP.KeyValue], to object: inout JSONObjectBuilder) {
        for keyValue in keyValues {
            object.add(key: keyValue.key) { (out: inout [UInt8]) in
                append(keyValue.hasValue ? keyValue.value : nil, to: &out)
            }
        }
    }

    static func append(_ number: Double, to out: inout [UInt8]) {
        if number.isFinite {
            out.append(contentsOf: "\(number)".utf8)
        } else {
            JSONText.appendQuoted(number.isNaN ? "NaN" : number > 0 ? "Infinity" : "-Infinity", to: &out)
        }
    }

    /// A string value's text.
    static func string(_ anyValue: OTLP.AnyValue?) -> String? {
        guard case let .stringValue(text)? = anyValue?.value else { return nil }
        return text
    }

    /// A number value, or a string one that holds a number, as Claude Code sends some durations.
    static func number(_ anyValue: OTLP.AnyValue?) -> Double? {
        switch anyValue?.value {
        case let .intValue(number)?: Double(number)
        case let .doubleValue(number)?: number
        case let .stringValue(text)?: Double(text)
        default: nil
        }
    }
}

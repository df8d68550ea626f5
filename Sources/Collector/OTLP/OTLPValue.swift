import JSON

/// What is wrong with one value of an OTLP request; it rejects the log record or data point that holds it.
struct OTLPValueError: Error, Sendable {
    let message: String

    init(_ message: String) {
        self.message = message
    }
}

/// The protobuf JSON mapping as OTLP/HTTP uses it: `AnyValue`s and `KeyValue` lists turned into plain JSON, and
/// 64-bit integers, which may arrive as strings or as numbers.
enum OTLPValue {
    /// Appends the plain JSON an `AnyValue` stands for: `{"stringValue": "a"}` is `"a"`, `{"intValue": "7"}` is
    /// `7`, arrays and key-value lists nest, an empty or absent value is `null`. Non-finite doubles (`"NaN"`)
    /// become strings, which `jsonb` can hold.
    static func appendJSON(_ anyValue: JSONValue?, to out: inout [UInt8]) throws(OTLPValueError) {
        guard let anyValue, !anyValue.isNull else {
            out.append(contentsOf: "null".utf8)
            return
        }
        guard anyValue.kind == .object else {
            throw OTLPValueError(#"a value must be an AnyValue object such as {"stringValue": "..."}"#)
        }
        // AnyValue is a oneof: the first member that names a known kind decides; others are ignored.
        for member in anyValue.members {
            let key = member.key
            let value = member.value
            if key.equals("stringValue") || key.equals("bytesValue") {
                guard value.kind == .string else { throw OTLPValueError("\(key.decoded()) must be a string") }
                out.append(contentsOf: value.rawBytes)
                return
            }
            if key.equals("boolValue") {
                guard value.bool != nil else { throw OTLPValueError("boolValue must be true or false") }
                out.append(contentsOf: value.rawBytes)
                return
            }
            if key.equals("intValue") {
                guard let number = int64(value) else {
                    throw OTLPValueError("intValue must be a 64-bit integer, as a number or a string of digits")
                }
                out.append(contentsOf: String(number).utf8)
                return
            }
            if key.equals("doubleValue") {
                guard let number = double(value) else { throw OTLPValueError("doubleValue must be a number") }
                if value.kind == .number {
                    out.append(contentsOf: value.rawBytes)
                } else if number.isFinite {
                    out.append(contentsOf: String(number).utf8)
                } else {
                    JSONText.appendQuoted(number.isNaN ? "NaN" : number > 0 ? "Infinity" : "-Infinity", to: &out)
                }
                return
            }
            if key.equals("arrayValue") {
                out.append(UInt8(ascii: "["))
                var first = true
                for element in try list(value.member("values"), "arrayValue.values") {
                    if !first { out.append(UInt8(ascii: ",")) }
                    first = false
                    try appendJSON(element, to: &out)
                }
                out.append(UInt8(ascii: "]"))
                return
            }
            if key.equals("kvlistValue") {
                try appendObject(value.member("values"), to: &out)
                return
            }
        }
        out.append(contentsOf: "null".utf8)
    }

    /// Appends a `KeyValue` list (`[{"key": "k", "value": AnyValue}, ...]`) as a JSON object; absent is `{}`.
    static func appendObject(_ keyValues: JSONValue?, to out: inout [UInt8]) throws(OTLPValueError) {
        var object = JSONObjectBuilder()
        try forEach(keyValues) { (key, value) throws(OTLPValueError) in
            try object.add(key: key) { (bytes: inout [UInt8]) throws(OTLPValueError) in try appendJSON(value, to: &bytes) }
        }
        out.append(contentsOf: object.finished())
    }

    /// Calls `body` with each key and `AnyValue` of a `KeyValue` list, in order.
    static func forEach(
        _ keyValues: JSONValue?, _ body: (JSONString, JSONValue?) throws(OTLPValueError) -> Void
    ) throws(OTLPValueError) {
        for keyValue in try list(keyValues, "attributes") {
            guard let key = keyValue.member("key")?.string else {
                throw OTLPValueError(#"each attribute must be an object {"key": "...", "value": {...}}"#)
            }
            try body(key, keyValue.member("value"))
        }
    }

    /// The elements of a repeated field; absent or null is empty, anything but an array is an error.
    static func list(_ value: JSONValue?, _ name: String) throws(OTLPValueError) -> JSONElements {
        guard let value, !value.isNull else { return JSONDocument.emptyArray.root.elements }
        guard value.kind == .array else { throw OTLPValueError("\(name) must be an array") }
        return value.elements
    }

    /// The elements of a repeated field of the request's structure (resourceLogs, scopeMetrics, ...); absent is
    /// empty, anything but an array of objects rejects the request.
    static func objects(_ parent: JSONValue, _ field: String, path: String) throws(ValidationError) -> [JSONValue] {
        guard let value = parent.member(field), !value.isNull else { return [] }
        let elements = Array(value.elements)
        guard value.kind == .array, elements.allSatisfy({ $0.kind == .object }) else {
            throw ValidationError("invalid_body", "\(path)\(field) must be an array of objects", field: field)
        }
        return elements
    }

    /// A number `AnyValue` (`intValue` or `doubleValue`), or a string one that holds a number, as Claude Code
    /// sends some durations.
    static func number(_ anyValue: JSONValue) -> Double? {
        if let int = anyValue.member("intValue").flatMap(int64) { return Double(int) }
        if let double = anyValue.member("doubleValue").flatMap(double) { return double }
        return string(anyValue).flatMap { Double($0.decoded()) }
    }

    /// A string `AnyValue`'s text.
    static func string(_ anyValue: JSONValue?) -> JSONString? {
        anyValue?.member("stringValue")?.string
    }

    /// An int64 field: a JSON integer or a string of one.
    static func int64(_ value: JSONValue) -> Int64? {
        if let number = value.int64 { return number }
        guard let text = value.string?.decoded() else { return nil }
        return Int64(text)
    }

    /// A double field: a JSON number, or a string with a number, `NaN`, `Infinity` or `-Infinity`.
    static func double(_ value: JSONValue) -> Double? {
        if let number = value.double { return number }
        guard let text = value.string?.decoded() else { return nil }
        switch text {
        case "NaN": return .nan
        case "Infinity": return .infinity
        case "-Infinity": return -.infinity
        default: return Double(text).flatMap { $0.isFinite ? $0 : nil }
        }
    }

    /// A fixed64 time in nanoseconds since 1970, as microseconds since 2000 (what `timestamptz` holds); nil when
    /// absent or 0, which OTLP uses for "unknown".
    static func microsecondsSince2000(unixNanos value: JSONValue?) throws(OTLPValueError) -> Int64? {
        guard let nanos = try unixNanos(value), nanos != 0 else { return nil }
        return Timestamp.microsecondsSince2000(unixNanoseconds: nanos)
    }

    /// A fixed64 time in nanoseconds since 1970 as sent, a number or a string of digits; nil when absent.
    static func unixNanos(_ value: JSONValue?) throws(OTLPValueError) -> UInt64? {
        guard let value, !value.isNull else { return nil }
        let nanos: UInt64?
        if let number = value.int64 {
            nanos = number >= 0 ? UInt64(number) : nil
        } else if let text = value.string?.decoded() {
            nanos = UInt64(text)
        } else if value.kind == .number {
            nanos = UInt64(String(decoding: value.rawBytes, as: UTF8.self))
        } else {
            nanos = nil
        }
        guard let nanos else {
            throw OTLPValueError("times must be nanoseconds since 1970 as a whole number or a string of digits")
        }
        return nanos
    }
}

extension JSONDocument {
    /// `[]`, for treating an absent repeated field as an empty one.
    static let emptyArray: JSONDocument = {
        do {
            return try JSONDocument.parse(Array("[]".utf8))
        } catch {
            preconditionFailure("[] is JSON")
        }
    }()
}

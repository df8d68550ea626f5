import JSON

/// What is wrong with one value of an OTLP request; it rejects the log record or data point that holds it.
struct OTLPValueError: Error, Sendable {
    let message: String

    init(_ message: String) {
        self.message = message
    }
}

/// The scalar forms of the protobuf JSON mapping as OTLP/JSON uses them: 64-bit integers and times as strings or
/// numbers, doubles as numbers or `"NaN"`, repeated fields as arrays.
enum OTLPValue {
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

    /// An int64 field: a JSON integer or a string of one.
    static func int64(_ value: JSONValue) -> Int64? {
        if let number = value.int64 { return number }
        guard let text = value.string?.decoded() else { return nil }
        return Int64(text)
    }

    /// A uint64 (or fixed64) field: a JSON integer or a string of one, not negative.
    static func uint64(_ value: JSONValue) -> UInt64? {
        if let number = value.int64 { return number >= 0 ? UInt64(number) : nil }
        if let text = value.string?.decoded() { return UInt64(text) }
        guard value.kind == .number else { return nil }
        return UInt64(String(decoding: value.rawBytes, as: UTF8.self))
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

    /// A fixed64 time in nanoseconds since 1970; 0 when absent (OTLP's "unknown").
    static func unixNanos(_ value: JSONValue?) throws(OTLPValueError) -> UInt64 {
        guard let value, !value.isNull else { return 0 }
        guard let nanos = uint64(value) else {
            throw OTLPValueError("times must be nanoseconds since 1970 as a whole number or a string of digits")
        }
        return nanos
    }

    /// A time in nanoseconds since 1970 as microseconds since 2000 (what `timestamptz` holds); nil for 0, which OTLP
    /// uses for "unknown".
    static func microsecondsSince2000(unixNanos nanos: UInt64) -> Int64? {
        nanos == 0 ? nil : Timestamp.microsecondsSince2000(unixNanoseconds: nanos)
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

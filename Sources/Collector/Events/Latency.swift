import JSON

/// Durations in whole milliseconds, as the `latency_ms` column holds them (0 to Int32.max).
enum Latency {
    /// The API's own `latencyMs`: a whole number in range, else nil (the caller refuses the event). 150 and 150.0
    /// are the same number; JSON Schema and many clients make no difference.
    static func exact(_ value: JSONValue) -> Int32? {
        guard let number = value.int64 ?? value.double.flatMap({ $0.rounded() == $0 ? Int64(exactly: $0) : nil }),
              number >= 0, number <= Int64(Int32.max) else { return nil }
        return Int32(number)
    }

    /// A duration another format sends (Claude Code's `duration_ms`, an OTLP attribute): rounded to a whole
    /// millisecond and clamped to the column; nil for a negative or non-finite one, which is kept only in
    /// `attributes`.
    static func rounded(_ milliseconds: Double) -> Int32? {
        guard milliseconds.isFinite, milliseconds >= 0 else { return nil }
        return milliseconds >= Double(Int32.max) ? Int32.max : Int32(milliseconds.rounded())
    }

    /// A JSON number, rounded as above.
    static func rounded(_ value: JSONValue) -> Int32? {
        if let whole = value.int64 { return whole >= 0 ? Int32(clamping: whole) : nil }
        return value.double.flatMap(rounded)
    }
}

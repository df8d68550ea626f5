import JSON
import TextFormats

/// What both encodings of an OTLP span share once their wire form is read: the rules a span must meet beyond its
/// ids' lengths, the enums, and the JSON form of its events and links (OTLP/JSON's names, attributes as an object),
/// so that a span is stored the same whichever encoding it came in.
enum OTLPSpanFields {
    /// OTLP's times in nanoseconds since 1970 as the row's microseconds since 2000. A span without a start, or that
    /// ends before it starts (an end of 0 included: OTLP exports ended spans), is refused.
    static func times(startNanos: UInt64, endNanos: UInt64) throws(OTLPValueError) -> (start: Int64, end: Int64) {
        guard startNanos != 0 else { throw OTLPValueError("a span needs startTimeUnixNano") }
        guard endNanos >= startNanos else {
            throw OTLPValueError("the span ends (\(endNanos)) before it starts (\(startNanos))")
        }
        return (Timestamp.microsecondsSince2000(unixNanoseconds: startNanos),
                Timestamp.microsecondsSince2000(unixNanoseconds: endNanos))
    }

    /// `SpanKind` by number (1 internal ... 5 consumer); unspecified and unknown values are nil.
    static func kind(_ number: Int64) -> SpanRow.Kind? {
        switch number {
        case 1: .internal
        case 2: .server
        case 3: .client
        case 4: .producer
        case 5: .consumer
        default: nil
        }
    }

    /// `SpanKind` by its protobuf enum name (`SPAN_KIND_SERVER`), which the JSON mapping allows as well.
    static func kind(named name: String) -> SpanRow.Kind? {
        guard name.hasPrefix("SPAN_KIND_") else { return nil }
        return SpanRow.Kind(rawValue: name.dropFirst("SPAN_KIND_".count).lowercased())
    }

    /// `StatusCode` by number (0 unset, 1 ok, 2 error); other values are unset.
    static func status(_ number: Int64) -> SpanRow.Status {
        switch number {
        case 1: .ok
        case 2: .error
        default: .unset
        }
    }

    static func status(named name: String) -> SpanRow.Status {
        guard name.hasPrefix("STATUS_CODE_") else { return .unset }
        return SpanRow.Status(rawValue: name.dropFirst("STATUS_CODE_".count).lowercased()) ?? .unset
    }

    /// Text for a text column: PostgreSQL cannot store U+0000 in text or jsonb, so a span that carries one is refused
    /// rather than failing the whole insert.
    static func storable(_ text: String, _ what: @autoclosure () -> String) throws(OTLPValueError) -> String {
        guard !text.utf8.contains(0) else {
            throw OTLPValueError("\(what()) contains U+0000, which PostgreSQL cannot store")
        }
        return text
    }

    /// Attributes that name the instrumentation scope, added to the span's own (as OpenTelemetry's exporters to
    /// other formats do): `otel.scope.name` and `otel.scope.version` when not empty.
    static func addScope(name: String, version: String, to attributes: inout JSONObjectBuilder) throws(OTLPValueError) {
        for (key, value) in [("otel.scope.name", name), ("otel.scope.version", version)] where !value.isEmpty {
            let text = try storable(value, "the scope's \(key)")
            attributes.add(key: key) { (out: inout [UInt8]) in JSONText.appendQuoted(text, to: &out) }
        }
    }

    /// One element of `events`: `{"timeUnixNano": "...", "name": "...", "attributes": {...}}`.
    static func appendEvent(timeNanos: UInt64, name: String, attributes: [UInt8], to out: inout [UInt8]) throws(OTLPValueError) {
        var event = JSONObjectBuilder()
        event.add(key: "timeUnixNano", value: #""\#(timeNanos)""#.utf8)
        let text = try storable(name, "an event's name")
        event.add(key: "name") { (out: inout [UInt8]) in JSONText.appendQuoted(text, to: &out) }
        event.add(key: "attributes", value: attributes)
        appendElement(event.finished(), to: &out)
    }

    /// One element of `links`: `{"traceId": "hex", "spanId": "hex", "traceState": "...", "attributes": {...}}`,
    /// `traceState` only when sent.
    static func appendLink(
        traceID: [UInt8], spanID: [UInt8], traceState: String, attributes: [UInt8], to out: inout [UInt8]
    ) throws(OTLPValueError) {
        var link = JSONObjectBuilder()
        link.add(key: "traceId") { (out: inout [UInt8]) in JSONText.appendQuoted(utf8: traceID, to: &out) }
        link.add(key: "spanId") { (out: inout [UInt8]) in JSONText.appendQuoted(utf8: spanID, to: &out) }
        if !traceState.isEmpty {
            let text = try storable(traceState, "a link's traceState")
            link.add(key: "traceState") { (out: inout [UInt8]) in JSONText.appendQuoted(text, to: &out) }
        }
        link.add(key: "attributes", value: attributes)
        appendElement(link.finished(), to: &out)
    }

    /// Arrays are built from `nil` (none yet) so that a span without events stores NULL.
    private static func appendElement(_ element: [UInt8], to out: inout [UInt8]) {
        out.append(out.isEmpty ? UInt8(ascii: "[") : UInt8(ascii: ","))
        out.append(contentsOf: element)
    }

    /// Closes an array built with `appendEvent` or `appendLink`; nil when nothing was appended.
    static func finishedArray(_ elements: [UInt8]) -> [UInt8]? {
        elements.isEmpty ? nil : elements + [UInt8(ascii: "]")]
    }

    /// Appends the lowercase hex of a binary id.
    static func hex(_ id: some Collection<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(id.count * 2)
        Hex.append(id, to: &out)
        return out
    }
}

import JSON
import OTLPProtobuf
import TextFormats

/// An OTLP/JSON traces export (`resourceSpans` / `scopeSpans` / `spans`) as rows of `spans`, one per span, as
/// `OTLPSpanProtobufDecoder` makes them from protobuf:
/// - `traceId`, `spanId`, `parentSpanId`: hex as OTLP/JSON sends them (not base64), stored lowercase; a trace id
///   that is not 32 digits, a span id that is not 16, or an id of zeros refuses the span;
/// - times in nanoseconds since 1970 (numbers or strings); a span without a start or ending before it starts is
///   refused;
/// - `kind` and `status.code` as numbers or enum names; `attributes` (with `otel.scope.name` and
///   `otel.scope.version` of its scope), the resource's attributes, `events` and `links` as JSON;
/// - the typed columns (operation, models, tool, tokens, cost, session) from `SpanConventions`, the service from the
///   resource's `service.name`.
/// A span that cannot be stored (the above, or attributes past `limits`, as `OTLPItemCheck` counts them for
/// protobuf) is counted in `partialSuccess`; the others are stored. A span sent again (same host, trace and span id)
/// is not stored twice.
struct OTLPSpanJSONDecoder: Sendable {
    let limits: OTLPProtobufLimits

    func decode(_ root: JSONValue) throws(ValidationError) -> OTLPDecoded<[SpanRow]> {
        var rows: [SpanRow] = []
        var rejections = OTLPRejections(of: "spans")
        try OTLPExportWalk(signal: "Spans").forEachScope(in: root, rejections: &rejections, itemsUnder: {
            $0.member("spans")?.count ?? 0
        }) { (scopeSpans: OTLPExportWalk.Scope, rejections: inout OTLPRejections) throws(ValidationError) in
            let spans: JSONElements
            do {
                spans = try OTLPValue.list(scopeSpans.object.member("spans"), "spans")
            } catch {
                throw ValidationError("invalid_body", "\(scopeSpans.path).spans must be an array", field: "spans")
            }
            let resource = OTLPResource(scopeSpans.resource)
            let check = OTLPItemCheck(limits: limits)
            let resourceProblems = check.problems(attributes: scopeSpans.resource.attributes, of: "the resource")
                + check.problems(attributes: OTLPJSONMessages.scope(scopeSpans.object.member("scope")).attributes,
                                 of: "the scope")
            let scope = scopeSpans.object.member("scope")
            let scopeName = scope?.member("name")?.string?.decoded() ?? ""
            let scopeVersion = scope?.member("version")?.string?.decoded() ?? ""
            for (spanIndex, span) in spans.enumerated() {
                do throws(OTLPValueError) {
                    try Self.within(resourceProblems)
                    rows.append(try Self.row(span, resource: resource, scopeName: scopeName,
                                             scopeVersion: scopeVersion, check: check))
                    rejections.accepted()
                } catch {
                    rejections.reject(at: "\(scopeSpans.path).spans[\(spanIndex)]", error.message)
                }
            }
        }
        return OTLPDecoded(rows: rows, rejections: rejections)
    }

    static func row(
        _ span: JSONValue, resource: OTLPResource, scopeName: String, scopeVersion: String, check: OTLPItemCheck
    ) throws(OTLPValueError) -> SpanRow {
        guard span.kind == .object else { throw OTLPValueError("a span must be an object") }
        guard let traceID = try hexID(span.member("traceId"), "traceId", bytes: 16) else {
            throw OTLPValueError("a span needs a traceId")
        }
        guard let spanID = try hexID(span.member("spanId"), "spanId", bytes: 8) else {
            throw OTLPValueError("a span needs a spanId")
        }
        let times = try OTLPSpanFields.times(startNanos: try OTLPValue.unixNanos(span.member("startTimeUnixNano")),
                                             endNanos: try OTLPValue.unixNanos(span.member("endTimeUnixNano")))
        let name = try text(span.member("name"), "name") ?? ""
        var row = SpanRow(traceID: traceID, spanID: spanID, name: Array(name.utf8), startTime: times.start, source: .otlp)
        row.parentSpanID = try hexID(span.member("parentSpanId"), "parentSpanId", bytes: 8)
        row.endTime = times.end
        row.kind = try enumeration(span.member("kind"), "kind", byNumber: OTLPSpanFields.kind, byName: OTLPSpanFields.kind(named:))
        if let status = span.member("status"), !status.isNull {
            guard status.kind == .object else { throw OTLPValueError("status must be an object") }
            row.status = try enumeration(status.member("code"), "status.code", byNumber: OTLPSpanFields.status,
                                         byName: OTLPSpanFields.status(named:)) ?? .unset
            row.statusMessage = try text(status.member("message"), "status.message").flatMap { $0.isEmpty ? nil : Array($0.utf8) }
        }
        row.serviceName = resource.serviceName
        row.resource = resource.attributes

        let keyValues = try OTLPJSONMessages.keyValues(span.member("attributes"))
        try Self.within(check.problems(attributes: keyValues, of: "the span"))
        var attributes = JSONObjectBuilder()
        OTLPPlainJSON.add(keyValues, to: &attributes)
        var conventions = SpanConventions()
        for keyValue in keyValues {
            conventions.read(keyValue.key) { conventionValue(keyValue.hasValue ? keyValue.value : nil) }
        }
        try OTLPSpanFields.addScope(name: scopeName, version: scopeVersion, to: &attributes)
        row.attributes = attributes.finished()

        var events: [UInt8] = []
        for event in try OTLPValue.list(span.member("events"), "events") {
            guard event.kind == .object else { throw OTLPValueError("each event must be an object") }
            let eventKeyValues = try OTLPJSONMessages.keyValues(event.member("attributes"))
            try Self.within(check.problems(attributes: eventKeyValues, of: "an event"))
            let eventAttributes = OTLPPlainJSON.object(eventKeyValues)
            try OTLPSpanFields.appendEvent(timeNanos: try OTLPValue.unixNanos(event.member("timeUnixNano")),
                                           name: try text(event.member("name"), "an event's name") ?? "",
                                           attributes: eventAttributes, to: &events)
        }
        row.events = OTLPSpanFields.finishedArray(events)
        var links: [UInt8] = []
        for link in try OTLPValue.list(span.member("links"), "links") {
            guard link.kind == .object else { throw OTLPValueError("each link must be an object") }
            guard let linkTrace = try hexID(link.member("traceId"), "a link's traceId", bytes: 16),
                  let linkSpan = try hexID(link.member("spanId"), "a link's spanId", bytes: 8)
            else { throw OTLPValueError("a link needs a traceId and a spanId") }
            let linkKeyValues = try OTLPJSONMessages.keyValues(link.member("attributes"))
            try Self.within(check.problems(attributes: linkKeyValues, of: "a link"))
            let linkAttributes = OTLPPlainJSON.object(linkKeyValues)
            try OTLPSpanFields.appendLink(traceID: linkTrace, spanID: linkSpan,
                                          traceState: try text(link.member("traceState"), "a link's traceState") ?? "",
                                          attributes: linkAttributes, to: &links)
        }
        row.links = OTLPSpanFields.finishedArray(links)
        conventions.apply(to: &row, spanName: name,
                          resourceSessionID: resource.sessionID.flatMap(SpanConventions.fitting))
        return row
    }

    /// Refuses the span with the first problem found.
    private static func within(_ problems: [OTLPItemProblem]) throws(OTLPValueError) {
        if let problem = problems.first { throw OTLPValueError(problem.message) }
    }

    /// An id in hex, lowercased; nil when absent or empty. `bytes` is its binary length.
    static func hexID(_ value: JSONValue?, _ name: String, bytes: Int) throws(OTLPValueError) -> [UInt8]? {
        guard let value, !value.isNull else { return nil }
        guard let text = value.string?.decodedBytes() else { throw OTLPValueError("\(name) must be a string of hex digits") }
        if text.isEmpty { return nil }
        guard text.count == bytes * 2, let id = Hex.decode(text) else {
            let hex = text.allSatisfy { Hex.decode([$0, $0]) != nil }
            throw OTLPValueError(hex ? "\(name) must be \(bytes * 2) hex digits (\(bytes) bytes), not \(text.count)"
                                     : "\(name) must be \(bytes * 2) hex digits (OTLP/JSON sends ids as hex, not base64)")
        }
        guard id.contains(where: { $0 != 0 }) else { throw OTLPValueError("\(name) must not be all zero") }
        return OTLPSpanFields.hex(id)
    }

    /// A string field; nil when absent.
    private static func text(_ value: JSONValue?, _ name: String) throws(OTLPValueError) -> String? {
        guard let value, !value.isNull else { return nil }
        guard let text = value.string else { throw OTLPValueError("\(name) must be a string") }
        return text.decoded()
    }

    /// An enum field as the protobuf JSON mapping allows it: its number or its name; nil when absent or unknown.
    private static func enumeration<Value>(
        _ value: JSONValue?, _ name: String, byNumber: (Int64) -> Value?, byName: (String) -> Value?
    ) throws(OTLPValueError) -> Value? {
        guard let value, !value.isNull else { return nil }
        if let number = value.int64 { return byNumber(number) }
        if let text = value.string { return byName(text.decoded()) }
        throw OTLPValueError("\(name) must be a number or an enum name")
    }

    /// What `SpanConventions` reads of an `AnyValue`: strings, numbers and booleans.
    static func conventionValue(_ anyValue: OTLP.AnyValue?) -> SpanConventions.Value? {
        switch anyValue?.value {
        case let .stringValue(text)?: .string(text)
        case let .intValue(number)?: .int(number)
        case let .doubleValue(number)?: .double(number)
        case let .boolValue(flag)?: .bool(flag)
        default: nil
        }
    }
}

import JSON
import OTLPProtobuf

/// An OTLP/HTTP protobuf traces export (gunzipped) as rows of `spans`: `OTLPTraceDecoder` reads the wire format
/// within `limits` (a body it cannot read throws, and nothing is stored), `OTLPItemCheck` refuses spans with ids of
/// the wrong length, an end before the start or attributes past the limits, and each other span becomes a row as
/// `OTLPSpanJSONDecoder` makes one from OTLP/JSON: ids in lowercase hex, attributes, resource, events and links as
/// JSON, the typed columns from `SpanConventions`.
struct OTLPSpanProtobufDecoder: Sendable {
    let limits: OTLPProtobufLimits

    func decode(_ body: [UInt8]) throws(OTLPProtobufError) -> OTLPDecoded<[SpanRow]> {
        let traces = try OTLPTraceDecoder(limits: limits).decode(body)
        var decoded = OTLPDecoded(rows: [SpanRow](), rejections: OTLPRejections(of: "spans"))
        decoded.rows.reserveCapacity(traces.spanCount)
        let refused = OTLPItemCheck(limits: limits).rejectedSpans(traces)
        for item in refused {
            decoded.rejections.reject(at: item.path, item.problems.map(\.message).joined(separator: "; "))
        }
        let refusedPaths = Set(refused.map(\.path))
        for (resourceIndex, resourceSpans) in traces.resourceSpans.enumerated() {
            let resource = Result { () throws(OTLPValueError) in try Resource(resourceSpans.resource) }
            for (scopeIndex, scopeSpans) in resourceSpans.scopeSpans.enumerated() {
                for (spanIndex, span) in scopeSpans.spans.enumerated() {
                    let path = { "resourceSpans[\(resourceIndex)].scopeSpans[\(scopeIndex)].spans[\(spanIndex)]" }
                    if !refusedPaths.isEmpty, refusedPaths.contains(path()) { continue }
                    do throws(OTLPValueError) {
                        decoded.rows.append(try Self.row(span, resource: try resource.get(), scope: scopeSpans))
                        decoded.rejections.accepted()
                    } catch {
                        decoded.rejections.reject(at: path(), error.message)
                    }
                }
            }
        }
        return decoded
    }

    /// What every span of a resource shares.
    struct Resource {
        let attributes: [UInt8]
        let serviceName: [UInt8]?
        let sessionID: [UInt8]?

        init(_ attributes: OTLPAttributes) throws(OTLPValueError) {
            self.attributes = try OTLPProtobuf.OTLPValue.object(attributes)
            var serviceName: [UInt8]?
            var sessionID: [UInt8]?
            for attribute in attributes {
                guard case let .string(text) = attribute.value else { continue }
                if attribute.key == "service.name" { serviceName = EventSchema.agentName.fitting(text) }
                if attribute.key == "session.id" { sessionID = SpanConventions.fitting(text) }
            }
            self.serviceName = serviceName
            self.sessionID = sessionID
        }
    }

    static func row(_ span: OTLPSpan, resource: Resource, scope: OTLPScopeSpans) throws(OTLPValueError) -> SpanRow {
        let times = try OTLPSpanFields.times(startNanos: span.startTimeUnixNano, endNanos: span.endTimeUnixNano)
        let name = try OTLPSpanFields.storable(span.name, "the span's name")
        var row = SpanRow(traceID: OTLPSpanFields.hex(span.traceID), spanID: OTLPSpanFields.hex(span.spanID),
                          name: Array(name.utf8), startTime: times.start, source: .otlp)
        row.parentSpanID = span.parentSpanID.isEmpty ? nil : OTLPSpanFields.hex(span.parentSpanID)
        row.endTime = times.end
        row.kind = OTLPSpanFields.kind(Int64(span.kind))
        row.status = OTLPSpanFields.status(Int64(span.statusCode))
        if !span.statusMessage.isEmpty {
            row.statusMessage = Array(try OTLPSpanFields.storable(span.statusMessage, "the status message").utf8)
        }
        row.serviceName = resource.serviceName
        row.resource = resource.attributes

        var attributes = JSONObjectBuilder()
        var conventions = SpanConventions()
        for attribute in span.attributes {
            try attributes.add(key: try OTLPSpanFields.storable(attribute.key, "an attribute's key")) {
                (out: inout [UInt8]) throws(OTLPValueError) in try attribute.value.appendJSON(to: &out)
            }
            conventions.read(attribute.key) { attribute.value.conventionValue }
        }
        try OTLPSpanFields.addScope(name: scope.scopeName, version: scope.scopeVersion, to: &attributes)
        row.attributes = attributes.finished()

        var events: [UInt8] = []
        for event in span.events {
            try OTLPSpanFields.appendEvent(timeNanos: event.timeUnixNano, name: event.name,
                                           attributes: try OTLPProtobuf.OTLPValue.object(event.attributes), to: &events)
        }
        row.events = OTLPSpanFields.finishedArray(events)
        var links: [UInt8] = []
        for link in span.links {
            try OTLPSpanFields.appendLink(traceID: OTLPSpanFields.hex(link.traceID), spanID: OTLPSpanFields.hex(link.spanID),
                                          traceState: link.traceState,
                                          attributes: try OTLPProtobuf.OTLPValue.object(link.attributes), to: &links)
        }
        row.links = OTLPSpanFields.finishedArray(links)
        conventions.apply(to: &row, spanName: name, resourceSessionID: resource.sessionID)
        return row
    }
}

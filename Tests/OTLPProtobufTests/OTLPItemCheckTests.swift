import Foundation
import OTLPProtobuf
import OTLPTestSupport
import Testing

/// Spans that decode but cannot be stored are named one by one, for `partial_success`; the others pass.
@Suite("OTLPItemCheck")
struct OTLPItemCheckTests {
    func rejected(_ spans: [OTLP.Span], limits: OTLPProtobufLimits = OTLPProtobufLimits()) throws -> [OTLPRejectedItem] {
        let traces = try OTLPTraceDecoder(limits: limits).decode(Wire.traces(spans: try spans.map(Wire.bytes)))
        return OTLPItemCheck(limits: limits).rejectedSpans(traces)
    }

    @Test("good spans, roots and children, pass")
    func goodSpansPass() throws {
        var child = Wire.span()
        child.parentSpanID = Data(Array(9 ... 16))
        #expect(try rejected([Wire.span(), child, Wire.span(start: 5, end: 5)]).isEmpty)
    }

    @Test("a trace id of the wrong length or all zero rejects its span only")
    func traceIDLength() throws {
        let result = try rejected([Wire.span(), Wire.span(traceID: Array(1 ... 15)), Wire.span(traceID: [0] + Array(1 ... 16)),
                                   Wire.span(traceID: Array(repeating: 0, count: 16))])
        #expect(result.map(\.path) == ["resourceSpans[0].scopeSpans[0].spans[1]", "resourceSpans[0].scopeSpans[0].spans[2]",
                                       "resourceSpans[0].scopeSpans[0].spans[3]"])
        #expect(result.allSatisfy { $0.problems.map(\.reason) == [.invalidTraceID] })
        #expect(result[0].message == "resourceSpans[0].scopeSpans[0].spans[1]: trace_id must be 16 bytes, not 15")
    }

    @Test("a span id of the wrong length or a parent span id neither empty nor 8 bytes rejects the span")
    func spanIDLength() throws {
        var badParent = Wire.span()
        badParent.parentSpanID = Data([1, 2, 3])
        let result = try rejected([Wire.span(spanID: Array(1 ... 7)), Wire.span(spanID: []), badParent])
        #expect(result.map { $0.problems.map(\.reason) } == [[.invalidSpanID], [.invalidSpanID], [.invalidParentSpanID]])
    }

    @Test("a span that ends before it starts is rejected")
    func endBeforeStart() throws {
        let result = try rejected([Wire.span(start: 2_000, end: 1_999)])
        #expect(result.map { $0.problems.map(\.reason) } == [[.endBeforeStart]])
        #expect(result[0].problems[0].message == "the span ends (1999) before it starts (2000)")
    }

    @Test("too many attributes or a value too long rejects the span, on the span or on its events")
    func attributeLimits() throws {
        let limits = OTLPProtobufLimits(maxAttributes: 2, maxAttributeValueBytes: 16)
        var crowded = Wire.span()
        crowded.attributes.append(Wire.keyValue("third", "x"))
        var long = Wire.span()
        long.attributes = [Wire.keyValue("prompt", String(repeating: "a", count: 17))]
        var event = OTLP.Span.Event()
        event.attributes = [Wire.keyValue("a", "1"), Wire.keyValue("b", "2"), Wire.keyValue("c", "3")]
        var withEvent = Wire.span()
        withEvent.attributes = []
        withEvent.events = [event]
        var exact = Wire.span()
        exact.attributes = [Wire.keyValue("prompt", String(repeating: "a", count: 16))]
        let result = try rejected([crowded, long, withEvent, exact], limits: limits)
        #expect(result.map { $0.problems.map(\.reason) } == [[.tooManyAttributes], [.attributeValueTooLong],
                                                             [.tooManyAttributes]])
        #expect(result[1].problems[0].message.contains("prompt is 17 bytes"))
        #expect(result[2].problems[0].message.hasPrefix("events[0] has 3 attributes"))
    }

    @Test("a resource over the attribute limit rejects every span under it")
    func resourceProblemsRejectTheirSpans() throws {
        var request = OTLP.ExportTraceServiceRequest()
        var resourceSpans = OTLP.ResourceSpans()
        resourceSpans.resource.attributes = (0 ..< 3).map { Wire.keyValue("k\($0)", "v") }
        var scope = OTLP.ScopeSpans()
        scope.spans = [Wire.span(), Wire.span()]
        resourceSpans.scopeSpans = [scope]
        request.resourceSpans = [resourceSpans]
        let limits = OTLPProtobufLimits(maxAttributes: 2)
        let traces = try OTLPTraceDecoder(limits: limits).decode(try Wire.bytes(request))
        #expect(OTLPItemCheck(limits: limits).rejectedSpans(traces).count == 2)
    }

    @Test("a log record's ids may be empty but not of another length")
    func logRecordIDs() throws {
        var good = OTLP.LogRecord()
        good.attributes = [Wire.keyValue("event.name", "api_request")]
        var withIDs = good
        withIDs.traceID = Data(Array(1 ... 16))
        withIDs.spanID = Data(Array(1 ... 8))
        var bad = good
        bad.traceID = Data(Array(1 ... 8))
        let check = OTLPItemCheck()
        #expect(check.problems(logRecord: good).isEmpty)
        #expect(check.problems(logRecord: withIDs).isEmpty)
        #expect(check.problems(logRecord: bad).map(\.reason) == [.invalidTraceID])
    }
}

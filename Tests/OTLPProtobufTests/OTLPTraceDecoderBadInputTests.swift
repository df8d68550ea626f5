import OTLPProtobuf
import OTLPTestSupport
import SwiftProtobuf
import Testing

/// Every way a traces body can be malformed is refused with its own reason, and nothing is returned.
@Suite("OTLPTraceDecoder on bad input")
struct OTLPTraceDecoderBadInputTests {
    let decoder = OTLPTraceDecoder()

    func reason(_ body: [UInt8], limits: OTLPProtobufLimits = OTLPProtobufLimits()) -> OTLPProtobufError.Reason? {
        do {
            _ = try OTLPTraceDecoder(limits: limits).decode(body)
            return nil
        } catch {
            return error.reason
        }
    }

    @Test("the good body these tests break decodes")
    func goodBodyDecodes() throws {
        let traces = try decoder.decode(Wire.traces(spans: [try Wire.bytes(Wire.span()), try Wire.bytes(Wire.span())]))
        #expect(traces.spanCount == 2)
        #expect(traces.resourceSpans[0].scopeSpans[0].spans[0].name == "chat claude-opus-4-5")
    }

    @Test("a body cut short anywhere is truncated, a varint or a length past the end")
    func truncatedBody() throws {
        let body = Wire.traces(spans: [try Wire.bytes(Wire.span())])
        #expect(reason(Array(body.dropLast(5))) == .truncated)
        for length in 1 ..< body.count {
            #expect([.truncated, .unterminatedVarint].contains(reason(Array(body.prefix(length)))), "cut at \(length)")
        }
        let error = #expect(throws: OTLPProtobufError.self) { try decoder.decode(Array(body.dropLast(5))) }
        #expect(error?.message.contains("cut short inside resourceSpans[0]") == true)
    }

    @Test("a known field with the wrong wire type is refused, in the envelope and in a span")
    func wrongWireType() throws {
        #expect(reason(Wire.tag(1, 0) + [1]) == .wrongWireType)
        // The span's name (field 5, a string) sent as a varint.
        let span = try Wire.bytes(Wire.span()) + Wire.tag(5, 0) + [1]
        #expect(reason(Wire.traces(spans: [span])) == .wrongWireType)
        let error = #expect(throws: OTLPProtobufError.self) { try decoder.decode(Wire.traces(spans: [span])) }
        #expect(error?.message.contains("resourceSpans[0].scopeSpans[0].spans[0]") == true)
        // Start time (fixed64) sent as fixed32.
        #expect(reason(Wire.traces(spans: [try Wire.bytes(Wire.span()) + Wire.tag(7, 5) + [0, 0, 0, 0]])) == .wrongWireType)
    }

    @Test("wire types 6 and 7, groups, and field numbers 0 or past 2^29 - 1 are invalid")
    func invalidWireType() throws {
        let good = Wire.traces(spans: [try Wire.bytes(Wire.span())])
        #expect(reason(good + Wire.tag(9, 6)) == .invalidWireType)
        #expect(reason(good + Wire.tag(9, 7)) == .invalidWireType)
        #expect(reason(Wire.traces(spans: [Wire.tag(20, 3) + Wire.tag(20, 4)])) == .invalidWireType)
        #expect(reason([0x00]) == .invalidWireType)
        #expect(reason(good + Wire.tag(536_870_911, 0) + [1]) == nil)
        #expect(reason(good + Wire.tag(536_870_912, 0) + [1]) == .invalidWireType)
    }

    @Test("the body the fuzzer found, an unknown field with a number past 2^29 - 1, is refused as swift-protobuf does")
    func fuzzerFieldNumberPastTheLimit() throws {
        // A top-level tag whose field number is 945755921747804144 among otherwise skippable fields.
        let body = Wire.tag(5007, 5) + [0, 0, 0, 0] + Wire.tag(945_755_921_747_804_144, 0) + [104]
        #expect(reason(body) == .invalidWireType)
        #expect(throws: (any Error).self) { try OTLP.ExportTraceServiceRequest(serializedBytes: body) }
    }

    @Test("a span kind or status code past 32 bits is cut to 32 bits, as swift-protobuf cuts enums (found by fuzzing)")
    func enumsPast32Bits() throws {
        let span = try Wire.bytes(Wire.span()) + Wire.tag(6, 0) + Array(repeating: 0xFF, count: 9) + [0x01]
            + Wire.field(15, Wire.tag(3, 0) + Wire.varint(1 << 32 | 2))
        let body = Wire.traces(spans: [span])
        let decoded = try decoder.decode(body).resourceSpans[0].scopeSpans[0].spans[0]
        let oracle = try OTLP.ExportTraceServiceRequest(serializedBytes: body).resourceSpans[0].scopeSpans[0].spans[0]
        #expect(decoded.kind == -1)
        #expect(Int(decoded.kind) == oracle.kind.rawValue)
        #expect(decoded.statusCode == 2)
        #expect(Int(decoded.statusCode) == oracle.status.code.rawValue)
    }

    @Test("a nested length past its message's end is refused though the body is long enough")
    func lengthPastEnd() throws {
        let span = try Wire.bytes(Wire.span())
        // The scope spans claim 20 bytes more than their resource spans hold; a second resource follows.
        let scopeSpans = Wire.tag(2, 2) + Wire.varint(UInt64(span.count + 2 + 20)) + Wire.field(2, span)
        let body = Wire.field(1, scopeSpans) + Wire.field(1, Array(repeating: 0x2A, count: 40))
        #expect(reason(body) == .lengthPastEnd)
    }

    @Test("a varint that never ends is refused")
    func unterminatedVarint() throws {
        let good = Wire.traces(spans: [try Wire.bytes(Wire.span())])
        #expect(reason(good + [0x0A, 0xFF, 0xFF]) == .unterminatedVarint)
        #expect(reason(good + Wire.tag(99, 0) + Array(repeating: 0xFF, count: 11) + [0x01]) == .unterminatedVarint)
        // Inside a span: the kind's varint runs to the end of the span.
        #expect(reason(Wire.traces(spans: [try Wire.bytes(Wire.span()) + Wire.tag(6, 0) + [0x80, 0x80]]))
            == .unterminatedVarint)
    }

    @Test("attribute values nested past the depth limit are refused")
    func nestingPastTheLimit() throws {
        var value = OTLP.AnyValue()
        value.stringValue = "deep"
        for _ in 0 ..< 20 {
            var outer = OTLP.AnyValue()
            outer.arrayValue.values = [value]
            value = outer
        }
        var span = Wire.span()
        var attribute = OTLP.KeyValue()
        attribute.key = "nested"
        attribute.value = value
        span.attributes.append(attribute)
        let body = Wire.traces(spans: [try Wire.bytes(span)])
        // Six levels to the attribute's value, then two per array: 46 in all.
        #expect(reason(body) == .nestingTooDeep)
        #expect(reason(body, limits: OTLPProtobufLimits(maxDepth: 46)) == nil)
        #expect(reason(body, limits: OTLPProtobufLimits(maxDepth: 45)) == .nestingTooDeep)
    }

    @Test("a string that is not UTF-8 is refused, in a name, a key or a value")
    func invalidUTF8() throws {
        let good = try Wire.bytes(Wire.span())
        for bad: [UInt8] in [[0xC3, 0x28], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xC0, 0xAF], [0xE2, 0x82]] {
            #expect(reason(Wire.traces(spans: [good + Wire.field(5, bad)])) == .invalidUTF8, "name \(bad)")
            let key = Wire.field(9, Wire.field(1, bad))
            #expect(reason(Wire.traces(spans: [good + key])) == .invalidUTF8, "key \(bad)")
            let value = Wire.field(9, Wire.field(1, Array("k".utf8)) + Wire.field(2, Wire.field(1, bad)))
            #expect(reason(Wire.traces(spans: [good + value])) == .invalidUTF8, "value \(bad)")
        }
        // The same bytes are fine as a bytes value (field 7).
        let bytesValue = Wire.field(9, Wire.field(1, Array("k".utf8)) + Wire.field(2, Wire.field(7, [0xC3, 0x28])))
        #expect(reason(Wire.traces(spans: [good + bytesValue])) == nil)
        #expect(reason(Wire.traces(spans: [good + Wire.field(5, Array("naïve ✓ 🙂".utf8))])) == nil)
    }

    @Test("more spans than the limit are refused before any is built")
    func tooManySpans() throws {
        let span = try Wire.bytes(Wire.span())
        let body = Wire.traces(spans: [span, span, span])
        #expect(reason(body, limits: OTLPProtobufLimits(maxSpans: 3)) == nil)
        #expect(reason(body, limits: OTLPProtobufLimits(maxSpans: 2)) == .tooManyItems)
    }

    @Test("a body over the size limit is refused")
    func bodyTooLarge() throws {
        let body = Wire.traces(spans: [try Wire.bytes(Wire.span())])
        #expect(reason(body, limits: OTLPProtobufLimits(maxBodyBytes: body.count)) == nil)
        #expect(reason(body, limits: OTLPProtobufLimits(maxBodyBytes: body.count - 1)) == .bodyTooLarge)
    }

    @Test("a message sent twice merges as in swift-protobuf: resource and scope attributes add up, arrays concatenate")
    func mergesRepeatedMessages() throws {
        let resource = Wire.field(1, Wire.field(1, try Wire.bytes(Wire.keyValue("service.name", "a"))))
        let scope = Wire.field(1, Wire.field(3, try Wire.bytes(Wire.keyValue("scope.key", "s"))))
        let array = { (text: String) in Wire.field(5, Wire.field(1, Wire.field(1, Array(text.utf8)))) }
        let listAttribute = Wire.field(9, Wire.field(1, Array("list".utf8)) + Wire.field(2, array("x"))
            + Wire.field(2, array("y")))
        let span = try Wire.bytes(Wire.span()) + listAttribute
        let body = Wire.field(1, resource + resource + Wire.field(2, scope + scope + Wire.field(2, span)))
        let decoded = try decoder.decode(body).resourceSpans[0]
        let oracle = try OTLP.ExportTraceServiceRequest(serializedBytes: body).resourceSpans[0]
        #expect(decoded.resource.count == 2)
        #expect(decoded.resource.count == oracle.resource.attributes.count)
        #expect(decoded.scopeSpans[0].scopeAttributes.count == oracle.scopeSpans[0].scope.attributes.count)
        #expect(decoded.scopeSpans[0].spans[0].attributes["list"] == .array([.string("x"), .string("y")]))
        #expect(oracle.scopeSpans[0].spans[0].attributes[2].value.arrayValue.values.map(\.stringValue) == ["x", "y"])
    }

    @Test("a resource's entity references must be UTF-8 too")
    func entityReferencesAreUTF8() throws {
        let good = Wire.field(1, Wire.field(1, Wire.field(3, Wire.field(2, Array("service".utf8)))))
        #expect(reason(good) == nil)
        let bad = Wire.field(1, Wire.field(1, Wire.field(3, Wire.field(3, [0xFF]))))
        #expect(reason(bad) == .invalidUTF8)
        #expect(throws: (any Error).self) { try OTLP.ExportTraceServiceRequest(serializedBytes: bad) }
    }

    @Test("unknown fields are skipped at every level")
    func skipsUnknownFields() throws {
        let span = try Wire.bytes(Wire.span()) + Wire.tag(100, 0) + [5] + Wire.field(101, [1, 2, 3])
            + Wire.tag(102, 1) + Array(repeating: 0, count: 8) + Wire.tag(103, 5) + [0, 0, 0, 0]
        let body = Wire.field(1, Wire.field(2, Wire.field(2, span)) + Wire.tag(50, 0) + [1]) + Wire.field(77, [9])
        let traces = try decoder.decode(body)
        #expect(traces.spanCount == 1)
        #expect(traces.resourceSpans[0].scopeSpans[0].spans[0].name == "chat claude-opus-4-5")
        #expect(traces.resourceSpans[0].scopeSpans[0].spans[0].attributes.count == 2)
    }
}

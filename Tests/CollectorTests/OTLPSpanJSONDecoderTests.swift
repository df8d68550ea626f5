import CollectorTestSupport
import Foundation
import JSON
import OTLPProtobuf
import Testing
@testable import Collector

@Suite("OTLPSpanJSONDecoder")
struct OTLPSpanJSONDecoderTests {
    func decode(_ body: String) throws -> OTLPDecoded<[SpanRow]> {
        try decode(Array(body.utf8))
    }

    func decode(_ body: [UInt8], limits: OTLPProtobufLimits = OTLPProtobufLimits()) throws -> OTLPDecoded<[SpanRow]> {
        try OTLPSpanJSONDecoder(limits: limits).decode(try JSONDocument.parse(body).root)
    }

    /// One export of these spans (JSON objects) under one resource and scope.
    func export(_ spans: [String], resource: String = #"{"attributes":[{"key":"service.name","value":{"stringValue":"agent"}}]}"#) -> String {
        #"{"resourceSpans":[{"resource":\#(resource),"scopeSpans":[{"scope":{"name":"demo","version":"1"},"spans":[\#(spans.joined(separator: ","))]}]}]}"#
    }

    func span(_ extra: String = "", trace: String = "4BF92F3577B34DA6A3CE929D0E0E4736", id: String = "00f067aa0ba902b7",
              start: String = #""1796290928899000000""#, end: String = #""1796290928971943245""#) -> String {
        var fields = [#""traceId":"\#(trace)""#, #""spanId":"\#(id)""#, #""name":"chat""#,
                      #""startTimeUnixNano":\#(start)"#, #""endTimeUnixNano":\#(end)"#]
        if !extra.isEmpty { fields.append(extra) }
        return "{" + fields.joined(separator: ",") + "}"
    }

    /// The row with its JSON columns parsed and written again with sorted keys, so that two rows that hold the same
    /// JSON compare equal however their bytes were written.
    func canonical(_ row: SpanRow) throws -> SpanRow {
        func sorted(_ bytes: [UInt8]?) throws -> [UInt8]? {
            guard let bytes else { return nil }
            let value = try JSONSerialization.jsonObject(with: Data(bytes), options: .fragmentsAllowed)
            return Array(try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed]))
        }
        var row = row
        row.attributes = try sorted(row.attributes) ?? []
        row.resource = try sorted(row.resource) ?? []
        row.events = try sorted(row.events)
        row.links = try sorted(row.links)
        return row
    }

    @Test("Claude Code's trace and the Python SDK's, as an http/json exporter writes them, give the rows protobuf gives",
          arguments: ["protobuf/otlp-traces-1.pb", "../otel-python/traces-4.pb"])
    func sameAsProtobuf(fixture: String) throws {
        let protobuf = try ClaudeCodeFixtures.bytes(fixture)
        let fromProtobuf = try OTLPSpanProtobufDecoder(limits: OTLPProtobufLimits()).decode(protobuf)
        let fromJSON = try decode(try OTLPJSONFromProtobuf.traces(protobuf))
        #expect(fromJSON.rejections.count == 0)
        #expect(fromJSON.rows.count == fromProtobuf.rows.count)
        #expect(try fromJSON.rows.map(canonical) == fromProtobuf.rows.map(canonical))
    }

    @Test("Ids in either case are stored in lowercase hex; an empty parent is a root; kind and status by number or name")
    func idsAndEnums() throws {
        let decoded = try decode(export([
            span(#""parentSpanId":"","kind":3,"status":{"code":2,"message":"overloaded"}"#),
            span(#""parentSpanId":"00F067AA0BA902B7","kind":"SPAN_KIND_SERVER","status":{"code":"STATUS_CODE_OK"}"#,
                 id: "1111111111111111"),
        ]))
        #expect(decoded.rejections.count == 0)
        let first = decoded.rows[0]
        #expect(String(decoding: first.traceID, as: UTF8.self) == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(first.parentSpanID == nil && first.kind == .client && first.status == .error)
        #expect(first.statusMessage == Array("overloaded".utf8))
        let second = decoded.rows[1]
        #expect(second.parentSpanID == Array("00f067aa0ba902b7".utf8))
        #expect(second.kind == .server && second.status == .ok && second.statusMessage == nil)
        #expect(second.serviceName == Array("agent".utf8))
        #expect(String(decoding: second.attributes, as: UTF8.self) == #"{"otel.scope.name":"demo","otel.scope.version":"1"}"#)
    }

    @Test("Events and links become JSON arrays in OTLP/JSON's names; times may be numbers")
    func eventsAndLinks() throws {
        let decoded = try decode(export([span(#"""
            "events":[{"timeUnixNano":1796290928909010672,"name":"gen_ai.request.attempt","attributes":[{"key":"attempt","value":{"intValue":"1"}}]}],
            "links":[{"traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"EEE19B7EC3C1B174","traceState":"a=1"}]
            """#, start: "1796290928899000000")]))
        let row = try #require(decoded.rows.first)
        #expect(String(decoding: row.events ?? [], as: UTF8.self)
                == #"[{"timeUnixNano":"1796290928909010672","name":"gen_ai.request.attempt","attributes":{"attempt":1}}]"#)
        #expect(String(decoding: row.links ?? [], as: UTF8.self)
                == #"[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","traceState":"a=1","attributes":{}}]"#)
    }

    @Test("Each bad span is refused with its reason; the others are kept", arguments: [
        (#"{"traceId":"S/kvNXezTaajzpKdDg5HNg==","spanId":"00f067aa0ba902b7","startTimeUnixNano":"1","endTimeUnixNano":"2"}"#,
         "traceId must be 32 hex digits (OTLP/JSON sends ids as hex, not base64)"),
        (#"{"traceId":"4bf92f3577b34da6a3ce929d0e0e473","spanId":"00f067aa0ba902b7","startTimeUnixNano":"1","endTimeUnixNano":"2"}"#,
         "traceId must be 32 hex digits (16 bytes), not 31"),
        (#"{"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"0000000000000000","startTimeUnixNano":"1","endTimeUnixNano":"2"}"#,
         "spanId must not be all zero"),
        (#"{"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","startTimeUnixNano":"1","endTimeUnixNano":"2"}"#,
         "a span needs a spanId"),
        (#"{"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"00f067aa0ba902b7","parentSpanId":"00f0","startTimeUnixNano":"1","endTimeUnixNano":"2"}"#,
         "parentSpanId must be 16 hex digits (8 bytes), not 4"),
        (#"{"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"00f067aa0ba902b7","startTimeUnixNano":"2","endTimeUnixNano":"1"}"#,
         "the span ends (1) before it starts (2)"),
        (#"{"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"00f067aa0ba902b7","startTimeUnixNano":"2"}"#,
         "the span ends (0) before it starts (2)"),
        (#"{"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"00f067aa0ba902b7","endTimeUnixNano":"2"}"#,
         "a span needs startTimeUnixNano"),
        (#"{"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"00f067aa0ba902b7","startTimeUnixNano":"soon","endTimeUnixNano":"2"}"#,
         "times must be nanoseconds since 1970"),
        (#"{"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"00f067aa0ba902b7","startTimeUnixNano":"1","endTimeUnixNano":"2","name":7}"#,
         "name must be a string"),
        (#"{"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"00f067aa0ba902b7","startTimeUnixNano":"1","endTimeUnixNano":"2","kind":true}"#,
         "kind must be a number or an enum name"),
        (#"{"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"00f067aa0ba902b7","startTimeUnixNano":"1","endTimeUnixNano":"2","attributes":[{"value":{}}]}"#,
         "each attribute must be an object"),
        (#"{"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"00f067aa0ba902b7","startTimeUnixNano":"1","endTimeUnixNano":"2","links":[{"traceId":"4bf92f3577b34da6a3ce929d0e0e4736"}]}"#,
         "a link needs a traceId and a spanId"),
        (#"{"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"00f067aa0ba902b7","startTimeUnixNano":"1","endTimeUnixNano":"2","attributes":[{"key":"a"},{"key":"b"},{"key":"c"},{"key":"d"}]}"#,
         "the span has 4 attributes, over the limit of 3"),
        (#"[]"#, "a span must be an object"),
    ])
    func refusedSpan(bad: String, reason: String) throws {
        let decoded = try decode(Array(export([span(), bad, span(id: "1111111111111111")]).utf8),
                                 limits: OTLPProtobufLimits(maxAttributes: 3))
        #expect(decoded.rows.count == 2)
        #expect(decoded.rejections.count == 1)
        #expect(decoded.rejections.message.contains("resourceSpans[0].scopeSpans[0].spans[1]: \(reason)"),
                "\(decoded.rejections.message)")
    }

    @Test("Spans that are not an array refuse the request; a resource that cannot be read refuses its spans")
    func structure() throws {
        #expect(throws: ValidationError.self) { try decode(#"{"resourceSpans":[{"scopeSpans":[{"spans":{}}]}]}"#) }
        #expect(throws: ValidationError.self) { try decode(#"{"resourceSpans":{}}"#) }
        let badResource = try decode(export([span(), span(id: "1111111111111111")], resource: "[]"))
        #expect(badResource.rows.isEmpty && badResource.rejections.count == 2)
        #expect(try decode("{}").rows.isEmpty)
    }

    @Test("A resource with more attributes than OTLP_MAX_ATTRIBUTES refuses its spans, as in protobuf")
    func resourceOverTheLimit() throws {
        let resource = #"{"attributes":[{"key":"a"},{"key":"b"},{"key":"c"},{"key":"d"}]}"#
        let decoded = try decode(Array(export([span(), span(id: "1111111111111111")], resource: resource).utf8),
                                 limits: OTLPProtobufLimits(maxAttributes: 3))
        #expect(decoded.rows.isEmpty)
        #expect(decoded.rejections.count == 2)
        #expect(decoded.rejections.message.contains("spans[0]: the resource has 4 attributes, over the limit of 3"))
    }

    @Test("A session.id on the resource is every span's session unless the span names its own")
    func resourceSession() throws {
        let resource = #"{"attributes":[{"key":"session.id","value":{"stringValue":"gemini-1"}}]}"#
        let decoded = try decode(export([
            span(), span(#""attributes":[{"key":"gen_ai.conversation.id","value":{"stringValue":"own"}}]"#, id: "1111111111111111"),
        ], resource: resource))
        #expect(decoded.rows.map { String(decoding: $0.sessionID ?? [], as: UTF8.self) } == ["gemini-1", "own"])
    }
}

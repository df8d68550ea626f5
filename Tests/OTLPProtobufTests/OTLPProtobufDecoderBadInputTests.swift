import Foundation
import OTLPProtobuf
import OTLPTestSupport
import SwiftProtobuf
import Testing

/// Logs and metrics go through swift-protobuf after the envelope walk: each malformed shape is refused with a reason.
@Suite("OTLPProtobufDecoder on bad input")
struct OTLPProtobufDecoderBadInputTests {
    func logsReason(_ body: [UInt8], limits: OTLPProtobufLimits = OTLPProtobufLimits()) -> OTLPProtobufError.Reason? {
        do {
            _ = try OTLPProtobufDecoder(limits: limits).decodeLogs(body)
            return nil
        } catch {
            return error.reason
        }
    }

    func metricsReason(_ body: [UInt8], limits: OTLPProtobufLimits = OTLPProtobufLimits()) -> OTLPProtobufError.Reason? {
        do {
            _ = try OTLPProtobufDecoder(limits: limits).decodeMetrics(body)
            return nil
        } catch {
            return error.reason
        }
    }

    func record(_ body: String) -> OTLP.LogRecord {
        var record = OTLP.LogRecord()
        record.body.stringValue = body
        record.attributes = [Wire.keyValue("event.name", "api_request")]
        return record
    }

    func logs(_ records: [[UInt8]]) -> [UInt8] {
        Wire.field(1, Wire.field(2, records.flatMap { Wire.field(2, $0) }))
    }

    @Test("a good logs body decodes, and one cut short does not")
    func truncatedLogs() throws {
        let body = logs([try Wire.bytes(record("hello"))])
        #expect(logsReason(body) == nil)
        #expect(logsReason(Array(body.dropLast(3))) == .truncated)
        let logs = try #require(try? Fixtures.bytes("claude-code/protobuf/otlp-logs-1.pb"))
        for length in stride(from: 1, to: logs.count, by: 97) {
            #expect(logsReason(Array(logs.prefix(length))) != nil, "cut at \(length)")
        }
    }

    @Test("a log record's string that is not UTF-8 is refused by swift-protobuf's own check")
    func invalidUTF8InALogRecord() throws {
        // Severity text (field 3, a string) with a lone continuation byte.
        let bad = try Wire.bytes(record("hello")) + Wire.field(3, [0x80])
        #expect(logsReason(logs([bad])) == .invalidUTF8)
        // The event name (field 12).
        #expect(logsReason(logs([try Wire.bytes(record("x")) + Wire.field(12, [0xC3, 0x28])])) == .invalidUTF8)
    }

    @Test("inside a log record, a length past its end, an endless varint and a bad tag are refused")
    func malformedInsideARecord() throws {
        let good = try Wire.bytes(record("hello"))
        // The body's AnyValue claims more bytes than the record holds.
        #expect(logsReason(logs([good + Wire.tag(5, 2) + [0x7F, 0x0A]])) == .lengthPastEnd)
        #expect(logsReason(logs([good + Wire.tag(2, 0) + [0xFF, 0xFF]])) == .malformed)
        #expect(logsReason(logs([good + Wire.tag(30, 7)])) == .malformed)
    }

    @Test("a known envelope field with the wrong wire type is refused")
    func wrongWireTypeInTheEnvelope() {
        #expect(logsReason(Wire.tag(1, 0) + [1]) == .wrongWireType)
        #expect(logsReason(Wire.field(1, Wire.tag(2, 5) + [0, 0, 0, 0])) == .wrongWireType)
        #expect(metricsReason(Wire.field(1, Wire.field(2, Wire.field(2, Wire.tag(7, 0) + [1])))) == .wrongWireType)
    }

    @Test("an envelope varint that never ends and a nested length past its end are refused")
    func envelopeFaults() throws {
        #expect(logsReason(Wire.tag(1, 2) + [0xFF, 0xFF]) == .unterminatedVarint)
        let record = try Wire.bytes(record("x"))
        let scope = Wire.tag(2, 2) + Wire.varint(UInt64(record.count + 12)) + Wire.field(2, record)
        #expect(logsReason(Wire.field(1, scope) + Wire.field(1, Array(repeating: 0x2A, count: 30))) == .lengthPastEnd)
    }

    @Test("values nested past the depth limit are refused by swift-protobuf's depth limit")
    func nestingPastTheLimit() throws {
        var value = OTLP.AnyValue()
        value.stringValue = "deep"
        for _ in 0 ..< 20 {
            var outer = OTLP.AnyValue()
            outer.kvlistValue.values = [OTLP.KeyValue.with { $0.key = "k"; $0.value = value }]
            value = outer
        }
        var deep = record("x")
        deep.body = value
        #expect(logsReason(logs([try Wire.bytes(deep)])) == .nestingTooDeep)
        // Request, resource logs, scope logs, record, body: 5; then three per map: 65, counted as OTLPTraceDecoder does.
        #expect(logsReason(logs([try Wire.bytes(deep)]), limits: OTLPProtobufLimits(maxDepth: 65)) == nil)
        #expect(logsReason(logs([try Wire.bytes(deep)]), limits: OTLPProtobufLimits(maxDepth: 64)) == .nestingTooDeep)
    }

    @Test("more log records or data points than the limit are refused before decoding")
    func tooManyItems() throws {
        let record = try Wire.bytes(record("x"))
        let body = logs([record, record, record])
        #expect(logsReason(body, limits: OTLPProtobufLimits(maxLogRecords: 3)) == nil)
        #expect(logsReason(body, limits: OTLPProtobufLimits(maxLogRecords: 2)) == .tooManyItems)

        let point = Wire.field(1, Wire.tag(4, 1) + Array(repeating: 0, count: 8))
        // One gauge (field 5) of two points, one sum (field 7) of two.
        let metrics = Wire.field(1, Wire.field(2, Wire.field(2, Wire.field(5, point + point))
            + Wire.field(2, Wire.field(7, point + point))))
        #expect(metricsReason(metrics, limits: OTLPProtobufLimits(maxDataPoints: 4)) == nil)
        #expect(metricsReason(metrics, limits: OTLPProtobufLimits(maxDataPoints: 3)) == .tooManyItems)
    }

    @Test("unknown fields are skipped")
    func skipsUnknownFields() throws {
        let record = try Wire.bytes(record("hello")) + Wire.tag(99, 0) + [7]
        let decoded = try OTLPProtobufDecoder().decodeLogs(Wire.field(1, Wire.field(2, Wire.field(2, record))
            + Wire.field(40, [1])) + Wire.tag(41, 5) + [1, 2, 3, 4])
        #expect(decoded.resourceLogs[0].scopeLogs[0].logRecords[0].body.stringValue == "hello")
        #expect(decoded.resourceLogs[0].scopeLogs[0].logRecords[0].unknownFields.data.isEmpty)
    }
}

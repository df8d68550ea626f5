import Collector
import CollectorTestSupport
import Foundation
import OTLPProtobuf
import OTLPTestSupport
import Postgres
import SwiftProtobuf
import TestSupport
import Testing

/// Every malformed protobuf shape at the logs and metrics routes: the whole request refused with 400 (nothing
/// stored), or the bad items refused in `partial_success` with their count (the others stored); never a 5xx.
@Suite("OTLP/HTTP protobuf bad input at the endpoints")
struct OTLPBadInputTests {
    let collector: CollectorHarness
    static let protobuf = [("Content-Type", "application/x-protobuf")]

    init() throws {
        collector = try CollectorHarness()
    }

    enum Route: String, CaseIterable, Sendable {
        case logs = "/api/otlp/v1/logs"
        case metrics = "/api/otlp/v1/metrics"

        var table: String { self == .logs ? "events" : "otlp_metrics" }
    }

    static func record(_ name: String) -> OTLP.LogRecord {
        var record = OTLP.LogRecord()
        record.body.stringValue = name
        record.attributes = [Wire.keyValue("event.name", name), Wire.keyValue("session.id", "s")]
        return record
    }

    static func point(_ value: Double) -> OTLP.NumberDataPoint {
        var point = OTLP.NumberDataPoint()
        point.asDouble = value
        point.timeUnixNano = 1_795_313_658_000_000_000
        point.attributes = [Wire.keyValue("session.id", "s")]
        return point
    }

    /// A request of one resource and one scope around encoded log records, or around one gauge of encoded points.
    static func request(_ route: Route, _ items: [[UInt8]]) -> [UInt8] {
        switch route {
        case .logs:
            return Wire.field(1, Wire.field(2, items.flatMap { Wire.field(2, $0) }))
        case .metrics:
            let gauge = Wire.field(5, items.flatMap { Wire.field(1, $0) })
            return Wire.field(1, Wire.field(2, Wire.field(2, Wire.field(1, Array("m".utf8)) + gauge)))
        }
    }

    static func good(_ route: Route, _ index: Int) throws -> [UInt8] {
        route == .logs ? try Wire.bytes(record("e\(index)")) : try Wire.bytes(point(Double(index)))
    }

    /// The shapes no encoder writes, each with the status it gets and words its message must hold.
    static func malformed(_ route: Route) throws -> [(name: String, body: [UInt8], words: String)] {
        let good = try Self.good(route, 1)
        let body = request(route, [good, try Self.good(route, 2)])
        var deep = OTLP.AnyValue()
        deep.stringValue = "deep"
        for _ in 0 ..< 40 {
            var outer = OTLP.AnyValue()
            outer.arrayValue.values = [deep]
            deep = outer
        }
        var nested = OTLP.KeyValue()
        nested.key = "nested"
        nested.value = deep
        let deepItem: [UInt8]
        if route == .logs {
            var record = record("deep")
            record.attributes.append(nested)
            deepItem = try Wire.bytes(record)
        } else {
            var point = point(1)
            point.attributes.append(nested)
            deepItem = try Wire.bytes(point)
        }
        // An attribute key (field 1 of the KeyValue, a string) that is a lone continuation byte.
        let keyValue = Wire.field(1, [0x80]) + Wire.field(2, Wire.field(1, Array("v".utf8)))
        let notUTF8 = good + Wire.field(route == .logs ? 6 : 7, keyValue)
        return [
            ("truncated", Array(body.dropLast(3)), "cut short"),
            ("wrong wire type", Wire.tag(1, 0) + [1] + body, "wire type"),
            ("length past the body", body + Wire.tag(1, 2) + Wire.varint(500) + [0x0A], "cut short"),
            ("length past its message", request(route, [good + Wire.tag(5, 2) + [0x7F, 0x0A]]), "runs past"),
            ("unterminated varint", body + Wire.tag(1, 2) + [0xFF, 0xFF], "varint"),
            ("nesting past the limit", request(route, [deepItem]), "nest deeper"),
            ("a string that is not UTF-8", request(route, [notUTF8]), "UTF-8"),
        ]
    }

    @Test("A malformed protobuf body is 400 with the reason; nothing is stored", arguments: Route.allCases)
    func malformedBodies(route: Route) throws {
        for shape in try Self.malformed(route) {
            let response = try collector.request("POST", route.rawValue, bytes: shape.body, key: collector.key,
                                                 headers: Self.protobuf)
            #expect(response.status == 400, "\(shape.name)")
            #expect(response.json["code"] as? String == "invalid_protobuf", "\(shape.name)")
            let message = response.json["error"] as? String ?? ""
            #expect(message.contains(shape.words), "\(shape.name): \(message)")
        }
        #expect(try collector.count(route.table) == 0)
    }

    @Test("Every prefix of a real export is refused or taken whole, never a 5xx", arguments: Route.allCases)
    func everyCut(route: Route) throws {
        let fixture = try SharedFixtures.bytes(route == .logs ? "claude-code/protobuf/otlp-logs-2.pb"
                                                              : "claude-code/protobuf/otlp-metrics-1.pb")
        for length in stride(from: 1, to: fixture.count, by: 211) {
            let response = try collector.request("POST", route.rawValue, bytes: Array(fixture.prefix(length)),
                                                 key: collector.key, headers: Self.protobuf)
            #expect(response.status == 400 || response.status == 200, "cut at \(length): \(response.status)")
        }
    }

    @Test("A log record whose trace or span id has the wrong length is refused in partial_success; the others are stored")
    func idOfTheWrongLength() throws {
        var badTrace = Self.record("bad-trace")
        badTrace.traceID = Data(repeating: 1, count: 15)
        var badSpan = Self.record("bad-span")
        badSpan.traceID = Data(repeating: 1, count: 16)
        badSpan.spanID = Data(repeating: 2, count: 9)
        var good = Self.record("good")
        good.traceID = Data(repeating: 1, count: 16)
        good.spanID = Data(repeating: 2, count: 8)
        let body = Self.request(.logs, [try Wire.bytes(badTrace), try Wire.bytes(good), try Wire.bytes(badSpan)])
        let response = try collector.request("POST", Route.logs.rawValue, bytes: body, key: collector.key, headers: Self.protobuf)
        #expect(response.status == 200)
        let answer = try OTLP.ExportLogsServiceResponse(serializedBytes: response.body)
        #expect(answer.partialSuccess.rejectedLogRecords == 2)
        #expect(answer.partialSuccess.errorMessage.contains("2 of 3 log records rejected"))
        #expect(answer.partialSuccess.errorMessage.contains("logRecords[0]: trace_id must be empty or 16 bytes, not 15"))
        let rows = try collector.query("SELECT event_type, trace_id, span_id FROM events").rows
        #expect(rows == [["good", String(repeating: "01", count: 16), String(repeating: "02", count: 8)]])
    }

    @Test("The same record in JSON with an id of the wrong length is refused the same way")
    func idOfTheWrongLengthInJSON() throws {
        let body = #"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"traceId":"0102","attributes":[{"key":"session.id","value":{"stringValue":"s"}}]},{"spanId":"zz","attributes":[{"key":"session.id","value":{"stringValue":"s"}}]}]}]}]}"#
        let response = try collector.request("POST", Route.logs.rawValue, body: body)
        #expect(response.status == 200)
        let partial = try #require(response.json["partialSuccess"] as? [String: Any])
        #expect(partial["rejectedLogRecords"] as? String == "2")
        #expect((partial["errorMessage"] as? String)?.contains("trace_id must be empty or 16 bytes, not 2") == true)
        #expect(try collector.count() == 0)
    }

    @Test("Data points over the attribute limits are refused in partial_success, counted one by one")
    func attributeLimits() throws {
        let collector = try CollectorHarness { $0.otlpLimits.maxAttributes = 2 }
        var crowded = Self.point(2)
        crowded.attributes += [Wire.keyValue("a", "1"), Wire.keyValue("b", "2")]
        let body = Self.request(.metrics, [try Wire.bytes(Self.point(1)), try Wire.bytes(crowded), try Wire.bytes(crowded)])
        let response = try collector.request("POST", Route.metrics.rawValue, bytes: body, key: collector.key, headers: Self.protobuf)
        #expect(response.status == 200)
        let answer = try OTLP.ExportMetricsServiceResponse(serializedBytes: response.body)
        #expect(answer.partialSuccess.rejectedDataPoints == 2)
        #expect(answer.partialSuccess.errorMessage.contains("the data point has 3 attributes, over the limit of 2"))
        #expect(try collector.query("SELECT value FROM otlp_metrics").rows == [["1"]])
    }

    @Test("More items than OTLP_MAX_LOG_RECORDS or OTLP_MAX_DATA_POINTS is 413 in either encoding; nothing is stored")
    func tooManyItems() throws {
        let collector = try CollectorHarness { $0.otlpLimits.maxLogRecords = 2; $0.otlpLimits.maxDataPoints = 2 }
        for route in Route.allCases {
            let items = [try Self.good(route, 1), try Self.good(route, 2), try Self.good(route, 3)]
            let protobuf = try collector.request("POST", route.rawValue, bytes: Self.request(route, items), key: collector.key,
                                                 headers: Self.protobuf)
            #expect(protobuf.status == 413)
            #expect(protobuf.json["code"] as? String == "too_many_items")
            let message = route == .logs
                ? try OTLP.ExportLogsServiceRequest(serializedBytes: Self.request(route, items))
                : nil
            if let message {
                let json = try collector.request("POST", route.rawValue, bytes: try otlpJSON(message), key: collector.key)
                #expect(json.status == 413)
            }
            #expect(try collector.count(route.table) == 0)
            let two = try collector.request("POST", route.rawValue, bytes: Self.request(route, Array(items.prefix(2))),
                                            key: collector.key, headers: Self.protobuf)
            #expect(two.status == 200)
        }
    }

    @Test("A body over OTLP_MAX_BODY_BYTES is 413, compressed or inflated")
    func bodyLimit() throws {
        let collector = try CollectorHarness { $0.otlpLimits.maxBodyBytes = 2048 }
        let big = Self.request(.logs, try (0 ..< 100).map { try Self.good(.logs, $0) })
        #expect(big.count > 2048)
        let plain = try collector.request("POST", Route.logs.rawValue, bytes: big, key: collector.key, headers: Self.protobuf)
        #expect(plain.status == 413)
        let gzipped = try gzip(big)
        #expect(gzipped.count < 2048)
        let inflated = try collector.request("POST", Route.logs.rawValue, bytes: gzipped, key: collector.key,
                                             headers: Self.protobuf + [("Content-Encoding", "gzip")])
        #expect(inflated.status == 413)
        #expect(try collector.count() == 0)
    }
}

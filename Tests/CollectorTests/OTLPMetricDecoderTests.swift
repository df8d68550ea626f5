import CollectorTestSupport
import Foundation
import JSON
import Testing
@testable import Collector

@Suite("OTLPMetricDecoder")
struct OTLPMetricDecoderTests {
    func decode(_ json: String) throws -> OTLPDecoded<MetricColumns> {
        try OTLPMetricDecoder().decode(json: try JSONDocument.parse(Array(json.utf8)).root, hostID: "h", receivedAt: 1_000)
    }

    func metric(_ body: String) -> String {
        #"{"resourceMetrics":[{"resource":{"attributes":[]},"scopeMetrics":[{"metrics":[\#(body)]}]}]}"#
    }

    @Test("Every data point of Claude Code's real export is taken")
    func realExport() throws {
        let decoded = try decode(try ClaudeCodeFixtures.text("otlp-metrics-1.json"))
        #expect(decoded.rows.count == 7)
        #expect(decoded.rejections.count == 0)
    }

    @Test("A point without a value is rejected, its neighbours kept; a point flagged as holding no value is skipped")
    func badPoint() throws {
        let decoded = try decode(metric(#"{"name":"m","sum":{"aggregationTemporality":1,"dataPoints":[{"asDouble":1},{"timeUnixNano":"5"},{"flags":1},{"asInt":"7"}]}}"#))
        #expect(decoded.rows.count == 2)
        #expect(decoded.rejections.count == 1)
        #expect(decoded.rejections.message
                == "1 of 3 data points rejected; the first: resourceMetrics[0].scopeMetrics[0].metrics[0].sum.dataPoints[1]: a number data point needs asDouble or asInt")
    }

    @Test("A metric without a name rejects all its points")
    func nameless() throws {
        let decoded = try decode(metric(#"{"gauge":{"dataPoints":[{"asDouble":1},{"asDouble":2}]}}"#))
        #expect(decoded.rows.count == 0)
        #expect(decoded.rejections.count == 2)
    }

    @Test("Histograms and summaries keep their sum as the value")
    func histograms() throws {
        let decoded = try decode(metric(#"{"name":"h","histogram":{"aggregationTemporality":"AGGREGATION_TEMPORALITY_DELTA","dataPoints":[{"count":"3","sum":4.5,"bucketCounts":["1","2"],"explicitBounds":[1]}]}},{"name":"q","summary":{"dataPoints":[{"count":2,"quantileValues":[{"quantile":0.5,"value":1}]}]}}"#))
        #expect(decoded.rows.count == 2)
        #expect(decoded.rejections.count == 0)
    }
}

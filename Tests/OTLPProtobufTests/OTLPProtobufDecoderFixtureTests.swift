import OTLPProtobuf
import Testing

@Suite("OTLPProtobufDecoder on real exports")
struct OTLPProtobufDecoderFixtureTests {
    @Test("Claude Code's logs exports decode to their event records")
    func decodesClaudeCodeLogs() throws {
        let decoder = OTLPProtobufDecoder()
        let logs = try decoder.decodeLogs(try Fixtures.bytes("claude-code/protobuf/otlp-logs-1.pb"))
        let scope = try #require(logs.resourceLogs.first?.scopeLogs.first)
        #expect(scope.scope.name == "com.anthropic.claude_code.events")
        #expect(scope.logRecords.count == 23)
        let eventNames = scope.logRecords.compactMap { record in
            record.attributes.first { $0.key == "event.name" }?.value.stringValue
        }
        #expect(eventNames.filter { $0 == "hook_registered" }.count == 9)
        #expect(eventNames.contains("user_prompt"))
        #expect(eventNames.contains("api_request"))
        #expect(logs.resourceLogs[0].resource.attributes.first { $0.key == "service.name" }?.value.stringValue
            == "claude-code")

        let second = try decoder.decodeLogs(try Fixtures.bytes("claude-code/protobuf/otlp-logs-2.pb"))
        let records = second.resourceLogs[0].scopeLogs[0].logRecords
        #expect(records.count == 4)
        #expect(records[0].body.stringValue == "claude_code.api_request")
        #expect(records[0].timeUnixNano == 1_796_290_929_246_000_000)
        #expect(OTLPItemCheck().rejectedLogRecords(logs).isEmpty)
    }

    @Test("the Python SDK's log record decodes with its event name, body and attributes")
    func decodesPythonLog() throws {
        let logs = try OTLPProtobufDecoder().decodeLogs(try Fixtures.bytes("otel-python/logs-1.pb"))
        let record = try #require(logs.resourceLogs.first?.scopeLogs.first?.logRecords.first)
        #expect(record.eventName == "demo.log_event")
        #expect(record.body.stringValue == "demo.log_event")
        #expect(record.attributes.map(\.key) == ["event.name", "session.id", "k"])
        #expect(record.attributes[1].value.stringValue == "demo-h-session")
        #expect(record.observedTimeUnixNano == 1_796_291_076_275_791_589)
    }

    @Test("Claude Code's metrics export decodes to its sums and data points")
    func decodesClaudeCodeMetrics() throws {
        let metrics = try OTLPProtobufDecoder().decodeMetrics(try Fixtures.bytes("claude-code/protobuf/otlp-metrics-1.pb"))
        let scope = try #require(metrics.resourceMetrics.first?.scopeMetrics.first)
        #expect(scope.scope.name == "com.anthropic.claude_code")
        #expect(scope.metrics.map(\.name) == [
            "claude_code.session.count", "claude_code.cost.usage", "claude_code.token.usage",
            "claude_code.active_time.total",
        ])
        #expect(scope.metrics.map(\.sum.dataPoints.count) == [1, 1, 4, 1])
        #expect(scope.metrics[1].sum.dataPoints[0].asDouble == 0.00144)
        #expect(scope.metrics[2].sum.dataPoints.map(\.asDouble) == [240, 24, 0, 0])
        #expect(OTLPItemCheck().rejectedDataPoints(metrics).isEmpty)
    }

    @Test("the Python SDK's counter decodes to one integer data point")
    func decodesPythonCounter() throws {
        for name in ["metrics-1.pb", "metrics-2.pb"] {
            let metrics = try OTLPProtobufDecoder().decodeMetrics(try Fixtures.bytes("otel-python/\(name)"))
            let metric = try #require(metrics.resourceMetrics.first?.scopeMetrics.first?.metrics.first)
            #expect(metric.name == "demo.requests")
            #expect(metric.sum.dataPoints.map(\.asInt) == [7])
            #expect(metric.sum.dataPoints[0].attributes.map(\.key) == ["route"])
        }
    }
}

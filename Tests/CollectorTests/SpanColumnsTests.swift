import CollectorTestSupport
import Postgres
import TestSupport
import Testing
@testable import Collector

@Suite("Span columns")
struct SpanColumnsTests {
    static func row(span: String = "00f067aa0ba902b7") -> SpanRow {
        var row = SpanRow(traceID: Array("4bf92f3577b34da6a3ce929d0e0e4736".utf8), spanID: Array(span.utf8),
                          name: Array("chat claude-sonnet-4-5".utf8), startTime: 817_000_000_000_000, source: .otlp)
        row.parentSpanID = Array("53995c3f42cd8ad8".utf8)
        row.kind = .client
        row.endTime = 817_000_001_250_000
        row.status = .error
        row.statusMessage = Array("overloaded".utf8)
        row.serviceName = Array("my-agent".utf8)
        row.sessionID = Array("session-1".utf8)
        row.operation = .chat
        row.modelRequest = Array("claude-sonnet-4-5".utf8)
        row.modelResponse = Array("claude-sonnet-4-5-20250929".utf8)
        row.inputTokens = 1200
        row.outputTokens = 300
        row.cacheReadTokens = 5_000_000_000
        row.costUSD = 0.0123
        row.attributes = Array(#"{"gen_ai.system":"anthropic"}"#.utf8)
        row.events = Array(#"[{"name":"retry"}]"#.utf8)
        return row
    }

    @Test("The insert names every column once, and a row's fields land in their own columns")
    func rowsLandByName() throws {
        #expect(SpanColumns(hostID: "laptop").parameters.count == SpanColumn.allCases.count)
        #expect(SpanColumns.insert.sql.hasSuffix("ON CONFLICT (host_id, trace_id, span_id, start_ts) DO NOTHING"))
        let collector = try CollectorHarness()
        var columns = SpanColumns(hostID: "laptop")
        columns.append(Self.row())
        let connection = try CollectorHarness.connect(collector.cluster.url(database: collector.database))
        #expect(try columns.insert(on: connection) == 1)
        let stored = try collector.query("""
            SELECT host_id, trace_id, span_id, parent_span_id, name, kind, start_ts AT TIME ZONE 'UTC', duration_ms,
                   status_code, status_message, service_name, session_id, source, operation, model_request,
                   model_response, tool_name, input_tokens, output_tokens, cache_read_tokens, cache_creation_tokens,
                   cost_usd, attributes->>'gen_ai.system', events->0->>'name', links, inputs
            FROM spans
            """).rows
        #expect(stored == [[
            "laptop", "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", "53995c3f42cd8ad8", "chat claude-sonnet-4-5",
            "client", "2025-11-21 00:26:40", "1250", "error", "overloaded", "my-agent", "session-1", "otlp", "chat",
            "claude-sonnet-4-5", "claude-sonnet-4-5-20250929", nil, "1200", "300", "5000000000", nil, "0.0123",
            "anthropic", "retry", nil, nil,
        ]])
    }

    @Test("A span sent again (an export retried after a timeout) is stored once")
    func resentSpanIsSkipped() throws {
        let collector = try CollectorHarness()
        var columns = SpanColumns(hostID: "laptop")
        columns.append(Self.row())
        columns.append(Self.row(span: "00f067aa0ba902b8"))
        let connection = try CollectorHarness.connect(collector.cluster.url(database: collector.database))
        #expect(try columns.insert(on: connection) == 2)
        #expect(try columns.insert(on: connection) == 0)
        #expect(try collector.count("spans") == 2)
    }
}

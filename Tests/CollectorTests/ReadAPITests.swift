import CollectorTestSupport
import Foundation
import Postgres
import TestSupport
import Testing
@testable import Collector

/// A collector with events of two hosts, and a read key that works.
final class ReadFixture {
    let collector: CollectorHarness
    let readKey: String

    init(configure: (inout Settings) -> Void = { _ in }) throws {
        collector = try CollectorHarness(configure: configure)
        readKey = try KeyAdministration(connection: CollectorHarness.connect(collector.cluster.url(database: collector.database)))
            .create(host: KeyAdministration.readerName(description: "tests"), description: "tests", scope: .read)
        let deadline = Date().addingTimeInterval(2)
        while try get("/api/v1/stats/summary").status == 401 && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
    }

    func get(_ target: String, key: String? = nil) throws -> ParsedResponse {
        try collector.request("GET", target, body: nil, key: key ?? readKey, headers: [])
    }

    /// An event stored directly, `minutesAgo` before now.
    func insert(host: String = "laptop", session: String = "s1", type: String = "agent_execution", minutesAgo: Double,
                id: String, decision: String? = nil, tool: String? = nil, agent: String? = nil,
                attributes: String = "{}") throws {
        _ = try collector.query("""
            INSERT INTO events (host_id, session_id, event_type, ts, event_id, decision, tool_name, agent_name, attributes)
            VALUES ($1, $2, $3, now() - make_interval(secs => $4::float8), $5, $6, $7, $8, $9::jsonb)
            """, [.text(host), .text(session), .text(type), .text(String(minutesAgo * 60)), .text(id),
                  decision.map(PostgresParameter.text), tool.map(PostgresParameter.text), agent.map(PostgresParameter.text),
                  .text(attributes)])
    }

    static func ids(_ answer: ParsedResponse) -> [String] {
        (answer.json["events"] as? [[String: Any]] ?? []).compactMap { $0["eventId"] as? String }
    }
}

@Suite("Read API: events, sessions, summary")
struct ReadAPITests {
    static let routes = ["/api/v1/events", "/api/v1/sessions", "/api/v1/sessions/laptop/s1", "/api/v1/stats/summary"]

    @Test("A host's ingest key on a read route gets 403 wrong_key_scope, no key 401", arguments: routes)
    func ingestKeyCannotRead(route: String) throws {
        let fixture = try ReadFixture()
        let answer = try fixture.get(route, key: fixture.collector.key)
        #expect(answer.status == 403)
        #expect(answer.json["code"] as? String == "wrong_key_scope")
        #expect((answer.json["error"] as? String)?.contains("needs a read key") == true)
        #expect(try fixture.collector.request("GET", route, body: nil, key: "", headers: []).status == 401)
    }

    @Test("Events come in time order, a page at a time; the cursor neither repeats nor skips when events arrive between pages")
    func keysetPagination() throws {
        let fixture = try ReadFixture()
        for index in 0..<25 {
            try fixture.insert(host: index % 2 == 0 ? "laptop" : "desktop", minutesAgo: Double(100 - index), id: String(format: "e%02d", index))
        }
        var seen: [String] = []
        var target = "/api/v1/events?limit=10"
        var pages = 0
        while true {
            let answer = try fixture.get(target)
            #expect(answer.status == 200, "\(answer.text)")
            seen += ReadFixture.ids(answer)
            pages += 1
            if pages == 1 {
                // Stored meanwhile: one before the cursor (never shown on later pages), one after it (shown once).
                try fixture.insert(minutesAgo: 99.5, id: "late-before")
                try fixture.insert(minutesAgo: 1, id: "late-after")
            }
            guard let next = answer.json["next"] as? String else { break }
            target = "/api/v1/events?limit=10&cursor=\(next)"
        }
        #expect(seen == (0..<25).map { String(format: "e%02d", $0) } + ["late-after"])
        #expect(pages == 3)
    }

    @Test("Events are filtered by host, session, type, agent and tool, and by time")
    func filters() throws {
        let fixture = try ReadFixture()
        try fixture.insert(host: "laptop", session: "a b", type: "PreToolUse", minutesAgo: 10, id: "1", tool: "Bash", agent: "claude-code")
        try fixture.insert(host: "desktop", session: "a b", type: "PreToolUse", minutesAgo: 9, id: "2", tool: "Read")
        try fixture.insert(host: "laptop", session: "other", type: "Stop", minutesAgo: 8, id: "3")
        try fixture.insert(host: "laptop", session: "old", type: "Stop", minutesAgo: 60 * 30, id: "4")
        #expect(ReadFixture.ids(try fixture.get("/api/v1/events")) == ["1", "2", "3"])
        #expect(ReadFixture.ids(try fixture.get("/api/v1/events?host=laptop")) == ["1", "3"])
        #expect(ReadFixture.ids(try fixture.get("/api/v1/events?session=a%20b")) == ["1", "2"])
        #expect(ReadFixture.ids(try fixture.get("/api/v1/events?session=a+b&host=desktop")) == ["2"])
        #expect(ReadFixture.ids(try fixture.get("/api/v1/events?type=Stop")) == ["3"])
        #expect(ReadFixture.ids(try fixture.get("/api/v1/events?tool=Bash")) == ["1"])
        #expect(ReadFixture.ids(try fixture.get("/api/v1/events?agent=claude-code")) == ["1"])
        #expect(ReadFixture.ids(try fixture.get("/api/v1/events?from=2000-01-01T00:00:00Z&to=2000-01-20T00:00:00Z")) == [])
        let all = try fixture.get("/api/v1/events?host=laptop&session=old&from=\(Self.iso(hoursAgo: 48))")
        #expect(ReadFixture.ids(all) == ["4"])
        let event = (all.json["events"] as? [[String: Any]])?.first
        #expect(event?["hostId"] as? String == "laptop")
        #expect((event?["timestamp"] as? String)?.hasSuffix("Z") == true)
    }

    static func iso(hoursAgo: Double) -> String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: Date().addingTimeInterval(-hoursAgo * 3600))
    }

    @Test("Each bad parameter is a 400 invalid_parameter naming it", arguments: [
        ("/api/v1/events?limit=0", "limit"), ("/api/v1/events?limit=1001", "limit"), ("/api/v1/events?limit=ten", "limit"),
        ("/api/v1/events?cursor=zz", "cursor"), ("/api/v1/events?cursor=2c2c", "cursor"),
        ("/api/v1/events?from=2024-01-02T00:00:00Z&to=2024-01-01T00:00:00Z", "from"),
        ("/api/v1/events?from=2024-01-01T00:00:00Z&to=2024-03-01T00:00:00Z", "from"),
        ("/api/v1/events?from=yesterday", "from"), ("/api/v1/events?to=2024-13-01T00:00:00Z", "to"),
        ("/api/v1/events?hots=laptop", "hots"), ("/api/v1/events?host=a&host=b", "host"),
        ("/api/v1/events?session=%zz", "session"),
        ("/api/v1/sessions?limit=-1", "limit"), ("/api/v1/sessions?from=2024-01-01T00:00:00Z", "from"),
        ("/api/v1/sessions/laptop/s1?limit=5", "limit"),
        ("/api/v1/stats/summary?window=5y", "window"), ("/api/v1/stats/summary?window=32d", "window"),
        ("/api/v1/stats/summary?window=0h", "window"), ("/api/v1/stats/summary?format=csv", "format"),
    ])
    func badParameters(target: String, parameter: String) throws {
        let fixture = try ReadFixture()
        let answer = try fixture.get(target)
        #expect(answer.status == 400, "\(answer.text)")
        #expect(answer.json["code"] as? String == "invalid_parameter")
        #expect(answer.json["field"] as? String == parameter, "\(answer.text)")
    }

    @Test("Sessions: per session its first and last event, counts by type, denials, errors, tokens, cost and transcript size")
    func sessions() throws {
        let fixture = try ReadFixture()
        try fixture.insert(session: "s1", type: "PreToolUse", minutesAgo: 30, id: "1", decision: "DENIED")
        try fixture.insert(session: "s1", type: "claude_code.api_request", minutesAgo: 20, id: "2",
                           attributes: #"{"input_tokens": 100, "output_tokens": "20", "cache_read_tokens": 5, "cost_usd": 0.25}"#)
        try fixture.insert(session: "s1", type: "claude_code.api_error", minutesAgo: 10, id: "3")
        try fixture.insert(host: "desktop", session: "s2", minutesAgo: 5, id: "4", attributes: #"{"input_tokens": "many"}"#)
        #expect(try fixture.collector.request("POST", "/api/v1/transcript", body: #"{"sessionId":"s1","transcript":[1,2,3]}"#).status == 200)
        let answer = try fixture.get("/api/v1/sessions")
        #expect(answer.status == 200, "\(answer.text)")
        let sessions = answer.json["sessions"] as? [[String: Any]] ?? []
        #expect(sessions.map { $0["session"] as? String } == ["s2", "s1"])
        let s1 = sessions.last ?? [:]
        #expect(s1["host"] as? String == "laptop")
        #expect(s1["events"] as? Int == 3)
        #expect(s1["eventsByType"] as? [String: Int] == ["PreToolUse": 1, "claude_code.api_request": 1, "claude_code.api_error": 1])
        #expect(s1["denials"] as? Int == 1)
        #expect(s1["errors"] as? Int == 1)
        #expect(s1["tokens"] as? [String: Int] == ["input": 100, "output": 20, "cacheRead": 5, "cacheCreation": 0])
        #expect(s1["costUsd"] as? Double == 0.25)
        #expect((s1["transcriptBytes"] as? Int ?? 0) > 0)
        #expect((s1["firstEvent"] as? String ?? "") < (s1["lastEvent"] as? String ?? ""))
        let s2 = sessions.first ?? [:]
        #expect(s2["tokens"] as? [String: Int] == ["input": 0, "output": 0, "cacheRead": 0, "cacheCreation": 0])
        #expect(s2["costUsd"] is NSNull)
        #expect(s2["unpricedModels"] as? [String] == ["(no model)"])
        #expect(s1["unpricedModels"] as? [String] == [])
        #expect(s2["transcriptBytes"] is NSNull)
        let laptopOnly = try fixture.get("/api/v1/sessions?host=laptop").json["sessions"] as? [[String: Any]] ?? []
        #expect(laptopOnly.map { $0["session"] as? String } == ["s1"])
    }

    @Test("One session: its events in order and its transcript; a session never seen is 404")
    func oneSession() throws {
        let fixture = try ReadFixture()
        try fixture.insert(session: "a/b", minutesAgo: 5, id: "second")
        try fixture.insert(session: "a/b", minutesAgo: 10, id: "first")
        try fixture.insert(host: "desktop", session: "a/b", minutesAgo: 7, id: "elsewhere")
        #expect(try fixture.collector.request("POST", "/api/v1/transcript", body: #"{"sessionId":"a/b","transcript":{"turns":2}}"#).status == 200)
        let answer = try fixture.get("/api/v1/sessions/laptop/a%2Fb")
        #expect(answer.status == 200, "\(answer.text)")
        #expect(ReadFixture.ids(answer) == ["first", "second"])
        #expect(answer.json["transcript"] as? [String: Int] == ["turns": 2])
        #expect(answer.json["eventsTruncated"] as? Bool == false)
        let missing = try fixture.get("/api/v1/sessions/laptop/nothing")
        #expect(missing.status == 404)
        #expect(missing.json["code"] as? String == "session_not_found")
    }

    @Test("One session: its spans by start with their parents' ids and typed columns; a session with spans only is found")
    func oneSessionSpans() throws {
        let fixture = try ReadFixture()
        // Stored out of order; one of another host and one of another session stay out.
        for (host, session, span, parent, offset, model, tokens, cost, status) in [
            ("laptop", "traced", "child", "root", 100, "claude-sonnet-4-5", "1000", "0.01", "error"),
            ("laptop", "traced", "root", nil, 0, nil, nil, nil, "ok"),
            ("desktop", "traced", "elsewhere", nil, 50, nil, nil, nil, "ok"),
            ("laptop", "other", "unrelated", nil, 50, nil, nil, nil, "ok"),
        ] as [(String, String, String, String?, Int, String?, String?, String?, String)] {
            _ = try fixture.collector.query("""
                INSERT INTO spans (host_id, trace_id, span_id, parent_span_id, name, start_ts, end_ts, duration_ms,
                                   status_code, service_name, session_id, source, operation, model_request,
                                   input_tokens, cost_usd, attributes)
                VALUES ($1, 't1', $3, $4, $3 || '-name', now() - interval '1 minute' + $5::int * interval '1 millisecond',
                        now(), 60000 - $5::int, $9, 'claude-code', $2, 'otlp', 'chat', $6, $7::int8, $8::float8,
                        '{"gen_ai.system": "anthropic"}')
                """, [.text(host), .text(session), .text(span), parent.map(PostgresParameter.text), .text(String(offset)),
                      model.map(PostgresParameter.text), tokens.map(PostgresParameter.text),
                      cost.map(PostgresParameter.text), .text(status)])
        }
        let answer = try fixture.get("/api/v1/sessions/laptop/traced")
        #expect(answer.status == 200, "\(answer.text)")
        let spans = answer.json["spans"] as? [[String: Any]] ?? []
        #expect(spans.map { $0["spanId"] as? String } == ["root", "child"])
        #expect(spans.first?["parentSpanId"] is NSNull)
        #expect(spans.last?["parentSpanId"] as? String == "root")
        #expect(spans.last?["traceId"] as? String == "t1")
        #expect(spans.last?["name"] as? String == "child-name")
        #expect(spans.last?["modelRequest"] as? String == "claude-sonnet-4-5")
        #expect(spans.last?["inputTokens"] as? Int == 1000)
        #expect(spans.last?["costUsd"] as? Double == 0.01)
        #expect(spans.last?["statusCode"] as? String == "error")
        #expect(spans.last?["durationMs"] as? Double == 59900)
        #expect(spans.last?["operation"] as? String == "chat")
        #expect((spans.last?["attributes"] as? [String: String]) == ["gen_ai.system": "anthropic"])
        #expect((spans.last?["start"] as? String)?.hasSuffix("Z") == true)
        #expect(answer.json["spansTruncated"] as? Bool == false)
        #expect((answer.json["events"] as? [Any])?.isEmpty == true)
        #expect(answer.json["transcript"] is NSNull)
    }

    @Test("The summary counts the window: events, sessions, active and silent hosts, denials, errors, tokens and cost")
    func summary() throws {
        let fixture = try ReadFixture()
        try fixture.insert(session: "s1", minutesAgo: 30, id: "1", decision: "deny")
        try fixture.insert(session: "s2", type: "tool_failure", minutesAgo: 20, id: "2",
                           attributes: #"{"input_tokens": 7, "cache_creation_tokens": 3, "cost_usd": "0.5"}"#)
        try fixture.insert(host: "desktop", session: "s3", minutesAgo: 60 * 3, id: "3")
        let day = try fixture.get("/api/v1/stats/summary").json
        #expect(day["window"] as? String == "24h")
        #expect(day["events"] as? Int == 3)
        #expect(day["sessions"] as? Int == 3)
        #expect(day["activeHosts"] as? Int == 2)
        #expect(day["silentHosts"] as? Int == 0)
        #expect(day["denials"] as? Int == 1)
        #expect(day["errors"] as? Int == 1)
        #expect(day["inputTokens"] as? Int == 7)
        #expect(day["cacheCreationTokens"] as? Int == 3)
        #expect(day["costUsd"] as? Double == 0.5)
        let hour = try fixture.get("/api/v1/stats/summary?window=60m").json
        #expect(hour["events"] as? Int == 2)
        #expect(hour["activeHosts"] as? Int == 1)
        // laptop has an ingest key and sent within the hour; desktop has no key, so it is not silent but unknown.
        #expect(hour["silentHosts"] as? Int == 0)
        _ = try fixture.collector.query("INSERT INTO api_keys (key_hash, host_id) VALUES (repeat('b', 64), 'desktop')")
        let withKey = try fixture.get("/api/v1/stats/summary?window=1h").json
        #expect(withKey["silentHosts"] as? Int == 1)
        #expect(withKey["silentHostNames"] as? [String] == ["desktop"])
    }

    @Test("Cost comes from model_prices where the sender gave none; the sender's cost_usd wins; an unknown model is named, not priced at $0")
    func cost() throws {
        let fixture = try ReadFixture()
        try fixture.insert(session: "s1", type: "claude_code.api_request", minutesAgo: 30, id: "priced",
                           attributes: #"{"model": "claude-sonnet-4-5-20250929", "input_tokens": 1000000, "output_tokens": "100000", "cache_read_tokens": 1000000}"#)
        try fixture.insert(session: "s1", type: "claude_code.api_request", minutesAgo: 20, id: "reported",
                           attributes: #"{"model": "claude-sonnet-4-5-20250929", "input_tokens": 1000000, "cost_usd": 0.01}"#)
        try fixture.insert(session: "s2", type: "claude_code.api_request", minutesAgo: 10, id: "unknown",
                           attributes: #"{"model": "mystery-model", "output_tokens": 5}"#)
        // A price that starts tomorrow applies to no event yet.
        _ = try fixture.collector.query("""
            INSERT INTO model_prices (model_pattern, input_usd_per_mtok, output_usd_per_mtok, valid_from)
            VALUES ('claude-sonnet-4-5%', 100, 100, now() + interval '1 day')
            """)
        let sessions = try fixture.get("/api/v1/sessions").json["sessions"] as? [[String: Any]] ?? []
        let s1 = sessions.first { $0["session"] as? String == "s1" } ?? [:]
        // 1M input at $3, 100k output at $15, 1M cache reads at $0.30; plus the reported $0.01.
        #expect(s1["costUsd"] as? Double == 3 + 1.5 + 0.3 + 0.01)
        #expect(s1["unpricedModels"] as? [String] == [])
        let s2 = sessions.first { $0["session"] as? String == "s2" } ?? [:]
        #expect(s2["costUsd"] is NSNull)
        #expect(s2["unpricedModels"] as? [String] == ["mystery-model"])
        let summary = try fixture.get("/api/v1/stats/summary").json
        #expect(summary["costUsd"] as? Double == 4.81)
        #expect(summary["unpricedModels"] as? [String] == ["mystery-model"])
        _ = try fixture.collector.query("""
            INSERT INTO model_prices (model_pattern, input_usd_per_mtok, output_usd_per_mtok) VALUES ('mystery-%', 0, 2000000)
            """)
        let priced = try fixture.get("/api/v1/stats/summary").json
        #expect(priced["costUsd"] as? Double == 14.81)
        #expect(priced["unpricedModels"] as? [String] == [])
    }

    @Test("Reads run on their own threads and connections: a read stuck on a lock holds neither ingest nor health, and ends with 503 query_timeout")
    func readsHaveTheirOwnConnections() throws {
        let fixture = try ReadFixture { settings in
            settings.readPoolSize = 1
            settings.readStatementTimeout = .seconds(2)
            settings.databaseWorkers = 1
        }
        try fixture.insert(session: "s1", minutesAgo: 1, id: "1")
        let locker = try CollectorHarness.connect(fixture.collector.cluster.url(database: fixture.collector.database))
        _ = try locker.execute("BEGIN")
        _ = try locker.execute("LOCK TABLE transcripts IN ACCESS EXCLUSIVE MODE")
        let stuck = try RawHTTPClient(port: fixture.collector.port)
        try stuck.send("GET /api/v1/sessions/laptop/s1 HTTP/1.1\r\nHost: t\r\nX-API-Key: \(fixture.readKey)\r\n\r\n")
        Thread.sleep(forTimeInterval: 0.5)
        let waiting = try fixture.collector.query(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'collector-read' AND wait_event_type = 'Lock'")
        #expect(waiting.firstValue() == "1")
        let started = Date()
        #expect(try fixture.collector.postBatch([event()]).status == 200)
        #expect(try fixture.collector.request("GET", "/api/v1/health", body: nil, key: nil, headers: []).status == 200)
        #expect(Date().timeIntervalSince(started) < 1)
        let answer = try stuck.readResponse()
        _ = try locker.execute("ROLLBACK")
        #expect(answer?.status == 503)
        #expect(answer?.json["code"] as? String == "query_timeout")
    }
}

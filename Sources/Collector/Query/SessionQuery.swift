import JSON
import Postgres

/// `GET /api/v1/sessions`: the sessions with events in a time range, most recently active first, each with its
/// counts, tokens, cost as sent and transcript size.
struct SessionListQuery: Sendable {
    static let parameters = ["host", "from", "to", "limit"]
    static let defaultLimit = 100
    static let maxLimit = 1000

    let range: TimeRange
    let host: String?
    let limit: Int

    init(_ query: String?, now: Int64, maxDays: Int) throws(QueryParameterError) {
        let parameters = try QueryParameters(query, allowed: Self.parameters)
        range = try parameters.timeRange(now: now, maxDays: maxDays)
        host = try parameters.text("host")
        limit = try parameters.limit(default: Self.defaultLimit, maximum: Self.maxLimit)
    }

    static let sql = """
        WITH priced AS (
            \(TelemetrySQL.priced(where: """
                ts >= \(TelemetrySQL.instant(1)) AND ts < \(TelemetrySQL.instant(2)) AND ($3::text IS NULL OR host_id = $3)
                """))
        ), by_type AS (
            SELECT host_id, session_id, json_object_agg(event_type, events ORDER BY event_type) AS by_type
            FROM (SELECT host_id, session_id, event_type, count(*) AS events FROM priced
                  GROUP BY host_id, session_id, event_type) AS per_type
            GROUP BY host_id, session_id
        ), sessions AS (
            SELECT host_id, session_id, min(ts) AS first_ts, max(ts) AS last_ts, count(*) AS events,
                   count(*) FILTER (WHERE \(TelemetrySQL.denied)) AS denials,
                   count(*) FILTER (WHERE \(TelemetrySQL.failed)) AS errors,
                   \(TelemetrySQL.tokenAttributes.map { "coalesce(sum(\($0.1)), 0) AS \($0.1)" }.joined(separator: ", ")),
                   sum(cost) AS cost,
                   coalesce(json_agg(DISTINCT unpriced_model ORDER BY unpriced_model)
                            FILTER (WHERE unpriced_model IS NOT NULL), '[]') AS unpriced
            FROM priced
            GROUP BY host_id, session_id
            ORDER BY max(ts) DESC, host_id, session_id
            LIMIT $4
        )
        SELECT json_build_object(
                   'host', s.host_id, 'session', s.session_id, 'firstEvent', \(TelemetrySQL.rfc3339("s.first_ts")),
                   'lastEvent', \(TelemetrySQL.rfc3339("s.last_ts")), 'events', s.events, 'eventsByType', b.by_type,
                   'denials', s.denials, 'errors', s.errors,
                   'tokens', json_build_object(\(TelemetrySQL.tokenAttributes.map { "'\($0.0)', s.\($0.1)" }.joined(separator: ", "))),
                   'costUsd', round(s.cost, 6), 'unpricedModels', s.unpriced, 'transcriptBytes', t.size_bytes)::text
        FROM sessions s JOIN by_type b ON b.host_id = s.host_id AND b.session_id = s.session_id
        LEFT JOIN transcripts t ON t.host_id = s.host_id AND t.session_id = s.session_id
        ORDER BY s.last_ts DESC, s.host_id, s.session_id
        """

    /// `{"sessions": [...]}`.
    func run(on connection: PostgresConnection) throws(PostgresError) -> [UInt8] {
        let rows = try connection.execute(Self.sql, [
            .int(Int(range.from)), .int(Int(range.to)), host.map(PostgresParameter.text), .int(limit),
        ]).rows
        var body: [UInt8] = Array(#"{"sessions":["#.utf8)
        for (index, row) in rows.enumerated() {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            body.append(contentsOf: (row[0] ?? "null").utf8)
        }
        body.append(contentsOf: "]}".utf8)
        return body
    }
}

/// `GET /api/v1/sessions/{host}/{session}`: one session's events in order (at most `maxEvents`; the events route
/// pages through more), its spans by start (at most `maxSpans`) and its transcript.
struct SessionDetailQuery: Sendable {
    static let maxEvents = 5000
    static let maxSpans = 5000

    let host: String
    let session: String

    init(host: String, session: String, query: String?) throws(QueryParameterError) {
        _ = try QueryParameters(query, allowed: [])
        self.host = host
        self.session = session
    }

    static let eventsSQL = """
        SELECT \(TelemetrySQL.eventJSON) FROM events WHERE host_id = $1 AND session_id = $2
        ORDER BY ts, event_id LIMIT $3
        """
    static let spansSQL = """
        SELECT \(TelemetrySQL.spanJSON) FROM spans WHERE session_id = $2 AND host_id = $1
        ORDER BY start_ts, span_id LIMIT $3
        """
    static let transcriptSQL = """
        SELECT transcript::text, size_bytes, \(TelemetrySQL.rfc3339("updated_at"))
        FROM transcripts WHERE host_id = $1 AND session_id = $2
        """

    /// The answer, or nil when the session has no events, no spans and no transcript. The reads see one snapshot.
    func run(on connection: PostgresConnection) throws(PostgresError) -> [UInt8]? {
        let parameters: [PostgresParameter?] = [.text(host), .text(session)]
        let (events, spans, transcript) = try connection.transaction { connection throws(PostgresError) in
            (try connection.execute(Self.eventsSQL, parameters + [.int(Self.maxEvents + 1)]).rows,
             try connection.execute(Self.spansSQL, parameters + [.int(Self.maxSpans + 1)]).rows,
             try connection.execute(Self.transcriptSQL, parameters).rows.first)
        }
        guard !events.isEmpty || !spans.isEmpty || transcript != nil else { return nil }
        var body: [UInt8] = Array(#"{"host":"#.utf8)
        JSONText.appendQuoted(host, to: &body)
        body.append(contentsOf: #","session":"#.utf8)
        JSONText.appendQuoted(session, to: &body)
        body.append(contentsOf: #","events":["#.utf8)
        for (index, row) in events.prefix(Self.maxEvents).enumerated() {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            body.append(contentsOf: (row[0] ?? "null").utf8)
        }
        body.append(contentsOf: #"],"eventsTruncated":\#(events.count > Self.maxEvents),"spans":["#.utf8)
        for (index, row) in spans.prefix(Self.maxSpans).enumerated() {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            body.append(contentsOf: (row[0] ?? "null").utf8)
        }
        body.append(contentsOf: #"],"spansTruncated":\#(spans.count > Self.maxSpans),"transcript":"#.utf8)
        if let transcript, let value = transcript[0] {
            body.append(contentsOf: value.utf8)
            body.append(contentsOf: #","transcriptBytes":\#(transcript[1] ?? "null"),"transcriptUpdatedAt":"#.utf8)
            JSONText.appendQuoted(transcript[2] ?? "", to: &body)
        } else {
            body.append(contentsOf: #"null,"transcriptBytes":null,"transcriptUpdatedAt":null"#.utf8)
        }
        body.append(UInt8(ascii: "}"))
        return body
    }
}

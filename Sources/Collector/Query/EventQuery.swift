import JSON
import Postgres

/// `GET /api/v1/events`: events of a time range in (ts, host_id, event_id) order, filtered, one page at a time.
struct EventQuery: Sendable {
    static let parameters = ["host", "session", "type", "agent", "tool", "from", "to", "limit", "cursor"]
    static let defaultLimit = 100
    static let maxLimit = 1000

    let range: TimeRange
    let host: String?
    let session: String?
    let type: String?
    let agent: String?
    let tool: String?
    let limit: Int
    let after: EventCursor?

    init(_ query: String?, now: Int64, maxDays: Int) throws(QueryParameterError) {
        let parameters = try QueryParameters(query, allowed: Self.parameters)
        range = try parameters.timeRange(now: now, maxDays: maxDays)
        host = try parameters.text("host")
        session = try parameters.text("session")
        type = try parameters.text("type")
        agent = try parameters.text("agent")
        tool = try parameters.text("tool")
        limit = try parameters.limit(default: Self.defaultLimit, maximum: Self.maxLimit)
        after = try parameters.text("cursor").map { token throws(QueryParameterError) in try EventCursor(token: token) }
    }

    /// One more row than the page holds is read, so that `next` is null exactly when nothing follows.
    static let sql = """
        SELECT \(TelemetrySQL.eventJSON), \(TelemetrySQL.micros("ts")), host_id, event_id
        FROM events
        WHERE ts >= \(TelemetrySQL.instant(1)) AND ts < \(TelemetrySQL.instant(2))
          AND ($3::text IS NULL OR host_id = $3) AND ($4::text IS NULL OR session_id = $4)
          AND ($5::text IS NULL OR event_type = $5) AND ($6::text IS NULL OR agent_name = $6)
          AND ($7::text IS NULL OR tool_name = $7)
          AND ($8::int8 IS NULL OR (ts, host_id, event_id) > (\(TelemetrySQL.instant(8)), $9::text, $10::text))
        ORDER BY ts, host_id, event_id
        LIMIT $11
        """

    /// `{"events": [...], "next": "<cursor>" | null}`.
    func run(on connection: PostgresConnection) throws(PostgresError) -> [UInt8] {
        let rows = try connection.execute(Self.sql, [
            .int(Int(range.from)), .int(Int(range.to)), host.map(PostgresParameter.text),
            session.map(PostgresParameter.text), type.map(PostgresParameter.text), agent.map(PostgresParameter.text),
            tool.map(PostgresParameter.text), after.map { .int(Int($0.timestamp)) }, after.map { .text($0.hostID) },
            after.map { .text($0.eventID) }, .int(limit + 1),
        ]).rows
        var body: [UInt8] = Array(#"{"events":["#.utf8)
        for (index, row) in rows.prefix(limit).enumerated() {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            body.append(contentsOf: (row[0] ?? "null").utf8)
        }
        body.append(contentsOf: #"],"next":"#.utf8)
        let last = rows.count > limit ? rows[limit - 1] : []
        if !last.isEmpty, let micros = last[1].flatMap({ Int64($0) }), let host = last[2], let event = last[3] {
            JSONText.appendQuoted(EventCursor(timestamp: micros, hostID: host, eventID: event).token, to: &body)
        } else {
            body.append(contentsOf: "null".utf8)
        }
        body.append(UInt8(ascii: "}"))
        return body
    }
}

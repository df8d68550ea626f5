import Postgres

/// `GET /api/v1/stats/summary?window=24h`: one flat object of numbers for the last `window`, for a HomeAssistant
/// `rest` sensor or a status line.
struct SummaryQuery: Sendable {
    static let parameters = ["window"]

    let window: String
    let range: TimeRange

    init(_ query: String?, now: Int64, maxDays: Int) throws(QueryParameterError) {
        let parameters = try QueryParameters(query, allowed: Self.parameters)
        let window = try parameters.window(maxDays: maxDays)
        self.window = window.text
        range = try TimeRange(from: now - window.micros, to: now, maxDays: maxDays)
    }

    /// A silent host has a working ingest key and sent nothing in the window.
    static let sql = """
        WITH windowed AS (
            \(TelemetrySQL.priced(where: "ts >= \(TelemetrySQL.instant(1)) AND ts < \(TelemetrySQL.instant(2))"))
        ), totals AS (
            SELECT count(*) AS events, count(DISTINCT (host_id, session_id)) AS sessions,
                   count(DISTINCT host_id) AS active_hosts,
                   count(*) FILTER (WHERE \(TelemetrySQL.denied)) AS denials,
                   count(*) FILTER (WHERE \(TelemetrySQL.failed)) AS errors,
                   \(TelemetrySQL.tokenAttributes.map { "coalesce(sum(\($0.1)), 0) AS \($0.1)" }.joined(separator: ", ")),
                   round(sum(cost), 6) AS cost_usd,
                   coalesce(json_agg(DISTINCT unpriced_model ORDER BY unpriced_model)
                            FILTER (WHERE unpriced_model IS NOT NULL), '[]') AS unpriced
            FROM windowed
        ), silent AS (
            SELECT DISTINCT k.host_id FROM api_keys k
            WHERE k.scope = 'ingest' AND (k.revoked_at IS NULL OR k.revoked_at > now())
              AND NOT EXISTS (SELECT FROM windowed w WHERE w.host_id = k.host_id)
        )
        SELECT json_build_object(
                   'window', $3::text, 'from', \(TelemetrySQL.rfc3339(TelemetrySQL.instant(1))),
                   'to', \(TelemetrySQL.rfc3339(TelemetrySQL.instant(2))),
                   'events', events, 'sessions', sessions, 'activeHosts', active_hosts,
                   'silentHosts', (SELECT count(*) FROM silent),
                   'silentHostNames', (SELECT coalesce(json_agg(host_id ORDER BY host_id), '[]') FROM silent),
                   'denials', denials, 'errors', errors,
                   \(TelemetrySQL.tokenAttributes.map { "'\($0.0)Tokens', \($0.1)" }.joined(separator: ", ")),
                   'costUsd', cost_usd, 'unpricedModels', unpriced)::text
        FROM totals
        """

    func run(on connection: PostgresConnection) throws(PostgresError) -> [UInt8] {
        let rows = try connection.execute(Self.sql, [.int(Int(range.from)), .int(Int(range.to)), .text(window)]).rows
        return Array((rows.first?[0] ?? "{}").utf8)
    }
}

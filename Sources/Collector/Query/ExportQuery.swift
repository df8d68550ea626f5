import Postgres

/// `GET /api/v1/export`: every event of a time range (of one host, or all), oldest first, read through a
/// server-side cursor in batches so that neither the collector nor PostgreSQL holds the range in memory.
struct ExportQuery: Sendable {
    static let parameters = ["host", "from", "to", "format"]
    /// Rows one FETCH reads: one part of the response.
    static let batchRows = 1000

    enum Format: String, Sendable, CaseIterable {
        case ndjson, csv

        var contentType: String {
            switch self {
            case .ndjson: "application/x-ndjson"
            case .csv: "text/csv; charset=utf-8"
            }
        }
    }

    let range: TimeRange
    let host: String?
    let format: Format

    init(_ query: String?, now: Int64, maxDays: Int) throws(QueryParameterError) {
        let parameters = try QueryParameters(query, allowed: Self.parameters)
        range = try parameters.timeRange(now: now, maxDays: maxDays)
        host = try parameters.text("host")
        let name = try parameters.text("format") ?? Format.ndjson.rawValue
        guard let format = Format(rawValue: name) else {
            throw QueryParameterError("format", "format must be ndjson or csv, not \"\(name)\"")
        }
        self.format = format
    }

    /// The CSV columns, in order; `attributes` is the JSON object as text.
    static let csvColumns = ["host_id", "session_id", "event_type", "timestamp", "agent_name", "decision",
                             "decision_reason", "tool_name", "latency_ms", "model_tier", "event_id", "attributes",
                             "received_at"]

    private var selectList: String {
        switch format {
        case .ndjson:
            TelemetrySQL.eventJSON
        case .csv:
            """
            host_id, session_id, event_type, \(TelemetrySQL.rfc3339("ts")), agent_name, decision, decision_reason,
            tool_name, latency_ms, model_tier, event_id, attributes::text, \(TelemetrySQL.rfc3339("received_at"))
            """
        }
    }

    /// Opens the cursor in a read-only transaction on `connection`; `fetch` then reads it.
    func open(on connection: PostgresConnection) throws(PostgresError) {
        try connection.execute("BEGIN READ ONLY")
        try connection.execute("""
            DECLARE export NO SCROLL CURSOR FOR
            SELECT \(selectList) FROM events
            WHERE ts >= \(TelemetrySQL.instant(1)) AND ts < \(TelemetrySQL.instant(2)) AND ($3::text IS NULL OR host_id = $3)
            ORDER BY ts, host_id, event_id
            """, [.int(Int(range.from)), .int(Int(range.to)), host.map(PostgresParameter.text)])
    }

    /// The next batch as the format's bytes; empty when the cursor is exhausted.
    func fetch(on connection: PostgresConnection) throws(PostgresError) -> [UInt8] {
        let rows = try connection.execute("FETCH \(Self.batchRows) FROM export").rows
        var out: [UInt8] = []
        for row in rows {
            switch format {
            case .ndjson:
                out.append(contentsOf: (row[0] ?? "null").utf8)
            case .csv:
                for (index, value) in row.enumerated() {
                    if index > 0 { out.append(UInt8(ascii: ",")) }
                    if let value { Self.appendCSVField(value, to: &out) }
                }
                out.append(UInt8(ascii: "\r"))
            }
            out.append(UInt8(ascii: "\n"))
        }
        return out
    }

    /// What comes before the first row: CSV's header line.
    var preamble: [UInt8] {
        format == .csv ? Array((Self.csvColumns.joined(separator: ",") + "\r\n").utf8) : []
    }

    /// RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. A NULL is an empty field.
    static func appendCSVField(_ value: String, to out: inout [UInt8]) {
        let bytes = value.utf8
        guard bytes.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }) else {
            out.append(contentsOf: bytes)
            return
        }
        out.append(UInt8(ascii: "\""))
        for byte in bytes {
            out.append(byte)
            if byte == UInt8(ascii: "\"") { out.append(byte) }
        }
        out.append(UInt8(ascii: "\""))
    }
}

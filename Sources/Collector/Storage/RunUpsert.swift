import Postgres

/// Stores LangSmith runs as rows of `spans`, merging each into the row of the same run an earlier request stored:
/// a post and its patch may come in either order, and a run the SDK retries is the same row again. Each column a
/// run may leave open takes the new value when it has one and keeps the stored one otherwise (`mergeExpression`),
/// so nothing a post or a patch said is lost to the other.
enum RunUpsert {
    enum Outcome: Equatable {
        /// How many runs went in or were merged.
        case stored(Int)
        /// A patch that says neither where its run sits in time (`dotted_order`, `start_time`) nor is for a run
        /// already stored: nothing was written.
        case unplaced(runID: String)
    }

    /// Looks up where the runs without a place in time are (their stored rows), then writes all in one statement.
    static func store(
        _ runs: LangSmithRunDecoder.Runs, hostID: String, on connection: PostgresConnection
    ) throws(PostgresError) -> Outcome {
        let unplaced = runs.filter { $0.run.placeInTime == nil }
        var stored: [String: Int64] = [:]
        if !unplaced.isEmpty {
            var traces = BinaryArray(.text)
            var ids = BinaryArray(.text)
            for (run, traceID) in unplaced {
                traces.appendText(traceID.utf8)
                ids.appendText(run.id.utf8)
            }
            let result = try connection.execute(prepared: "runs_stored_start", sql: storedStart,
                                                [.text(hostID), traces.parameter(), ids.parameter()])
            for row in result.rows {
                guard let id = row[0], let start = row[1].flatMap({ Int64($0) }) else { continue }
                stored[id] = start
            }
        }
        var columns = SpanColumns(hostID: hostID)
        for (run, traceID) in runs {
            guard let start = run.placeInTime ?? stored[run.id] else { return .unplaced(runID: run.id) }
            columns.append(run.span(traceID: traceID, start: start))
        }
        return .stored(try connection.execute(prepared: "upsert_runs", sql: upsert.sql, columns.parameters).affectedRows)
    }

    /// The start of stored runs, by trace and id, as microseconds since 2000-01-01 UTC.
    static let storedStart = """
        SELECT s.span_id, (extract(epoch FROM s.start_ts) * 1000000)::bigint - 946684800000000
        FROM spans s JOIN unnest($2::text[], $3::text[]) AS r(trace_id, span_id)
          ON s.trace_id = r.trace_id AND s.span_id = r.span_id
        WHERE s.host_id = $1
        """

    /// How a column of a stored run takes a new operation's value; nil for the columns that make it the same run
    /// (and `source`, always `langsmith`) and for those runs never set.
    static func mergeExpression(_ column: SpanColumn) -> String? {
        let name = column.insertColumn.name
        switch column {
        case .hostID, .traceID, .spanID, .startTime, .source, .kind, .links, .costUSD: return nil
        // A patch told before its post has no name yet: the empty name it goes in with is not a name.
        case .name: return "coalesce(nullif(EXCLUDED.name, ''), spans.name)"
        // An error stays an error; an operation that says nothing of the outcome keeps the stored one.
        case .statusCode:
            return "CASE WHEN EXCLUDED.status_code = 'unset' OR spans.status_code = 'error' THEN spans.status_code "
                + "ELSE EXCLUDED.status_code END"
        case .attributes, .resource: return "spans.\(name) || EXCLUDED.\(name)"
        case .parentSpanID, .endTime, .durationMs, .statusMessage, .serviceName, .sessionID, .operation, .modelRequest,
             .modelResponse, .toolName, .inputTokens, .outputTokens, .cacheReadTokens, .cacheCreationTokens, .events,
             .runType, .dottedOrder, .inputs, .outputs:
            return "coalesce(EXCLUDED.\(name), spans.\(name))"
        }
    }

    static let upsert = UnnestInsert(
        table: "spans", columns: SpanColumn.allCases.map(\.insertColumn),
        conflictClause: "ON CONFLICT \(SpanColumns.conflictTarget) DO UPDATE SET "
            + SpanColumn.allCases.compactMap { column in
                mergeExpression(column).map { "\(column.insertColumn.name) = \($0)" }
            }.joined(separator: ", "))
}

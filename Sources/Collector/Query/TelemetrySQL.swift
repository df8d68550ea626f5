/// SQL fragments the read queries share, so that every answer counts a denial, an error or a token alike.
enum TelemetrySQL {
    /// A `$n` parameter of microseconds since 2000-01-01 UTC as a timestamptz.
    static func instant(_ parameter: Int) -> String {
        "(timestamptz '2000-01-01 00:00:00+00' + $\(parameter)::int8 * interval '1 microsecond')"
    }

    /// A timestamptz column as microseconds since 2000-01-01 UTC (exact: extract gives numeric).
    static func micros(_ column: String) -> String {
        "(extract(epoch FROM \(column) - timestamptz '2000-01-01 00:00:00+00') * 1000000)::int8"
    }

    /// RFC 3339 in UTC to the microsecond, as the API takes timestamps.
    static func rfc3339(_ column: String) -> String {
        #"to_char(\#(column) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')"#
    }

    /// A denial, as the alert rule *Deny or error rate too high* counts one.
    static let denied = "lower(decision) IN ('denied', 'deny', 'rejected', 'reject', 'blocked', 'block')"
    /// An error or failure event, as that rule counts one.
    static let failed = "event_type ~* '(error|fail)'"

    /// A number in `attributes`, sent as a JSON number or as a numeric string (OTLP attributes arrive as strings);
    /// NULL for anything else.
    static func number(_ key: String) -> String {
        """
        (CASE jsonb_typeof(attributes->'\(key)') WHEN 'number' THEN (attributes->>'\(key)')::numeric
              WHEN 'string' THEN CASE WHEN attributes->>'\(key)' ~ '^\\s*-?[0-9]{1,30}(\\.[0-9]{1,30})?\\s*$'
                                      THEN (attributes->>'\(key)')::numeric END END)
        """
    }

    /// Token counts: Claude Code's api_request events (hooks and OTLP logs) carry them in these attributes.
    static let tokenAttributes = [
        ("input", "input_tokens"), ("output", "output_tokens"), ("cacheRead", "cache_read_tokens"),
        ("cacheCreation", "cache_creation_tokens"),
    ]

    /// The events that `condition` picks, each with its token counts, its cost and, when neither the sender nor
    /// `model_prices` gives one for its tokens, its model (`unpriced_model`, "(no model)" without one). The cost is
    /// the sender's `cost_usd` where given, else the tokens at the price of the longest `model_pattern` matching
    /// `attributes->>'model'` that was valid at the event's time.
    static func priced(where condition: String) -> String {
        let tokens = tokenAttributes.map { "\(number($0.1)) AS \($0.1)" }.joined(separator: ", ")
        return """
            SELECT e.host_id, e.session_id, e.event_type, e.ts, e.decision, e.cost_usd,
                   \(tokenAttributes.map { "e.\($0.1)" }.joined(separator: ", ")),
                   coalesce(e.cost_usd,
                            (coalesce(e.input_tokens, 0) * p.input_usd_per_mtok
                             + coalesce(e.output_tokens, 0) * p.output_usd_per_mtok
                             + coalesce(e.cache_read_tokens, 0) * coalesce(p.cache_read_usd_per_mtok, p.input_usd_per_mtok)
                             + coalesce(e.cache_creation_tokens, 0) * coalesce(p.cache_write_usd_per_mtok, p.input_usd_per_mtok)
                            ) / 1000000) AS cost,
                   CASE WHEN e.cost_usd IS NULL AND e.has_tokens AND p.input_usd_per_mtok IS NULL
                        THEN coalesce(e.model, '(no model)') END AS unpriced_model
            FROM (SELECT host_id, session_id, event_type, ts, decision, \(tokens),
                         \(number("cost_usd")) AS cost_usd, attributes->>'model' AS model,
                         \(tokenAttributes.map { "attributes ? '\($0.1)'" }.joined(separator: " OR ")) AS has_tokens
                  FROM events WHERE \(condition)) e
            LEFT JOIN LATERAL (
                SELECT input_usd_per_mtok, output_usd_per_mtok, cache_read_usd_per_mtok, cache_write_usd_per_mtok
                FROM model_prices
                WHERE e.has_tokens AND e.cost_usd IS NULL AND e.model LIKE model_pattern AND valid_from <= e.ts
                ORDER BY length(model_pattern) DESC, valid_from DESC
                LIMIT 1
            ) p ON true
            """
    }

    /// One event as the API shows it, a JSON object in a text column.
    static let eventJSON = """
        json_build_object('hostId', host_id, 'sessionId', session_id, 'eventType', event_type,
                          'timestamp', \(rfc3339("ts")), 'agentName', agent_name, 'decision', decision,
                          'decisionReason', decision_reason, 'toolName', tool_name, 'latencyMs', latency_ms,
                          'modelTier', model_tier, 'eventId', event_id, 'attributes', attributes,
                          'receivedAt', \(rfc3339("received_at")))::text
        """

    /// One span as the API shows it, a JSON object in a text column: its ids, timing, status and the typed columns,
    /// `costUsd` as its sender stated it. Resource, span events, links and LangSmith inputs and outputs stay out.
    static let spanJSON = """
        json_build_object('traceId', trace_id, 'spanId', span_id, 'parentSpanId', parent_span_id, 'name', name,
                          'kind', kind, 'start', \(rfc3339("start_ts")), 'end', \(rfc3339("end_ts")),
                          'durationMs', duration_ms, 'statusCode', status_code, 'statusMessage', status_message,
                          'serviceName', service_name, 'source', source, 'operation', operation,
                          'modelRequest', model_request, 'modelResponse', model_response, 'toolName', tool_name,
                          'inputTokens', input_tokens, 'outputTokens', output_tokens,
                          'cacheReadTokens', cache_read_tokens, 'cacheCreationTokens', cache_creation_tokens,
                          'costUsd', cost_usd, 'runType', run_type, 'attributes', attributes)::text
        """
}

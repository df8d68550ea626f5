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

    /// One event as the API shows it, a JSON object in a text column.
    static let eventJSON = """
        json_build_object('hostId', host_id, 'sessionId', session_id, 'eventType', event_type,
                          'timestamp', \(rfc3339("ts")), 'agentName', agent_name, 'decision', decision,
                          'decisionReason', decision_reason, 'toolName', tool_name, 'latencyMs', latency_ms,
                          'modelTier', model_tier, 'eventId', event_id, 'attributes', attributes,
                          'receivedAt', \(rfc3339("received_at")))::text
        """
}

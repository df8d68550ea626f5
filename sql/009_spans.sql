-- Spans: OTLP/HTTP traces (JSON and protobuf) and LangSmith runs, one row each, in one table so that a trace is read
-- the same way whoever sent it. Runs on PostgreSQL 15 and 16, in one transaction.
--
-- Ids are text: OTLP's trace and span ids as lowercase hex (32 and 16 digits), LangSmith's run and trace ids as the
-- UUIDs it sends. The typed columns are filled by the collector from whichever convention the span uses (OpenTelemetry
-- GenAI `gen_ai.*`, OpenInference, Claude Code's own names, LangSmith's run fields); everything else stays in
-- attributes.

CREATE TABLE spans (
    host_id               text NOT NULL,
    trace_id              text NOT NULL,
    span_id               text NOT NULL,
    -- NULL for a root span.
    parent_span_id        text,
    name                  text NOT NULL,
    -- OTLP's SpanKind: internal, server, client, producer or consumer; NULL when unspecified (and for runs).
    kind                  text,
    start_ts              timestamptz NOT NULL,
    -- NULL while a LangSmith run is open (posted, not yet patched).
    end_ts                timestamptz,
    duration_ms           double precision,
    -- unset, ok or error.
    status_code           text NOT NULL DEFAULT 'unset' CHECK (status_code IN ('unset', 'ok', 'error')),
    status_message        text,
    -- The resource's service.name; for LangSmith runs the project (session_name).
    service_name          text,
    -- session.id, gen_ai.conversation.id or the framework's own conversation attribute.
    session_id            text,
    -- otlp or langsmith.
    source                text NOT NULL CHECK (source IN ('otlp', 'langsmith')),
    -- What the span does, normalised: chat, embeddings, tool, agent, chain, retriever, hook, other.
    operation             text,
    model_request         text,
    model_response        text,
    tool_name             text,
    input_tokens          bigint,
    output_tokens         bigint,
    cache_read_tokens     bigint,
    cache_creation_tokens bigint,
    -- The cost the sender stated (Claude Code's cost_usd); NULL when it stated none: readers compute it from
    -- model_prices then.
    cost_usd              double precision,
    attributes            jsonb NOT NULL DEFAULT '{}',
    resource              jsonb NOT NULL DEFAULT '{}',
    -- OTLP span events and links as sent (JSON arrays); NULL when there are none.
    events                jsonb,
    links                 jsonb,
    -- LangSmith runs only: run_type, dotted_order, and inputs and outputs cut to the collector's limit.
    run_type              text,
    dotted_order          text,
    inputs                jsonb,
    outputs               jsonb,
    received_at           timestamptz NOT NULL DEFAULT now()
);
-- An export retried after a timeout, or a run retried by the SDK, is not stored twice.
CREATE UNIQUE INDEX spans_host_trace_span ON spans (host_id, trace_id, span_id);
-- The traces of a host in a time range; one trace's spans; one session's traces.
CREATE INDEX spans_host_start ON spans (host_id, start_ts);
CREATE INDEX spans_trace ON spans (trace_id, start_ts);
CREATE INDEX spans_session_start ON spans (session_id, start_ts) WHERE session_id IS NOT NULL;
CREATE INDEX spans_start_brin ON spans USING brin (start_ts);

-- A log record's traceId and spanId, so that events and spans tie together.
ALTER TABLE events ADD COLUMN trace_id text, ADD COLUMN span_id text;
CREATE INDEX events_trace ON events (trace_id) WHERE trace_id IS NOT NULL;

DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'grafana_reader') THEN
        GRANT SELECT ON spans TO grafana_reader;
    END IF;
END
$$;

-- OTLP spans: INSERT ... ON CONFLICT (host_id, trace_id, span_id) DO NOTHING, which reads its conflict target.
-- LangSmith runs are upserts that merge a patch into its post (whichever comes first), so the writer reads and
-- updates the columns a run carries.
GRANT INSERT ON spans TO collector_writer;
GRANT SELECT (host_id, trace_id, span_id) ON spans TO collector_writer;

-- Hosts, their keys, the events they send and the transcripts of their sessions.
-- Runs on PostgreSQL 15 and 16. The collector applies each file once, in order, inside a transaction.

CREATE TABLE api_keys (
    key_hash     text PRIMARY KEY CHECK (key_hash ~ '^[0-9a-f]{64}$'),
    host_id      text NOT NULL CHECK (host_id <> ''),
    description  text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    revoked_at   timestamptz,
    last_used_at timestamptz
);
CREATE INDEX api_keys_host_id ON api_keys (host_id);

-- host_id is always the key's host, never what the client claims.
-- Field lengths are checked by the collector before a row is written, so no insert fails on them.
CREATE TABLE events (
    host_id         text NOT NULL,
    session_id      text NOT NULL,
    event_type      text NOT NULL,
    ts              timestamptz NOT NULL,
    agent_name      text,
    decision        text,
    decision_reason text,
    tool_name       text,
    latency_ms      integer,
    model_tier      text,
    -- The client's eventId, or a UUIDv7 the collector assigns on receipt: every event has one, so a batch
    -- replayed from the spool after a crash is not written twice.
    event_id        text NOT NULL DEFAULT gen_random_uuid()::text,
    attributes      jsonb NOT NULL DEFAULT '{}',
    received_at     timestamptz NOT NULL DEFAULT now()
);
-- eventId is an idempotency key per host: a repeat is skipped.
CREATE UNIQUE INDEX events_host_event_id ON events (host_id, event_id);
CREATE INDEX events_host_ts ON events (host_id, ts);
CREATE INDEX events_session_ts ON events (session_id, ts);
CREATE INDEX events_agent_ts ON events (agent_name, ts) WHERE agent_name IS NOT NULL;
-- Events arrive roughly in time order, so a block range index serves time ranges across all hosts cheaply.
CREATE INDEX events_ts_brin ON events USING brin (ts);

CREATE TABLE transcripts (
    host_id     text NOT NULL,
    session_id  text NOT NULL,
    agent_name  text,
    transcript  jsonb NOT NULL,
    metadata    jsonb NOT NULL DEFAULT '{}',
    size_bytes  integer NOT NULL,
    -- When the collector received this version: a spooled older upload replayed late never replaces a newer one.
    received_at timestamptz NOT NULL DEFAULT now(),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (host_id, session_id)
);
CREATE INDEX transcripts_updated_at ON transcripts (updated_at);

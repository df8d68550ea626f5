-- Rollups for the dashboards (issue 15): per host and hour, and per host and day (UTC), what the panels count, sum
-- and take percentiles of, so that a dashboard over days or weeks reads a few thousand rows instead of every event.
-- Runs on PostgreSQL 15 and 16, in one transaction.
--
-- How they stay current: a statement trigger on events and otlp_metrics writes the (host, hour) of every row a
-- statement inserted into rollup_dirty, in the inserting transaction, whoever inserts (the collector, psql, a
-- restore, COPY; a replayed duplicate that ON CONFLICT skipped is not in the transition table). The collector's
-- rollup job calls rollups_fold() every few seconds: it takes marks, and recomputes the whole hourly and daily rows
-- of those hosts and buckets, and the sessions seen in them, from the raw rows, so a late event (old ts, new arrival)
-- lands in its own hour and folding twice changes nothing. `collector rollups refresh` calls rollups_refresh() for a
-- range. Both run as their owner (SECURITY DEFINER), so the serving role needs EXECUTE on them and nothing else.
-- Rows deleted from events (retention) stay counted in their rollups until a refresh of their range.

-- Latency histograms: h00 counts latencies under 1 ms, h01..h32 [2^((i-1)/2), 2^(i/2)) ms, a step of 41%, and h33
-- from 2^16 ms (65.5 s) up. Percentiles interpolate inside a bucket, so they are within a bucket's width of exact.
CREATE FUNCTION rollup_latency_bucket(latency_ms integer) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN latency_ms IS NULL THEN NULL
                WHEN latency_ms < 1 THEN 0
                ELSE least(33, 1 + floor(2 * ln(latency_ms::float8) / ln(2.0::float8) + 1e-9)::integer) END
$$;

-- The q-quantile (0..1) of a histogram of the buckets above, as percentile_cont would place it; max_latency bounds
-- the last bucket.
CREATE FUNCTION rollup_percentile(q float8, hist bigint[], max_latency float8) RETURNS float8
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    total bigint;
    position float8;
    seen bigint := 0;
    lower_bound float8;
    upper_bound float8;
BEGIN
    SELECT sum(c) INTO total FROM unnest(hist) AS c;
    IF total IS NULL OR total = 0 THEN
        RETURN NULL;
    END IF;
    position := q * (total - 1);
    FOR i IN 1 .. array_length(hist, 1) LOOP
        IF coalesce(hist[i], 0) > 0 AND seen + hist[i] > position THEN
            lower_bound := CASE WHEN i = 1 THEN 0 ELSE 2 ^ ((i - 2) / 2.0) END;
            upper_bound := CASE WHEN i = array_length(hist, 1) THEN greatest(max_latency, lower_bound)
                                ELSE least(2 ^ ((i - 1) / 2.0), greatest(max_latency, lower_bound)) END;
            RETURN least(lower_bound + (upper_bound - lower_bound) * (position - seen + 0.5) / hist[i], max_latency);
        END IF;
        seen := seen + coalesce(hist[i], 0);
    END LOOP;
    RETURN max_latency;
END
$$;

-- Buckets are UTC hours and days, whatever the session's TimeZone.
CREATE FUNCTION rollup_hour(ts timestamptz) RETURNS timestamptz
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT date_trunc('hour', ts AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' $$;
CREATE FUNCTION rollup_day(ts timestamptz) RETURNS timestamptz
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT date_trunc('day', ts AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' $$;

-- Which rows a panel over this range reads: raw events up to a day (Grafana's $__interval is then a minute or two,
-- finer than an hour), hourly rollups up to a week (at most 169 points a series), daily beyond.
CREATE FUNCTION rollup_width(range_from timestamptz, range_to timestamptz) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN range_to - range_from <= interval '24 hours' THEN 'raw'
                WHEN range_to - range_from <= interval '168 hours' THEN 'hour'
                ELSE 'day' END
$$;

-- A time series over the range: the rows of its width that overlap the range.
CREATE FUNCTION rollup_series(width text, bucket timestamptz, range_from timestamptz, range_to timestamptz)
RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT width = rollup_width(range_from, range_to)
       AND bucket >= CASE rollup_width(range_from, range_to) WHEN 'day' THEN rollup_day(range_from)
                                                             ELSE rollup_hour(range_from) END
       AND bucket <= range_to
$$;

-- The first whole UTC day from this moment on (arithmetic on timestamp, not timestamptz, keeps it IMMUTABLE, so that
-- a panel's bounds fold into constants its plan can use).
CREATE FUNCTION rollup_first_whole_day(range_from timestamptz) RETURNS timestamptz
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT (date_trunc('day', (range_from AT TIME ZONE 'UTC') - interval '1 microsecond') + interval '1 day') AT TIME ZONE 'UTC'
$$;

-- A total over the range: the days wholly inside it, and the hours of the rest (the hour the range starts in is
-- counted whole). Each event is counted once.
CREATE FUNCTION rollup_covers(width text, bucket timestamptz, range_from timestamptz, range_to timestamptz)
RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT (width = 'day' AND bucket >= rollup_first_whole_day(range_from) AND bucket < rollup_day(range_to))
        OR (width = 'hour' AND bucket >= rollup_hour(range_from)
                           AND bucket < least(rollup_first_whole_day(range_from), range_to))
        OR (width = 'hour' AND bucket >= greatest(rollup_day(range_to), rollup_first_whole_day(range_from),
                                                  rollup_hour(range_from))
                           AND bucket <= range_to)
$$;

-- Per host, agent and bucket.
CREATE TABLE rollup_events (
    width         text NOT NULL CHECK (width IN ('hour', 'day')),
    bucket        timestamptz NOT NULL,
    host_id       text NOT NULL,
    agent_name    text,
    events        bigint NOT NULL,
    -- event_type ~* '(error|fail)', as the panels count errors.
    errors        bigint NOT NULL,
    -- Distinct sessions in this bucket, of this agent and of the host whatever the agent (the same on each of the
    -- host's rows): a sum over hosts is exact, a sum over buckets is not (rollup_sessions is).
    sessions      bigint NOT NULL,
    host_sessions bigint NOT NULL,
    -- Events with a decision, and those approved or denied under any of the spellings the panels accept.
    decided       bigint NOT NULL,
    approved      bigint NOT NULL,
    denied        bigint NOT NULL,
    latency_count bigint NOT NULL,
    latency_max   integer,
    h00 integer NOT NULL DEFAULT 0,
    h01 integer NOT NULL DEFAULT 0,
    h02 integer NOT NULL DEFAULT 0,
    h03 integer NOT NULL DEFAULT 0,
    h04 integer NOT NULL DEFAULT 0,
    h05 integer NOT NULL DEFAULT 0,
    h06 integer NOT NULL DEFAULT 0,
    h07 integer NOT NULL DEFAULT 0,
    h08 integer NOT NULL DEFAULT 0,
    h09 integer NOT NULL DEFAULT 0,
    h10 integer NOT NULL DEFAULT 0,
    h11 integer NOT NULL DEFAULT 0,
    h12 integer NOT NULL DEFAULT 0,
    h13 integer NOT NULL DEFAULT 0,
    h14 integer NOT NULL DEFAULT 0,
    h15 integer NOT NULL DEFAULT 0,
    h16 integer NOT NULL DEFAULT 0,
    h17 integer NOT NULL DEFAULT 0,
    h18 integer NOT NULL DEFAULT 0,
    h19 integer NOT NULL DEFAULT 0,
    h20 integer NOT NULL DEFAULT 0,
    h21 integer NOT NULL DEFAULT 0,
    h22 integer NOT NULL DEFAULT 0,
    h23 integer NOT NULL DEFAULT 0,
    h24 integer NOT NULL DEFAULT 0,
    h25 integer NOT NULL DEFAULT 0,
    h26 integer NOT NULL DEFAULT 0,
    h27 integer NOT NULL DEFAULT 0,
    h28 integer NOT NULL DEFAULT 0,
    h29 integer NOT NULL DEFAULT 0,
    h30 integer NOT NULL DEFAULT 0,
    h31 integer NOT NULL DEFAULT 0,
    h32 integer NOT NULL DEFAULT 0,
    h33 integer NOT NULL DEFAULT 0
);
CREATE INDEX rollup_events_bucket ON rollup_events (width, bucket);
CREATE INDEX rollup_events_host ON rollup_events (host_id, width, bucket);

-- Per host, agent, bucket and one value of event_type, tool_name or model_tier (NULL included).
CREATE TABLE rollup_event_dims (
    width          text NOT NULL CHECK (width IN ('hour', 'day')),
    bucket         timestamptz NOT NULL,
    host_id        text NOT NULL,
    agent_name     text,
    dimension      text NOT NULL CHECK (dimension IN ('event_type', 'tool_name', 'model_tier')),
    value          text,
    events         bigint NOT NULL,
    -- Claude Code's claude_code.tool_result events, and those with success "true".
    tool_results   bigint NOT NULL,
    tool_successes bigint NOT NULL,
    latency_count  bigint NOT NULL,
    latency_max    integer,
    h00 integer NOT NULL DEFAULT 0,
    h01 integer NOT NULL DEFAULT 0,
    h02 integer NOT NULL DEFAULT 0,
    h03 integer NOT NULL DEFAULT 0,
    h04 integer NOT NULL DEFAULT 0,
    h05 integer NOT NULL DEFAULT 0,
    h06 integer NOT NULL DEFAULT 0,
    h07 integer NOT NULL DEFAULT 0,
    h08 integer NOT NULL DEFAULT 0,
    h09 integer NOT NULL DEFAULT 0,
    h10 integer NOT NULL DEFAULT 0,
    h11 integer NOT NULL DEFAULT 0,
    h12 integer NOT NULL DEFAULT 0,
    h13 integer NOT NULL DEFAULT 0,
    h14 integer NOT NULL DEFAULT 0,
    h15 integer NOT NULL DEFAULT 0,
    h16 integer NOT NULL DEFAULT 0,
    h17 integer NOT NULL DEFAULT 0,
    h18 integer NOT NULL DEFAULT 0,
    h19 integer NOT NULL DEFAULT 0,
    h20 integer NOT NULL DEFAULT 0,
    h21 integer NOT NULL DEFAULT 0,
    h22 integer NOT NULL DEFAULT 0,
    h23 integer NOT NULL DEFAULT 0,
    h24 integer NOT NULL DEFAULT 0,
    h25 integer NOT NULL DEFAULT 0,
    h26 integer NOT NULL DEFAULT 0,
    h27 integer NOT NULL DEFAULT 0,
    h28 integer NOT NULL DEFAULT 0,
    h29 integer NOT NULL DEFAULT 0,
    h30 integer NOT NULL DEFAULT 0,
    h31 integer NOT NULL DEFAULT 0,
    h32 integer NOT NULL DEFAULT 0,
    h33 integer NOT NULL DEFAULT 0
);
CREATE INDEX rollup_event_dims_bucket ON rollup_event_dims (width, dimension, bucket);
CREATE INDEX rollup_event_dims_host ON rollup_event_dims (host_id, width, bucket);

-- OTLP metric points per host, bucket, name and the model and type attributes Claude Code's metrics carry.
-- increase: a delta point's value; a cumulative point's value less the previous point of its series.
CREATE TABLE rollup_metrics (
    width    text NOT NULL CHECK (width IN ('hour', 'day')),
    bucket   timestamptz NOT NULL,
    host_id  text NOT NULL,
    name     text NOT NULL,
    model    text,
    type     text,
    increase float8,
    points   bigint NOT NULL
);
CREATE INDEX rollup_metrics_bucket ON rollup_metrics (width, bucket);
CREATE INDEX rollup_metrics_host ON rollup_metrics (host_id, width, bucket);

-- One row per session (events and metric points), whatever its length.
CREATE TABLE rollup_sessions (
    host_id       text NOT NULL,
    session_id    text NOT NULL,
    agent_name    text,
    -- Claude Code's: its events, or metric points. Requests, cost and tool runs count Claude Code's events only.
    claude_code   boolean NOT NULL,
    first_ts      timestamptz NOT NULL,
    last_ts       timestamptz NOT NULL,
    events        bigint NOT NULL,
    claude_code_events bigint NOT NULL,
    api_requests  bigint NOT NULL,
    cost_usd      numeric NOT NULL,
    tool_runs     bigint NOT NULL,
    metric_points bigint NOT NULL,
    PRIMARY KEY (host_id, session_id)
);
CREATE INDEX rollup_sessions_last_ts ON rollup_sessions (last_ts);
CREATE INDEX rollup_sessions_host_last_ts ON rollup_sessions (host_id, last_ts);

-- (host, UTC hour) pairs that changed since they were last folded. Not unique: each statement adds its own.
CREATE TABLE rollup_dirty (
    host_id text NOT NULL,
    hour    timestamptz NOT NULL
);
CREATE INDEX rollup_dirty_day ON rollup_dirty (rollup_day(hour) DESC, host_id, hour);

CREATE FUNCTION rollup_mark_dirty() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN
    INSERT INTO rollup_dirty (host_id, hour) SELECT DISTINCT host_id, rollup_hour(ts) FROM inserted;
    RETURN NULL;
END
$$;

CREATE TRIGGER events_rollup_dirty AFTER INSERT ON events REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_dirty();
CREATE TRIGGER otlp_metrics_rollup_dirty AFTER INSERT ON otlp_metrics REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_dirty();

-- The raw rows of these (host, hour) pairs. A few pairs (the job's batches) read each pair's rows through the
-- (host_id, ts) index (LATERAL ... OFFSET 0 keeps the planner from joining the whole table); many (a refresh, the
-- first fold of a database that holds data) read their time range once.
CREATE FUNCTION rollup_raw_events(hosts text[], hours timestamptz[]) RETURNS SETOF events
LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF array_length(hosts, 1) > 1000 THEN
        RETURN QUERY
        SELECT e.* FROM events e
        JOIN (SELECT DISTINCT host_id, hour FROM unnest(hosts, hours) AS u(host_id, hour)) AS d
          ON e.host_id = d.host_id AND rollup_hour(e.ts) = d.hour
        WHERE e.ts >= (SELECT min(h) FROM unnest(hours) AS h)
          AND e.ts < (SELECT max(h) FROM unnest(hours) AS h) + interval '1 hour';
    ELSE
        RETURN QUERY
        SELECT e.* FROM (SELECT DISTINCT host_id, hour FROM unnest(hosts, hours) AS u(host_id, hour)) AS d
        CROSS JOIN LATERAL (
            SELECT * FROM events e
            WHERE e.host_id = d.host_id AND e.ts >= d.hour AND e.ts < d.hour + interval '1 hour' OFFSET 0) AS e;
    END IF;
END
$$;

CREATE FUNCTION rollup_raw_metrics(hosts text[], hours timestamptz[]) RETURNS SETOF otlp_metrics
LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF array_length(hosts, 1) > 1000 THEN
        RETURN QUERY
        SELECT m.* FROM otlp_metrics m
        JOIN (SELECT DISTINCT host_id, hour FROM unnest(hosts, hours) AS u(host_id, hour)) AS d
          ON m.host_id = d.host_id AND rollup_hour(m.ts) = d.hour
        WHERE m.ts >= (SELECT min(h) FROM unnest(hours) AS h)
          AND m.ts < (SELECT max(h) FROM unnest(hours) AS h) + interval '1 hour';
    ELSE
        RETURN QUERY
        SELECT m.* FROM (SELECT DISTINCT host_id, hour FROM unnest(hosts, hours) AS u(host_id, hour)) AS d
        CROSS JOIN LATERAL (
            SELECT * FROM otlp_metrics m
            WHERE m.host_id = d.host_id AND m.ts >= d.hour AND m.ts < d.hour + interval '1 hour' OFFSET 0) AS m;
    END IF;
END
$$;

-- Recomputes the hourly rows of these (host, hour) pairs from the raw rows: idempotent.
CREATE FUNCTION rollups_rebuild_hourly(hosts text[], hours timestamptz[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN
    DELETE FROM rollup_events r USING unnest(hosts, hours) AS d(host_id, hour)
    WHERE r.width = 'hour' AND r.host_id = d.host_id AND r.bucket = d.hour;
    DELETE FROM rollup_event_dims r USING unnest(hosts, hours) AS d(host_id, hour)
    WHERE r.width = 'hour' AND r.host_id = d.host_id AND r.bucket = d.hour;
    WITH e AS MATERIALIZED (
        SELECT *, rollup_hour(ts) AS hour, rollup_latency_bucket(latency_ms) AS latency_bucket
        FROM rollup_raw_events(hosts, hours)
    ), host_sessions AS (
        SELECT host_id, hour, count(DISTINCT session_id) AS sessions FROM e GROUP BY host_id, hour
    ), per_agent AS (
        INSERT INTO rollup_events (width, bucket, host_id, agent_name, events, errors, sessions, host_sessions, decided,
                                   approved, denied, latency_count, latency_max,
                                   h00, h01, h02, h03, h04, h05, h06, h07, h08, h09, h10, h11,
                               h12, h13, h14, h15, h16, h17, h18, h19, h20, h21, h22, h23,
                               h24, h25, h26, h27, h28, h29, h30, h31, h32, h33)
        SELECT 'hour', e.hour, e.host_id, e.agent_name, count(*),
               count(*) FILTER (WHERE e.event_type ~* '(error|fail)'),
               count(DISTINCT e.session_id), h.sessions,
               count(e.decision),
               count(*) FILTER (WHERE lower(e.decision) IN ('approved', 'approve', 'allowed', 'allow', 'accepted', 'accept')),
               count(*) FILTER (WHERE lower(e.decision) IN ('denied', 'deny', 'rejected', 'reject', 'blocked', 'block')),
               count(e.latency_ms), max(e.latency_ms),
               count(*) FILTER (WHERE e.latency_bucket = 0),
               count(*) FILTER (WHERE e.latency_bucket = 1),
               count(*) FILTER (WHERE e.latency_bucket = 2),
               count(*) FILTER (WHERE e.latency_bucket = 3),
               count(*) FILTER (WHERE e.latency_bucket = 4),
               count(*) FILTER (WHERE e.latency_bucket = 5),
               count(*) FILTER (WHERE e.latency_bucket = 6),
               count(*) FILTER (WHERE e.latency_bucket = 7),
               count(*) FILTER (WHERE e.latency_bucket = 8),
               count(*) FILTER (WHERE e.latency_bucket = 9),
               count(*) FILTER (WHERE e.latency_bucket = 10),
               count(*) FILTER (WHERE e.latency_bucket = 11),
               count(*) FILTER (WHERE e.latency_bucket = 12),
               count(*) FILTER (WHERE e.latency_bucket = 13),
               count(*) FILTER (WHERE e.latency_bucket = 14),
               count(*) FILTER (WHERE e.latency_bucket = 15),
               count(*) FILTER (WHERE e.latency_bucket = 16),
               count(*) FILTER (WHERE e.latency_bucket = 17),
               count(*) FILTER (WHERE e.latency_bucket = 18),
               count(*) FILTER (WHERE e.latency_bucket = 19),
               count(*) FILTER (WHERE e.latency_bucket = 20),
               count(*) FILTER (WHERE e.latency_bucket = 21),
               count(*) FILTER (WHERE e.latency_bucket = 22),
               count(*) FILTER (WHERE e.latency_bucket = 23),
               count(*) FILTER (WHERE e.latency_bucket = 24),
               count(*) FILTER (WHERE e.latency_bucket = 25),
               count(*) FILTER (WHERE e.latency_bucket = 26),
               count(*) FILTER (WHERE e.latency_bucket = 27),
               count(*) FILTER (WHERE e.latency_bucket = 28),
               count(*) FILTER (WHERE e.latency_bucket = 29),
               count(*) FILTER (WHERE e.latency_bucket = 30),
               count(*) FILTER (WHERE e.latency_bucket = 31),
               count(*) FILTER (WHERE e.latency_bucket = 32),
               count(*) FILTER (WHERE e.latency_bucket = 33)
        FROM e JOIN host_sessions h ON h.host_id = e.host_id AND h.hour = e.hour
        GROUP BY e.hour, e.host_id, e.agent_name, h.sessions
        RETURNING 1
    )
    INSERT INTO rollup_event_dims (width, bucket, host_id, agent_name, dimension, value, events, tool_results,
                                   tool_successes, latency_count, latency_max,
                                   h00, h01, h02, h03, h04, h05, h06, h07, h08, h09, h10, h11,
                               h12, h13, h14, h15, h16, h17, h18, h19, h20, h21, h22, h23,
                               h24, h25, h26, h27, h28, h29, h30, h31, h32, h33)
    SELECT 'hour', e.hour, e.host_id, e.agent_name, v.dimension, v.value, count(*),
           count(*) FILTER (WHERE e.event_type = 'claude_code.tool_result'),
           count(*) FILTER (WHERE e.event_type = 'claude_code.tool_result' AND e.attributes->>'success' = 'true'),
           count(e.latency_ms), max(e.latency_ms),
           count(*) FILTER (WHERE e.latency_bucket = 0),
           count(*) FILTER (WHERE e.latency_bucket = 1),
           count(*) FILTER (WHERE e.latency_bucket = 2),
           count(*) FILTER (WHERE e.latency_bucket = 3),
           count(*) FILTER (WHERE e.latency_bucket = 4),
           count(*) FILTER (WHERE e.latency_bucket = 5),
           count(*) FILTER (WHERE e.latency_bucket = 6),
           count(*) FILTER (WHERE e.latency_bucket = 7),
           count(*) FILTER (WHERE e.latency_bucket = 8),
           count(*) FILTER (WHERE e.latency_bucket = 9),
           count(*) FILTER (WHERE e.latency_bucket = 10),
           count(*) FILTER (WHERE e.latency_bucket = 11),
           count(*) FILTER (WHERE e.latency_bucket = 12),
           count(*) FILTER (WHERE e.latency_bucket = 13),
           count(*) FILTER (WHERE e.latency_bucket = 14),
           count(*) FILTER (WHERE e.latency_bucket = 15),
           count(*) FILTER (WHERE e.latency_bucket = 16),
           count(*) FILTER (WHERE e.latency_bucket = 17),
           count(*) FILTER (WHERE e.latency_bucket = 18),
           count(*) FILTER (WHERE e.latency_bucket = 19),
           count(*) FILTER (WHERE e.latency_bucket = 20),
           count(*) FILTER (WHERE e.latency_bucket = 21),
           count(*) FILTER (WHERE e.latency_bucket = 22),
           count(*) FILTER (WHERE e.latency_bucket = 23),
           count(*) FILTER (WHERE e.latency_bucket = 24),
           count(*) FILTER (WHERE e.latency_bucket = 25),
           count(*) FILTER (WHERE e.latency_bucket = 26),
           count(*) FILTER (WHERE e.latency_bucket = 27),
           count(*) FILTER (WHERE e.latency_bucket = 28),
           count(*) FILTER (WHERE e.latency_bucket = 29),
           count(*) FILTER (WHERE e.latency_bucket = 30),
           count(*) FILTER (WHERE e.latency_bucket = 31),
           count(*) FILTER (WHERE e.latency_bucket = 32),
           count(*) FILTER (WHERE e.latency_bucket = 33)
    FROM e
    CROSS JOIN LATERAL (VALUES ('event_type', e.event_type), ('tool_name', e.tool_name),
                               ('model_tier', e.model_tier)) AS v(dimension, value)
    GROUP BY e.hour, e.host_id, e.agent_name, v.dimension, v.value;

    DELETE FROM rollup_metrics r USING unnest(hosts, hours) AS d(host_id, hour)
    WHERE r.width = 'hour' AND r.host_id = d.host_id AND r.bucket = d.hour;
    INSERT INTO rollup_metrics (width, bucket, host_id, name, model, type, increase, points)
    SELECT 'hour', rollup_hour(m.ts), m.host_id, m.name, m.attributes->>'model', m.attributes->>'type',
           sum(CASE WHEN m.temporality = 'cumulative'
                    THEN m.value - coalesce((SELECT p.value FROM otlp_metrics p
                                             WHERE p.host_id = m.host_id AND p.name = m.name AND p.ts < m.ts
                                               AND p.start_ts IS NOT DISTINCT FROM m.start_ts
                                               AND p.attributes = m.attributes
                                             ORDER BY p.ts DESC LIMIT 1), 0)
                    ELSE m.value END),
           count(*)
    FROM rollup_raw_metrics(hosts, hours) AS m
    GROUP BY rollup_hour(m.ts), m.host_id, m.name, m.attributes->>'model', m.attributes->>'type';
END
$$;

-- Recomputes every session seen in these (host, hour) pairs, or listed as overlapping them, from its raw rows.
CREATE FUNCTION rollups_rebuild_sessions(hosts text[], hours timestamptz[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER AS $$
DECLARE
    session_hosts text[];
    session_ids text[];
BEGIN
    WITH d AS (SELECT DISTINCT host_id, hour FROM unnest(hosts, hours) AS u(host_id, hour)),
    touched AS (
        SELECT host_id, session_id FROM rollup_raw_events(hosts, hours)
        UNION
        SELECT host_id, session_id FROM rollup_raw_metrics(hosts, hours) WHERE session_id IS NOT NULL
        UNION
        SELECT d.host_id, s.session_id FROM d CROSS JOIN LATERAL (
            SELECT session_id FROM rollup_sessions s
            WHERE s.host_id = d.host_id AND s.last_ts >= d.hour AND s.first_ts < d.hour + interval '1 hour' OFFSET 0) AS s
    )
    SELECT array_agg(host_id), array_agg(session_id) INTO session_hosts, session_ids FROM touched;
    IF session_hosts IS NULL THEN
        RETURN;
    END IF;

    DELETE FROM rollup_sessions r USING unnest(session_hosts, session_ids) AS t(host_id, session_id)
    WHERE r.host_id = t.host_id AND r.session_id = t.session_id;
    INSERT INTO rollup_sessions (host_id, session_id, agent_name, claude_code, first_ts, last_ts, events,
                                 claude_code_events, api_requests, cost_usd, tool_runs, metric_points)
    SELECT host_id, session_id, max(agent_name), bool_or(claude_code), min(first_ts), max(last_ts), sum(events),
           sum(claude_code_events), sum(api_requests), sum(cost_usd), sum(tool_runs), sum(metric_points)
    FROM (
        SELECT e.host_id, e.session_id, max(e.agent_name) AS agent_name,
               coalesce(bool_or(e.agent_name = 'claude-code'), false) AS claude_code,
               min(e.ts) AS first_ts, max(e.ts) AS last_ts, count(*) AS events,
               count(*) FILTER (WHERE e.agent_name = 'claude-code') AS claude_code_events,
               count(*) FILTER (WHERE e.agent_name = 'claude-code' AND e.event_type = 'claude_code.api_request')
                   AS api_requests,
               coalesce(sum((e.attributes->>'cost_usd')::numeric)
                            FILTER (WHERE e.agent_name = 'claude-code' AND e.event_type = 'claude_code.api_request'
                                      AND jsonb_typeof(e.attributes->'cost_usd') = 'number'), 0) AS cost_usd,
               count(*) FILTER (WHERE e.agent_name = 'claude-code'
                                  AND e.event_type IN ('claude_code.tool_result', 'PostToolUse')) AS tool_runs,
               0 AS metric_points
        FROM unnest(session_hosts, session_ids) AS t(host_id, session_id)
        CROSS JOIN LATERAL (
            SELECT * FROM events e WHERE e.session_id = t.session_id AND e.host_id = t.host_id OFFSET 0) AS e
        GROUP BY e.host_id, e.session_id
        UNION ALL
        SELECT m.host_id, m.session_id, NULL, true, min(m.ts), max(m.ts), 0, 0, 0, 0, 0, count(*)
        FROM unnest(session_hosts, session_ids) AS t(host_id, session_id)
        CROSS JOIN LATERAL (
            SELECT * FROM otlp_metrics m WHERE m.session_id = t.session_id AND m.host_id = t.host_id OFFSET 0) AS m
        GROUP BY m.host_id, m.session_id
    ) AS parts
    GROUP BY host_id, session_id;
END
$$;

-- The daily rows of these (host, day) pairs, from their hourly rows, and their sessions from rollup_sessions (a
-- session counts on every day its first to last event overlaps; with its agent, the agent it was seen with last in
-- name order), so that a late event costs its hour, not its whole day, of raw rows.
CREATE FUNCTION rollups_rebuild_daily(hosts text[], days timestamptz[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN
    DELETE FROM rollup_events r USING unnest(hosts, days) AS d(host_id, day)
    WHERE r.width = 'day' AND r.host_id = d.host_id AND r.bucket = d.day;
    INSERT INTO rollup_events (width, bucket, host_id, agent_name, events, errors, sessions, host_sessions, decided,
                               approved, denied, latency_count, latency_max,
                               h00, h01, h02, h03, h04, h05, h06, h07, h08, h09, h10, h11,
                               h12, h13, h14, h15, h16, h17, h18, h19, h20, h21, h22, h23,
                               h24, h25, h26, h27, h28, h29, h30, h31, h32, h33)
    SELECT 'day', d.day, d.host_id, h.agent_name, sum(h.events), sum(h.errors),
           (SELECT count(*) FROM rollup_sessions s
            WHERE s.host_id = d.host_id AND s.agent_name IS NOT DISTINCT FROM h.agent_name
              AND s.events > 0 AND s.last_ts >= d.day AND s.first_ts < d.day + interval '24 hours'),
           (SELECT count(*) FROM rollup_sessions s
            WHERE s.host_id = d.host_id AND s.events > 0 AND s.last_ts >= d.day AND s.first_ts < d.day + interval '24 hours'),
           sum(h.decided), sum(h.approved), sum(h.denied), sum(h.latency_count), max(h.latency_max),
           sum(h.h00), sum(h.h01), sum(h.h02), sum(h.h03), sum(h.h04), sum(h.h05), sum(h.h06), sum(h.h07),
           sum(h.h08), sum(h.h09), sum(h.h10), sum(h.h11), sum(h.h12), sum(h.h13), sum(h.h14), sum(h.h15),
           sum(h.h16), sum(h.h17), sum(h.h18), sum(h.h19), sum(h.h20), sum(h.h21), sum(h.h22), sum(h.h23),
           sum(h.h24), sum(h.h25), sum(h.h26), sum(h.h27), sum(h.h28), sum(h.h29), sum(h.h30), sum(h.h31),
           sum(h.h32), sum(h.h33)
    FROM (SELECT DISTINCT host_id, day FROM unnest(hosts, days) AS u(host_id, day)) AS d
    JOIN rollup_events h ON h.width = 'hour' AND h.host_id = d.host_id
                        AND h.bucket >= d.day AND h.bucket < d.day + interval '24 hours'
    GROUP BY d.day, d.host_id, h.agent_name;

    DELETE FROM rollup_event_dims r USING unnest(hosts, days) AS d(host_id, day)
    WHERE r.width = 'day' AND r.host_id = d.host_id AND r.bucket = d.day;
    INSERT INTO rollup_event_dims (width, bucket, host_id, agent_name, dimension, value, events, tool_results,
                                   tool_successes, latency_count, latency_max,
                                   h00, h01, h02, h03, h04, h05, h06, h07, h08, h09, h10, h11,
                               h12, h13, h14, h15, h16, h17, h18, h19, h20, h21, h22, h23,
                               h24, h25, h26, h27, h28, h29, h30, h31, h32, h33)
    SELECT 'day', d.day, d.host_id, h.agent_name, h.dimension, h.value, sum(h.events), sum(h.tool_results),
           sum(h.tool_successes), sum(h.latency_count), max(h.latency_max),
           sum(h.h00), sum(h.h01), sum(h.h02), sum(h.h03), sum(h.h04), sum(h.h05), sum(h.h06), sum(h.h07),
           sum(h.h08), sum(h.h09), sum(h.h10), sum(h.h11), sum(h.h12), sum(h.h13), sum(h.h14), sum(h.h15),
           sum(h.h16), sum(h.h17), sum(h.h18), sum(h.h19), sum(h.h20), sum(h.h21), sum(h.h22), sum(h.h23),
           sum(h.h24), sum(h.h25), sum(h.h26), sum(h.h27), sum(h.h28), sum(h.h29), sum(h.h30), sum(h.h31),
           sum(h.h32), sum(h.h33)
    FROM (SELECT DISTINCT host_id, day FROM unnest(hosts, days) AS u(host_id, day)) AS d
    JOIN rollup_event_dims h ON h.width = 'hour' AND h.host_id = d.host_id
                            AND h.bucket >= d.day AND h.bucket < d.day + interval '24 hours'
    GROUP BY d.day, d.host_id, h.agent_name, h.dimension, h.value;

    DELETE FROM rollup_metrics r USING unnest(hosts, days) AS d(host_id, day)
    WHERE r.width = 'day' AND r.host_id = d.host_id AND r.bucket = d.day;
    INSERT INTO rollup_metrics (width, bucket, host_id, name, model, type, increase, points)
    SELECT 'day', d.day, d.host_id, h.name, h.model, h.type, sum(h.increase), sum(h.points)
    FROM (SELECT DISTINCT host_id, day FROM unnest(hosts, days) AS u(host_id, day)) AS d
    JOIN rollup_metrics h ON h.width = 'hour' AND h.host_id = d.host_id
                         AND h.bucket >= d.day AND h.bucket < d.day + interval '24 hours'
    GROUP BY d.day, d.host_id, h.name, h.model, h.type;
END
$$;

-- The hours from the raw rows, their sessions, then the days they fall in.
CREATE FUNCTION rollups_rebuild_hours(hosts text[], hours timestamptz[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER AS $$
DECLARE
    day_hosts text[];
    days timestamptz[];
BEGIN
    PERFORM rollups_rebuild_hourly(hosts, hours);
    PERFORM rollups_rebuild_sessions(hosts, hours);
    SELECT array_agg(host_id), array_agg(day) INTO day_hosts, days
    FROM (SELECT DISTINCT host_id, rollup_day(hour) AS day FROM unnest(hosts, hours) AS u(host_id, hour)) AS d;
    PERFORM rollups_rebuild_daily(day_hosts, days);
END
$$;

-- One job folds at a time (a second collector on the same database, or a refresh, waits its turn or skips).
CREATE FUNCTION rollup_lock_key() RETURNS bigint LANGUAGE sql IMMUTABLE AS $$ SELECT 7015015015::bigint $$;

-- The job's step: folds up to max_hours marked (host, hour) pairs, newest day first and a host's hours of a day
-- together (each of its days is summed once), and returns how many it folded;
-- 0 when nothing was marked or another fold holds the lock.
CREATE FUNCTION rollups_fold(max_hours integer) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER AS $$
DECLARE
    hosts text[];
    hours timestamptz[];
BEGIN
    IF NOT pg_try_advisory_xact_lock(rollup_lock_key()) THEN
        RETURN 0;
    END IF;
    WITH taken AS (
        DELETE FROM rollup_dirty
        WHERE ctid = ANY (ARRAY(SELECT ctid FROM rollup_dirty
                                ORDER BY rollup_day(hour) DESC, host_id, hour LIMIT max_hours))
        RETURNING host_id, hour
    )
    SELECT array_agg(host_id), array_agg(hour) INTO hosts, hours FROM (SELECT DISTINCT host_id, hour FROM taken) AS d;
    IF hosts IS NULL THEN
        RETURN 0;
    END IF;
    PERFORM rollups_rebuild_hours(hosts, hours);
    RETURN array_length(hosts, 1);
END
$$;

-- Rebuilds every host's rollups of the hours from range_from to range_to from the raw rows, whether marked or not
-- (rows that were deleted, or loaded with the trigger off); returns how many (host, hour) pairs it rebuilt.
CREATE FUNCTION rollups_refresh(range_from timestamptz, range_to timestamptz) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER AS $$
DECLARE
    hosts text[];
    hours timestamptz[];
BEGIN
    PERFORM pg_advisory_xact_lock(rollup_lock_key());
    -- Marks first: a row committed after them is seen by the rebuild below or marked again.
    DELETE FROM rollup_dirty WHERE hour >= rollup_hour(range_from) AND hour < range_to;
    SELECT array_agg(host_id), array_agg(hour) INTO hosts, hours FROM (
        SELECT host_id, rollup_hour(ts) AS hour FROM events WHERE ts >= rollup_hour(range_from) AND ts < range_to
        UNION
        SELECT host_id, rollup_hour(ts) FROM otlp_metrics WHERE ts >= rollup_hour(range_from) AND ts < range_to
        UNION
        SELECT host_id, bucket FROM rollup_events
        WHERE width = 'hour' AND bucket >= rollup_hour(range_from) AND bucket < range_to
        UNION
        SELECT host_id, bucket FROM rollup_metrics
        WHERE width = 'hour' AND bucket >= rollup_hour(range_from) AND bucket < range_to
    ) AS pairs;
    IF hosts IS NULL THEN
        RETURN 0;
    END IF;
    PERFORM rollups_rebuild_hours(hosts, hours);
    RETURN array_length(hosts, 1);
END
$$;

-- Where `collector rollups refresh` starts by default: the oldest raw row (the serving role may not read metric
-- times itself).
CREATE FUNCTION rollups_oldest() RETURNS timestamptz
LANGUAGE sql STABLE SECURITY DEFINER AS $$
    SELECT least((SELECT min(ts) FROM events), (SELECT min(ts) FROM otlp_metrics))
$$;

-- Owner-run functions see only the owner's schema, never a table a caller put first in its search_path.
DO $$
DECLARE
    definer text;
BEGIN
    FOREACH definer IN ARRAY ARRAY['rollup_mark_dirty()', 'rollups_rebuild_hourly(text[], timestamptz[])',
                                   'rollups_rebuild_daily(text[], timestamptz[])',
                                   'rollups_rebuild_sessions(text[], timestamptz[])',
                                   'rollups_rebuild_hours(text[], timestamptz[])', 'rollups_fold(integer)',
                                   'rollups_refresh(timestamptz, timestamptz)', 'rollups_oldest()'] LOOP
        EXECUTE format('ALTER FUNCTION %s SET search_path = %I, pg_temp', definer, current_schema());
        -- Their statements read a few thousand rows by index: compiling them would cost more than running them.
        EXECUTE format('ALTER FUNCTION %s SET jit = off', definer);
        EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', definer);
    END LOOP;
END
$$;

-- What is already stored, folded by the job in its first minutes (newest hours first).
INSERT INTO rollup_dirty (host_id, hour)
SELECT host_id, rollup_hour(ts) FROM events
UNION
SELECT host_id, rollup_hour(ts) FROM otlp_metrics;

DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'grafana_reader') THEN
        GRANT SELECT ON rollup_events, rollup_event_dims, rollup_metrics, rollup_sessions, rollup_dirty TO grafana_reader;
    END IF;
END
$$;

-- The collector's rollup job and `collector rollups refresh`.
GRANT EXECUTE ON FUNCTION rollups_fold(integer), rollups_refresh(timestamptz, timestamptz), rollups_oldest()
    TO collector_writer;

-- A fleet's telemetry for scripts/bench-read, generated inside PostgreSQL, ending now() so that every dashboard
-- range (6 h to 30 d) and the alert rules find data. Run by psql, as the tables' owner, on a migrated database, with:
--   hosts, days, sessions (per host and day), events (per session), points (OTLP points per Claude Code session),
--   transcripts (how many), transcript_kb (about how large each is, as text)
-- Deterministic: the same knobs give the same rows (setseed), apart from the moment now() they end at.
--
-- The shape follows what the collector stores from real agents: sessions of about half an hour (an event every
-- 30 s), 70% of them Claude Code (hook calls and its OTLP log events, with cost and success attributes, and metric
-- points: delta sums of cost, four token types and lines of code), the rest other agents (tool-approve and
-- code-review, with decisions and latencies). Sessions start at any hour, more of them in working hours.
\set ON_ERROR_STOP on

SELECT setseed(0.42);
-- Index builds and each day's sort in memory rather than in runs on disk, several times faster (generation only).
SET maintenance_work_mem = '512MB';
SET work_mem = '256MB';

-- The events table is filled without its indexes and they are rebuilt the way sql/ defines them: many times faster
-- than maintaining them row by row, and the same indexes (a fresh build is denser than one grown by inserts, which
-- flatters index sizes; the bytes per event below say which it was).
CREATE TEMPORARY TABLE bench_indexes AS
SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename IN ('events', 'otlp_metrics');
SELECT format('DROP INDEX %I', indexname) FROM bench_indexes \gexec

-- The partitions of the days generated (migration 012), as the collector would have created them day by day.
SELECT telemetry_partitions_create(t, now() - make_interval(days => :days + 1), now() + interval '1 day')
FROM unnest(ARRAY['events', 'otlp_metrics', 'spans']) AS t;

CREATE TEMPORARY TABLE bench_sessions AS
SELECT d AS day, format('host-%s', lpad(h::text, 3, '0')) AS host_id,
       md5(format('session %s %s %s', h, d, s)) AS session_id,
       -- Day d back from now, at an hour weighted towards 8-18 h, ending before now.
       now() - make_interval(days => d) - make_interval(secs => (CASE WHEN random() < 0.7 THEN 6 + random() * 10
                                                                 ELSE random() * 24 END) * 3600)
           - interval '31 minutes' AS started,
       (ARRAY['claude-code', 'claude-code', 'claude-code', 'claude-code', 'claude-code', 'claude-code', 'claude-code',
              'tool-approve', 'tool-approve', 'code-review'])[1 + floor(random() * 10)::int] AS agent_name,
       (ARRAY['haiku', 'sonnet', 'sonnet', 'opus'])[1 + floor(random() * 4)::int] AS model_tier,
       format('/home/dev%s/project-%s', h, floor(random() * 8)::int) AS cwd
FROM generate_series(1, :hosts) AS h
CROSS JOIN generate_series(0, :days - 1) AS d
CROSS JOIN generate_series(1, :sessions) AS s;

-- One day at a time, oldest first, each in time order: rows lie on disk in about the order the collector would have
-- written them, which is what the BRIN indexes on ts rely on (rows in host and session order would defeat them).
SELECT format($insert$
INSERT INTO events (host_id, session_id, event_type, ts, agent_name, decision, decision_reason, tool_name, latency_ms,
                    model_tier, event_id, attributes, received_at)
SELECT s.host_id, s.session_id, e.event_type, e.ts, s.agent_name,
       CASE WHEN s.agent_name <> 'claude-code' THEN e.decision END,
       CASE WHEN s.agent_name <> 'claude-code' AND e.decision = 'DENIED' THEN 'Writes outside the project' END,
       e.tool_name,
       CASE WHEN e.event_type IN ('claude_code.api_request', 'claude_code.tool_result', 'agent_execution', 'PostToolUse')
            THEN (20 + 3000 * random() ^ 3)::int END,
       CASE WHEN s.agent_name <> 'claude-code' OR e.event_type = 'claude_code.api_request' THEN s.model_tier END,
       -- A UUIDv7's text length, unique per host as the collector makes it.
       substr(md5(s.session_id || e.n), 1, 36),
       CASE WHEN e.event_type = 'claude_code.api_request'
                THEN jsonb_build_object('cost_usd', round((random() * 0.05)::numeric, 5), 'input_tokens',
                                        floor(random() * 4000)::int, 'output_tokens', floor(random() * 800)::int,
                                        'model', 'claude-' || s.model_tier || '-4-5')
            WHEN e.event_type = 'claude_code.tool_result'
                THEN jsonb_build_object('success', CASE WHEN random() < 0.93 THEN 'true' ELSE 'false' END,
                                        'duration_ms', floor(random() * 2000)::int)
            ELSE jsonb_build_object('cwd', s.cwd, 'sequence', e.n) END,
       e.ts + interval '1 second'
FROM bench_sessions AS s
CROSS JOIN LATERAL (
    SELECT n, s.started + make_interval(secs => n * 30 + random() * 25) AS ts,
           CASE WHEN s.agent_name = 'claude-code'
                THEN (ARRAY['PreToolUse', 'PostToolUse', 'claude_code.api_request', 'claude_code.tool_result',
                            'claude_code.api_request', 'UserPromptSubmit', 'PreToolUse', 'PostToolUse',
                            'claude_code.tool_result', 'Stop'])[1 + floor(random() * 10)::int]
                ELSE (ARRAY['agent_execution', 'agent_execution', 'agent_execution', 'agent_execution',
                            'agent_execution', 'agent_execution', 'agent_execution', 'agent_execution',
                            'agent_execution', 'tool_error'])[1 + floor(random() * 10)::int] END AS event_type,
           (ARRAY['APPROVED', 'APPROVED', 'APPROVED', 'APPROVED', 'allow', 'allow', 'DENIED', 'ask'])[1 + floor(random() * 8)::int]
               AS decision,
           (ARRAY['Bash', 'Bash', 'Read', 'Read', 'Edit', 'Edit', 'Grep', 'Write', 'WebFetch', NULL])[1 + floor(random() * 10)::int]
               AS tool_name
    FROM generate_series(1, %2$s) AS n
) AS e
WHERE s.day = %1$s
ORDER BY e.ts
$insert$, day, :events), format($insert$
INSERT INTO otlp_metrics (host_id, session_id, name, kind, unit, temporality, is_monotonic, start_ts, ts, value,
                          attributes, resource, point_id, received_at)
SELECT s.host_id, s.session_id, m.name, 'sum', m.unit, 'delta', true,
       s.started + make_interval(secs => (p / 7) * 240), s.started + make_interval(secs => (p / 7 + 1) * 240),
       m.scale * random(),
       jsonb_build_object('session.id', s.session_id, 'model', 'claude-' || s.model_tier || '-4-5',
                          'user.id', md5(s.host_id), 'terminal.type', 'vscode')
           || CASE WHEN m.type IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('type', m.type) END,
       jsonb_build_object('service.name', 'claude-code', 'service.version', '2.0.14', 'host.name', s.host_id),
       md5(s.session_id || p), s.started + make_interval(secs => (p / 7 + 1) * 240 + 1)
FROM bench_sessions AS s
CROSS JOIN generate_series(0, %2$s - 1) AS p
CROSS JOIN LATERAL (VALUES (0, 'claude_code.cost.usage', 'USD', NULL, 0.2),
                           (1, 'claude_code.token.usage', 'tokens', 'input', 20000),
                           (2, 'claude_code.token.usage', 'tokens', 'output', 4000),
                           (3, 'claude_code.token.usage', 'tokens', 'cacheRead', 80000),
                           (4, 'claude_code.token.usage', 'tokens', 'cacheCreation', 10000),
                           (5, 'claude_code.lines_of_code.count', NULL, 'added', 60),
                           (6, 'claude_code.lines_of_code.count', NULL, 'removed', 20)) AS m(kind, name, unit, type, scale)
WHERE s.day = %1$s AND s.agent_name = 'claude-code' AND m.kind = p %% 7
ORDER BY 9
$insert$, day, :points)
FROM generate_series(:days - 1, 0, -1) AS day \gexec

-- A partitioned table's definition reads ON ONLY, which would make the index of the parent alone.
SELECT replace(indexdef, ' ON ONLY ', ' ON ') FROM bench_indexes \gexec

-- Transcripts of the latest sessions (Claude Code's JSONL as an array of entries of about 1 kB; text repeats a
-- little, as prose and code do, so TOAST compresses it somewhat, not entirely).
INSERT INTO transcripts (host_id, session_id, agent_name, transcript, metadata, size_bytes, received_at, created_at,
                         updated_at)
SELECT s.host_id, s.session_id, s.agent_name,
       (SELECT jsonb_agg(jsonb_build_object(
                   'type', CASE WHEN k % 2 = 0 THEN 'user' ELSE 'assistant' END,
                   'timestamp', s.started + make_interval(secs => k * 60),
                   'message', jsonb_build_object('role', CASE WHEN k % 2 = 0 THEN 'user' ELSE 'assistant' END,
                                                 'content', (SELECT string_agg(md5(s.session_id || k || w), ' ')
                                                             FROM generate_series(1, 14) AS w)
                                                            || repeat(' the build passes', 20))))
        FROM generate_series(1, :transcript_kb) AS k),
       jsonb_build_object('cwd', s.cwd, 'source', 'hook'), :transcript_kb * 1024,
       s.started + interval '31 minutes', s.started, s.started + interval '31 minutes'
FROM (SELECT * FROM bench_sessions ORDER BY started DESC LIMIT :transcripts) AS s;

-- The rollups (sql/015_rollups.sql): every insert above marked its (host, hour) pairs; rebuilding them a day at a
-- time, as `collector rollups refresh` does, reads each day's rows once (the job's batches read them by index).
SELECT rollups_refresh(d, d + interval '24 hours')
FROM generate_series(rollup_day(now()) - make_interval(days => :days + 2), now(), interval '24 hours') AS d;
SELECT rollups_fold(1000);

VACUUM (ANALYZE) events;
VACUUM (ANALYZE) otlp_metrics;
VACUUM (ANALYZE) transcripts;
VACUUM (ANALYZE) rollup_events;
VACUUM (ANALYZE) rollup_event_dims;
VACUUM (ANALYZE) rollup_metrics;
VACUUM (ANALYZE) rollup_sessions;
VACUUM (ANALYZE) rollup_dirty;

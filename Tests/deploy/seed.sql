-- Telemetry for the deploy tests, relative to now() so that a dashboard's default range and the alert rules see it.
-- laptop:      busy over the last 6 hours, four sessions, all kinds of decisions, agents and tiers.
-- ci-runner:   steady for hours, then mostly denied or failing in the last 10 minutes (the deny/error rate alert).
-- o'neil-mac:  a host and an agent whose names carry a quote (variable quoting).
-- desktop:     silent for two days (the silent-host panel and alert).
-- retired:     silent for 40 days: too long ago to count as a host that went silent.

INSERT INTO events (host_id, session_id, event_type, ts, agent_name, decision, decision_reason, tool_name,
                    latency_ms, model_tier, event_id, attributes)
SELECT 'laptop',
       'laptop-session-' || (i % 4),
       (ARRAY['agent_execution', 'PreToolUse', 'PostToolUse', 'UserPromptSubmit', 'tool_error'])[1 + i % 5],
       now() - make_interval(secs => i * 36),
       (ARRAY['tool-approve', 'code-review', NULL])[1 + i % 3],
       (ARRAY['APPROVED', 'DENIED', 'allow', 'ask', 'approved', NULL, 'allow'])[1 + i % 7],
       CASE WHEN i % 7 = 1 THEN 'Writes outside the project' END,
       (ARRAY['Bash', 'Read', 'Edit', 'WebFetch', 'Grep', NULL])[1 + i % 6],
       CASE WHEN i % 8 <> 0 THEN 20 + (i * 37) % 900 END,
       (ARRAY['haiku', 'sonnet', 'opus', NULL])[1 + i % 4],
       'laptop-' || i,
       jsonb_build_object('cwd', '/home/dev/project', 'sequence', i)
FROM generate_series(0, 599) AS i;

INSERT INTO events (host_id, session_id, event_type, ts, agent_name, decision, tool_name, latency_ms, model_tier, event_id)
SELECT 'ci-runner', 'ci-build-' || (i / 40), 'agent_execution', now() - interval '15 minutes' - make_interval(mins => i * 3),
       'tool-approve', 'APPROVED', 'Bash', 100 + i % 50, 'haiku', 'ci-old-' || i
FROM generate_series(0, 99) AS i;

INSERT INTO events (host_id, session_id, event_type, ts, agent_name, decision, decision_reason, tool_name, latency_ms,
                    model_tier, event_id)
SELECT 'ci-runner', 'ci-build-now',
       CASE WHEN i % 4 = 0 THEN 'tool_error' ELSE 'agent_execution' END,
       now() - make_interval(secs => i * 10),
       'tool-approve',
       CASE WHEN i % 5 = 0 THEN 'APPROVED' WHEN i % 2 = 0 THEN 'deny' ELSE 'DENIED' END,
       'Not on the allow list', 'Bash', 200 + i, 'haiku', 'ci-now-' || i
FROM generate_series(0, 59) AS i;

INSERT INTO events (host_id, session_id, event_type, ts, agent_name, decision, tool_name, latency_ms, model_tier, event_id)
SELECT 'o''neil-mac', 'mac-session', 'agent_execution', now() - make_interval(mins => i * 6), 'o''brien''s agent',
       'APPROVED', 'Read', 40 + i, 'sonnet', 'mac-' || i
FROM generate_series(0, 29) AS i;

INSERT INTO events (host_id, session_id, event_type, ts, agent_name, decision, tool_name, latency_ms, model_tier, event_id)
SELECT 'desktop', 'desktop-session', 'agent_execution', now() - interval '2 days' - make_interval(mins => i * 3),
       'code-review', 'APPROVED', 'Edit', 300, 'opus', 'desktop-' || i
FROM generate_series(0, 19) AS i;

INSERT INTO events (host_id, session_id, event_type, ts, agent_name, event_id)
SELECT 'retired', 'retired-session', 'agent_execution', now() - interval '40 days' - make_interval(mins => i),
       'tool-approve', 'retired-' || i
FROM generate_series(0, 4) AS i;

INSERT INTO transcripts (host_id, session_id, agent_name, transcript, metadata, size_bytes, created_at, updated_at)
SELECT 'laptop', 'laptop-session-' || s, 'tool-approve',
       jsonb_build_array(
           jsonb_build_object('type', 'user', 'timestamp', now() - interval '50 minutes',
                              'message', jsonb_build_object('role', 'user', 'content', 'run echo hello')),
           jsonb_build_object('type', 'assistant', 'timestamp', now() - interval '49 minutes',
                              'message', jsonb_build_object('role', 'assistant', 'content', 'hello'))),
       '{"source": "hook"}', 2048 + s * 512, now() - interval '5 hours', now() - make_interval(mins => 10 + s)
FROM generate_series(0, 3) AS s;

INSERT INTO transcripts (host_id, session_id, agent_name, transcript, size_bytes, created_at, updated_at) VALUES
    ('ci-runner', 'ci-build-now', 'tool-approve', '[{"type": "user", "message": "build"}]', 120,
     now() - interval '10 minutes', now() - interval '1 minute'),
    ('o''neil-mac', 'mac-session', 'o''brien''s agent', '{"summary": "not an array"}', 64,
     now() - interval '3 hours', now() - interval '2 hours'),
    ('desktop', 'desktop-session', 'code-review', '[]', 2, now() - interval '2 days', now() - interval '2 days');

-- Claude Code on laptop: OTLP metrics (delta sums, as Claude Code sends them), its log events and hook calls.
INSERT INTO otlp_metrics (host_id, session_id, name, kind, unit, temporality, is_monotonic, start_ts, ts, value,
                          attributes, resource, point_id)
SELECT 'laptop', 'laptop-session-' || (i % 4), m.name, 'sum', m.unit, 'delta', true,
       now() - make_interval(mins => i * 10 + 1), now() - make_interval(mins => i * 10), m.value,
       jsonb_build_object('session.id', 'laptop-session-' || (i % 4), 'model', (ARRAY['claude-sonnet-4-5', 'claude-haiku-4-5'])[1 + i % 2])
           || CASE WHEN m.type IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('type', m.type) END,
       '{"service.name": "claude-code", "host": "laptop"}', 'seed-' || i || '-' || m.name || '-' || coalesce(m.type, '')
FROM generate_series(0, 29) AS i
CROSS JOIN (VALUES ('claude_code.cost.usage', 'USD', NULL, 0.012),
                   ('claude_code.token.usage', 'tokens', 'input', 1200),
                   ('claude_code.token.usage', 'tokens', 'output', 300),
                   ('claude_code.token.usage', 'tokens', 'cacheRead', 5000),
                   ('claude_code.token.usage', 'tokens', 'cacheCreation', 800),
                   ('claude_code.lines_of_code.count', NULL, 'added', 12),
                   ('claude_code.lines_of_code.count', NULL, 'removed', 3),
                   ('claude_code.session.count', NULL, NULL, 1)) AS m(name, unit, type, value);

INSERT INTO events (host_id, session_id, event_type, ts, agent_name, tool_name, latency_ms, model_tier, event_id, attributes)
SELECT 'laptop', 'laptop-session-' || (i % 4),
       (ARRAY['claude_code.api_request', 'claude_code.tool_result', 'PreToolUse', 'PostToolUse', 'UserPromptSubmit'])[1 + i % 5],
       now() - make_interval(secs => i * 90), 'claude-code',
       CASE WHEN i % 5 IN (1, 2, 3) THEN (ARRAY['Bash', 'Read', 'Edit'])[1 + i % 3] END,
       CASE WHEN i % 5 IN (0, 1, 3) THEN 50 + (i * 37) % 2000 END,
       CASE WHEN i % 5 = 0 THEN 'claude-sonnet-4-5' END,
       'claude-' || i,
       CASE WHEN i % 5 = 0 THEN jsonb_build_object('cost_usd', 0.004, 'input_tokens', 1200)
            WHEN i % 5 = 1 THEN jsonb_build_object('success', CASE WHEN i % 7 = 1 THEN 'false' ELSE 'true' END)
            ELSE '{}'::jsonb END
FROM generate_series(0, 199) AS i;

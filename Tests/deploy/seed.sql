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

-- Claude Code on laptop, as 2.1.33x sends them: api_request events naming their model, skill (`skill.name`) and
-- agent (`agent.name`) where one is active, api_error events (status_code, duration_ms), and the
-- claude_code.code_edit_tool.decision counter (decision, source, tool_name, language). All older than 15 minutes,
-- so that the deny/error rate alert still finds ci-runner alone.
INSERT INTO events (host_id, session_id, event_type, ts, agent_name, latency_ms, model_tier, event_id, attributes)
SELECT 'laptop', 'laptop-session-' || (i % 4), 'claude_code.api_request', now() - interval '20 minutes' - make_interval(mins => i * 10),
       'claude-code', m.latency, m.model, 'cc-request-' || i || '-' || m.model,
       jsonb_build_object('model', m.model, 'cost_usd', m.cost, 'duration_ms', m.latency, 'input_tokens', 100,
                          'output_tokens', 20)
           || CASE WHEN i % 3 = 0 THEN jsonb_build_object('skill.name', 'pdf') ELSE '{}' END
           || CASE WHEN i % 2 = 0 THEN jsonb_build_object('agent.name', 'code-reviewer') ELSE '{}' END
FROM generate_series(0, 5) AS i
CROSS JOIN (VALUES ('claude-sonnet-4-5-20250929', 0.03, 1000), ('claude-haiku-4-5-20251001', 0.01, 200)) AS m(model, cost, latency);

INSERT INTO events (host_id, session_id, event_type, ts, agent_name, latency_ms, model_tier, event_id, attributes)
SELECT 'laptop', 'laptop-session-1', 'claude_code.api_error', now() - interval '25 minutes' - make_interval(mins => i * 10),
       'claude-code', 3000, 'claude-sonnet-4-5-20250929', 'cc-error-' || i,
       jsonb_build_object('model', 'claude-sonnet-4-5-20250929', 'error', 'Overloaded', 'status_code', '529',
                          'duration_ms', 3000, 'attempt', 1)
FROM generate_series(0, 1) AS i;

INSERT INTO otlp_metrics (host_id, session_id, name, kind, temporality, is_monotonic, start_ts, ts, value, attributes,
                          resource, point_id)
SELECT 'laptop', 'laptop-session-2', 'claude_code.code_edit_tool.decision', 'sum', 'delta', true,
       now() - make_interval(mins => 31 + i), now() - make_interval(mins => 30 + i), d.value,
       jsonb_build_object('session.id', 'laptop-session-2', 'decision', d.decision, 'source', d.source,
                          'tool_name', d.tool, 'language', 'Python'),
       '{"service.name": "claude-code", "host": "laptop"}', 'edit-' || i || '-' || d.tool || '-' || d.decision
FROM generate_series(0, 1) AS i
CROSS JOIN (VALUES ('Edit', 'accept', 'config', 3), ('Edit', 'reject', 'user_reject', 1),
                   ('Write', 'accept', 'user_temporary', 2)) AS d(tool, decision, source, value);

-- Spans. Trace 4bf9... (laptop, Claude Code, OTLP): an interaction with two LLM requests (the first with the cost
-- Claude Code stated, the second priced from model_prices) and a failed Bash tool call with its two children;
-- inserted out of order. Trace 5a1c... (ci-runner, an OTel GenAI app): an agent, a priced chat, a tool, a chat on a
-- model model_prices does not know, and a span whose parent never arrived. Trace 7d2e... (laptop): a chat on an
-- unknown model and one that names no model. Run 9e8f... (o'neil-mac, LangSmith): a chain with an LLM run, a failed
-- tool run and a run still open. Trace 0ld0... (desktop): two days ago. Operations as the collector normalises them.
-- In a block: test_upgrade seeds the released schema, which has no spans table yet.
DO $$
BEGIN
    IF to_regclass('spans') IS NULL THEN
        RETURN;
    END IF;
    INSERT INTO spans (host_id, trace_id, span_id, parent_span_id, name, kind, start_ts, end_ts, duration_ms, status_code,
                       status_message, service_name, session_id, source, operation, model_request, model_response,
                       tool_name, input_tokens, output_tokens, cache_read_tokens, cache_creation_tokens, cost_usd, run_type,
                       attributes)
    SELECT s.host_id, s.trace_id, s.span_id, s.parent, s.name, s.kind,
           now() - s.minutes_ago * interval '1 minute' + s.offset_ms * interval '1 millisecond',
           now() - s.minutes_ago * interval '1 minute' + (s.offset_ms + s.duration_ms) * interval '1 millisecond',
           s.duration_ms, s.status, s.message, s.service, s.session, s.source, s.operation, s.model_request,
           s.model_response, s.tool, s.input_tokens, s.output_tokens, s.cache_read, NULL, s.cost, s.run_type, '{}'
    FROM (VALUES
        ('laptop', '4bf92f3577b34da6a3ce929d0e0e4736', 'a6000000000000a6', 'a1000000000000a1', 'claude_code.llm_request', 'client', 30, 7300, 1500, 'ok', NULL, 'claude-code', 'laptop-session-1', 'otlp', 'chat', 'claude-sonnet-4-5', 'claude-sonnet-4-5-20250929', NULL, 1500, 300, NULL, NULL, NULL),
        ('laptop', '4bf92f3577b34da6a3ce929d0e0e4736', 'a5000000000000a5', 'a3000000000000a3', 'claude_code.tool.execution', 'internal', 30, 3400, 3500, 'error', 'exit code 1', 'claude-code', 'laptop-session-1', 'otlp', 'other', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
        ('laptop', '4bf92f3577b34da6a3ce929d0e0e4736', 'a1000000000000a1', NULL, 'claude_code.interaction', 'internal', 30, 0, 9000, 'ok', NULL, 'claude-code', 'laptop-session-1', 'otlp', 'agent', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
        ('laptop', '4bf92f3577b34da6a3ce929d0e0e4736', 'a3000000000000a3', 'a1000000000000a1', 'claude_code.tool', 'internal', 30, 2200, 5000, 'error', 'exit code 1', 'claude-code', 'laptop-session-1', 'otlp', 'tool', NULL, NULL, 'Bash', NULL, NULL, NULL, NULL, NULL),
        ('laptop', '4bf92f3577b34da6a3ce929d0e0e4736', 'a4000000000000a4', 'a3000000000000a3', 'claude_code.tool.blocked_on_user', 'internal', 30, 2300, 1000, 'unset', NULL, 'claude-code', 'laptop-session-1', 'otlp', 'other', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
        ('laptop', '4bf92f3577b34da6a3ce929d0e0e4736', 'a2000000000000a2', 'a1000000000000a1', 'claude_code.llm_request', 'client', 30, 100, 2000, 'ok', NULL, 'claude-code', 'laptop-session-1', 'otlp', 'chat', 'claude-sonnet-4-5', 'claude-sonnet-4-5-20250929', NULL, 1000, 200, 5000, 0.01, NULL),
        ('ci-runner', '5a1c0de5a1c0de5a1c0de5a1c0de5a1c', 'b1000000000000b1', NULL, 'invoke_agent triage', 'internal', 20, 0, 4000, 'ok', NULL, 'support-bot', 'ticket-42', 'otlp', 'agent', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
        ('ci-runner', '5a1c0de5a1c0de5a1c0de5a1c0de5a1c', 'b2000000000000b2', 'b1000000000000b1', 'chat gpt-4o-mini', 'client', 20, 50, 1200, 'ok', NULL, 'support-bot', 'ticket-42', 'otlp', 'chat', 'gpt-4o-mini', 'gpt-4o-mini-2024-07-18', NULL, 2000, 500, NULL, NULL, NULL),
        ('ci-runner', '5a1c0de5a1c0de5a1c0de5a1c0de5a1c', 'b3000000000000b3', 'b1000000000000b1', 'execute_tool lookup_order', 'internal', 20, 1300, 300, 'ok', NULL, 'support-bot', 'ticket-42', 'otlp', 'tool', NULL, NULL, 'lookup_order', NULL, NULL, NULL, NULL, NULL),
        ('ci-runner', '5a1c0de5a1c0de5a1c0de5a1c0de5a1c', 'b4000000000000b4', 'b1000000000000b1', 'chat my-local-model', 'client', 20, 1700, 2200, 'ok', NULL, 'support-bot', 'ticket-42', 'otlp', 'chat', 'my-local-model', NULL, NULL, 800, 100, NULL, NULL, NULL),
        ('ci-runner', '5a1c0de5a1c0de5a1c0de5a1c0de5a1c', 'b5000000000000b5', 'b9000000000000b9', 'retrieve', 'internal', 20, 1000, 100, 'ok', NULL, 'support-bot', 'ticket-42', 'otlp', 'retriever', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
        ('laptop', '7d2e7d2e7d2e7d2e7d2e7d2e7d2e7d2e', 'c1000000000000c1', NULL, 'chat llama-3-8b', 'client', 40, 0, 600, 'ok', NULL, 'local-agent', NULL, 'otlp', 'chat', 'llama-3-8b', NULL, NULL, 300, 30, NULL, NULL, NULL),
        ('laptop', '7d2e7d2e7d2e7d2e7d2e7d2e7d2e7d2e', 'c2000000000000c2', 'c1000000000000c1', 'chat', 'client', 40, 100, 400, 'ok', NULL, 'local-agent', NULL, 'otlp', 'chat', NULL, NULL, NULL, 10, 5, NULL, NULL, NULL),
        ('o''neil-mac', '9e8f0a1b-2c3d-4e5f-8a9b-0c1d2e3f4a5b', '9e8f0a1b-2c3d-4e5f-8a9b-0c1d2e3f4a5b', NULL, 'RunnableSequence', NULL, 10, 0, 3000, 'ok', NULL, 'o''brien''s project', 'thread-7', 'langsmith', 'chain', NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'chain'),
        ('o''neil-mac', '9e8f0a1b-2c3d-4e5f-8a9b-0c1d2e3f4a5b', '1f2e3d4c-0000-4000-8000-000000000002', '9e8f0a1b-2c3d-4e5f-8a9b-0c1d2e3f4a5b', 'ChatOpenAI', NULL, 10, 200, 1800, 'ok', NULL, 'o''brien''s project', 'thread-7', 'langsmith', 'chat', 'gpt-4o', NULL, NULL, 100, 50, NULL, NULL, 'llm'),
        ('o''neil-mac', '9e8f0a1b-2c3d-4e5f-8a9b-0c1d2e3f4a5b', '1f2e3d4c-0000-4000-8000-000000000003', '9e8f0a1b-2c3d-4e5f-8a9b-0c1d2e3f4a5b', 'search', NULL, 10, 2100, 700, 'error', 'TimeoutError: search took too long', 'o''brien''s project', 'thread-7', 'langsmith', 'tool', NULL, NULL, 'search', NULL, NULL, NULL, NULL, 'tool'),
        ('desktop', '0ld00ld00ld00ld00ld00ld00ld00ld0', 'd1000000000000d1', NULL, 'claude_code.interaction', 'internal', 2880, 0, 1000, 'ok', NULL, 'claude-code', 'desktop-session', 'otlp', 'agent', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)
    ) AS s(host_id, trace_id, span_id, parent, name, kind, minutes_ago, offset_ms, duration_ms, status, message, service,
           session, source, operation, model_request, model_response, tool, input_tokens, output_tokens, cache_read, cost,
           run_type);

    -- A LangSmith run posted and not yet patched: no end, no duration.
    INSERT INTO spans (host_id, trace_id, span_id, parent_span_id, name, start_ts, service_name, session_id, source,
                       operation, run_type)
    VALUES ('o''neil-mac', '9e8f0a1b-2c3d-4e5f-8a9b-0c1d2e3f4a5b', '1f2e3d4c-0000-4000-8000-000000000004',
            '9e8f0a1b-2c3d-4e5f-8a9b-0c1d2e3f4a5b', 'StrOutputParser', now() - interval '10 minutes' + interval '2900 milliseconds',
            'o''brien''s project', 'thread-7', 'langsmith', 'other', 'parser');
END
$$;

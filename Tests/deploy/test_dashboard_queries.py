"""Every dashboard query, expanded as Grafana expands it, run by grafana_reader against the migrated, seeded database.

Each query must run, return the columns its panel is built on, with types Grafana can draw, and (with the seeded
telemetry in the default six hours) return rows. Seeded data: Tests/deploy/seed.sql.
"""
from datetime import timedelta

import pytest

import grafana_files as gf
from grafana_sql import TimeRange, Variable, expand

DASHBOARDS = gf.dashboards()
NUMERIC = {"smallint", "integer", "bigint", "numeric", "real", "double precision"}
TIMESTAMP = {"timestamp with time zone", "timestamp without time zone"}
TEXT = {"text", "character varying"}
ALL = ["$__all"]
# The seeded traces (seed.sql).
CLAUDE_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
GENAI_TRACE = "5a1c0de5a1c0de5a1c0de5a1c0de5a1c"
LANGSMITH_TRACE = "9e8f0a1b-2c3d-4e5f-8a9b-0c1d2e3f4a5b"
TRACES_ALL = {"host": ALL, "service": ALL, "model": ALL, "session": ALL}

# The columns each panel is built on: field names in links and overrides, a bar chart's x field, series names.
EXPECTED_COLUMNS = {
    ("agent-overview", "Events"): ["events"],
    ("agent-overview", "Active sessions"): ["active_sessions"],
    ("agent-overview", "Denied"): ["denied_share"],
    ("agent-overview", "Errors"): ["errors"],
    ("agent-overview", "Hosts reporting"): ["hosts"],
    ("agent-overview", "Events by host"): ["time", "metric", "events"],
    ("agent-overview", "Decisions"): ["time", "approved", "denied", "other"],
    ("agent-overview", "Latency percentiles"): ["time", "p50", "p95", "p99"],
    ("agent-overview", "Sessions"): ["time", "sessions"],
    ("agent-overview", "Latency by agent"): ["agent", "p50", "p95", "p99"],
    ("agent-overview", "Latency by tool"): ["tool", "p50", "p95", "p99"],
    ("agent-overview", "Top tools"): ["tool", "calls"],
    ("agent-overview", "Model tier mix"): ["tier", "events"],
    ("agent-overview", "Hosts gone silent"): ["host", "last_event", "silent_for"],
    ("agent-overview", "Recent events"): ["time", "host", "session", "agent", "event_type", "tool", "decision",
                                          "reason", "latency_ms", "model_tier"],
    ("agent-overview", "Transcripts"): ["host", "session", "agent", "size", "created", "last_update"],
    ("session-timeline", "Events"): ["events"],
    ("session-timeline", "Denied"): ["denied"],
    ("session-timeline", "Errors"): ["errors"],
    ("session-timeline", "Duration"): ["duration"],
    ("session-timeline", "Tools"): ["tools"],
    ("session-timeline", "Transcript size"): ["transcript_size"],
    ("session-timeline", "Events over time"): ["time", "metric", "events"],
    ("session-timeline", "Timeline"): ["time", "event_type", "agent", "tool", "decision", "reason", "latency_ms",
                                       "model_tier", "event_id", "attributes"],
    ("session-timeline", "Transcript"): ["entry", "type", "timestamp", "content"],
    ("claude-code", "Cost"): ["cost"],
    ("claude-code", "Tokens"): ["tokens"],
    ("claude-code", "Sessions"): ["sessions"],
    ("claude-code", "API requests"): ["api_requests"],
    ("claude-code", "Tool success"): ["success_rate"],
    ("claude-code", "Lines changed"): ["lines"],
    ("claude-code", "Cost by model"): ["time", "metric", "cost"],
    ("claude-code", "Tokens by type"): ["time", "metric", "tokens"],
    ("claude-code", "Cost and tokens by host and model"): ["host", "model", "cost", "input_tokens", "output_tokens",
                                                           "cache_read_tokens", "cache_creation_tokens"],
    ("claude-code", "API latency"): ["time", "p50", "p95", "max"],
    ("claude-code", "Tool success by tool"): ["tool", "success_rate"],
    ("claude-code", "Lines of code"): ["time", "metric", "lines"],
    ("claude-code", "Hook calls"): ["time", "metric", "calls"],
    ("claude-code", "Recent sessions"): ["host", "session", "started", "last_seen", "api_requests", "cost", "tool_runs"],
    ("claude-code", "API error rate by model"): ["time", "metric", "error_rate"],
    ("claude-code", "API latency by model"): ["time", "metric", "latency_ms"],
    ("claude-code", "API requests by model"): ["model", "requests", "errors", "error_percent", "p50_ms", "p95_ms"],
    ("claude-code", "Edit acceptance by tool"): ["tool", "accepted", "rejected", "acceptance_percent"],
    ("claude-code", "Cost by skill"): ["skill", "api_requests", "cost"],
    ("claude-code", "Cost by agent"): ["agent", "api_requests", "cost"],
    ("claude-code", "Sessions and their traces"): ["host", "session", "started", "last_seen", "traces", "spans",
                                                   "span_errors"],
    ("traces", "Recent traces"): ["time", "trace_id", "root", "service", "host", "duration_ms", "spans", "tokens", "cost",
                                  "pricing", "errors"],
    ("traces", "Trace"): ["traceID", "spanID", "parentSpanID", "operationName", "serviceName", "startTime", "duration",
                          "statusCode", "statusMessage"],
    ("traces", "Trace spans"): ["start", "span", "depth", "offset_ms", "duration_ms", "operation", "service", "model",
                                "tool", "input_tokens", "output_tokens", "cost", "status", "status_message",
                                "span_id", "parent_span_id"],
    ("traces", "LLM latency by model"): ["time", "metric", "latency_ms"],
    ("traces", "LLM tokens by model"): ["time", "metric", "tokens"],
    ("traces", "LLM calls by model"): ["model", "calls", "p50_ms", "p95_ms", "input_tokens", "output_tokens",
                                       "cache_read_tokens", "cache_creation_tokens", "cost", "errors"],
    ("traces", "Tool calls by name"): ["tool", "calls", "errors", "error_percent", "p95_ms"],
    ("traces", "Slowest spans"): ["start", "duration_ms", "name", "service", "host", "operation", "model", "tool",
                                  "status", "trace_id"],
}

# What a viewer may select. The first scenario of each dashboard is its default view and must show data everywhere.
SCENARIOS = {
    "agent-overview": [
        ("all hosts and agents", {"host": ALL, "agent": ALL}, 60),
        ("one host", {"host": ["laptop"], "agent": ALL}, 300),
        ("several hosts and agents", {"host": ["laptop", "ci-runner"], "agent": ["tool-approve", "code-review"]}, 60),
        ("names with quotes", {"host": ["o'neil-mac"], "agent": ["o'brien's agent"]}, 60),
    ],
    "claude-code": [
        ("all hosts", {"host": ALL}, 60),
        ("one host", {"host": ["laptop"]}, 300),
        ("names with quotes", {"host": ["o'neil-mac"]}, 60),
    ],
    "traces": [
        ("all hosts, the Claude Code trace", {**TRACES_ALL, "trace_id": [CLAUDE_TRACE]}, 60),
        ("one host and service", {**TRACES_ALL, "host": ["ci-runner"], "service": ["support-bot"],
                                  "trace_id": [GENAI_TRACE]}, 300),
        ("names with quotes", {**TRACES_ALL, "host": ["o'neil-mac"], "service": ["o'brien's project"],
                               "trace_id": [LANGSMITH_TRACE]}, 60),
        ("a session and a model", {**TRACES_ALL, "session": ["laptop-session-1"],
                                   "model": ["claude-sonnet-4-5-20250929"], "trace_id": [CLAUDE_TRACE]}, 60),
    ],
    "session-timeline": [
        ("a laptop session", {"host": ["laptop"], "session": ["laptop-session-1"]}, 60),
        ("names with quotes", {"host": ["o'neil-mac"], "session": ["mac-session"]}, 300),
    ],
}


def cases():
    for name, dashboard in DASHBOARDS.items():
        for index, (label, selection, interval) in enumerate(SCENARIOS[name]):
            for panel, target in gf.sql_targets(dashboard):
                yield pytest.param(name, panel, target, selection, interval, index == 0,
                                   id=f"{name}:{panel['title']}:{label}")


def variables_for(dashboard, selection):
    return [Variable.from_dashboard(v, selection[v["name"]]) for v in gf.variables(dashboard)]


def six_hours():
    return TimeRange.last(timedelta(hours=6))


def run_panel(reader_query, dashboard_name, target, selection, interval=60, time_range=None):
    dashboard = DASHBOARDS[dashboard_name]
    sql = expand(target["rawSql"], time_range or six_hours(), variables_for(dashboard, selection), interval)
    return reader_query(sql)


def test_every_sql_panel_has_its_expected_columns_listed():
    listed = {(name, panel["title"]) for name, d in DASHBOARDS.items() for panel, _ in gf.sql_targets(d)}
    assert listed == set(EXPECTED_COLUMNS)


@pytest.mark.parametrize("name, panel, target, selection, interval, default_view", cases())
def test_panel_query_returns_the_columns_its_panel_draws(reader_query, name, panel, target, selection, interval,
                                                         default_view):
    result = run_panel(reader_query, name, target, selection, interval)
    types = dict(result.columns)
    assert result.names == EXPECTED_COLUMNS[(name, panel["title"])]
    assert gf.referenced_fields(panel) <= set(result.names)
    if default_view:
        assert result.rows, "the seeded telemetry should show in the default view"

    if target["format"] == "time_series":
        assert result.names[0] == "time" and types["time"] in NUMERIC | TIMESTAMP
        for column in result.names[1:]:
            assert types[column] in (TEXT if column == "metric" else NUMERIC), column
        times = [float(row[0]) for row in result.rows]
        assert times == sorted(times), "Grafana needs long time series sorted by time"
    elif panel["type"] == "stat":
        assert all(t in NUMERIC for t in types.values())
        assert len(result.rows) == 1
    elif panel["type"] in ("barchart", "bargauge", "piechart"):
        label, *values = result.names
        assert types[label] in TEXT and all(types[v] in NUMERIC for v in values)
    elif "time" in types:
        assert types["time"] in TIMESTAMP


def test_host_variable_lists_hosts_that_reported_in_the_time_range(reader_query):
    overview = DASHBOARDS["agent-overview"]
    host = next(v for v in gf.variables(overview) if v["name"] == "host")
    rows = reader_query(expand(host["query"], six_hours(), [])).rows
    assert [r[0] for r in rows] == ["ci-runner", "laptop", "o'neil-mac"]


def test_agent_variable_follows_the_selected_hosts(reader_query):
    overview = DASHBOARDS["agent-overview"]
    agent = next(v for v in gf.variables(overview) if v["name"] == "agent")
    for hosts, expected in ((ALL, ["claude-code", "code-review", "o'brien's agent", "tool-approve"]),
                            (["laptop"], ["claude-code", "code-review", "tool-approve"]),
                            (["o'neil-mac"], ["o'brien's agent"])):
        variables = variables_for(overview, {"host": hosts, "agent": ALL})
        assert [r[0] for r in reader_query(expand(agent["query"], six_hours(), variables)).rows] == expected


def test_session_timeline_variables_list_every_host_and_its_latest_sessions_first(reader_query):
    timeline = DASHBOARDS["session-timeline"]
    definitions = {v["name"]: v for v in gf.variables(timeline)}
    hosts = reader_query(expand(definitions["host"]["query"], six_hours(), [])).rows
    assert [r[0] for r in hosts] == ["ci-runner", "desktop", "laptop", "o'neil-mac", "retired"]
    for host, expected in (("laptop", ["laptop-session-0", "laptop-session-1", "laptop-session-2",
                                       "laptop-session-3"]),
                           ("o'neil-mac", ["mac-session"])):
        variables = variables_for(timeline, {"host": [host], "session": [""]})
        sessions = reader_query(expand(definitions["session"]["query"], six_hours(), variables)).rows
        assert [r[0] for r in sessions] == expected


def overview_panel(title):
    return next((p, t) for p, t in gf.sql_targets(DASHBOARDS["agent-overview"]) if p["title"] == title)


def count_events(pg, telemetry_db, time_range, where="true"):
    sql = (f"SELECT count(*) FROM events WHERE ts BETWEEN '{time_range.start.isoformat()}' "
           f"AND '{time_range.end.isoformat()}' AND {where}")
    return int(pg.query(sql, telemetry_db, "postgres").rows[0][0])


def test_host_and_agent_filters_narrow_the_counts(pg, telemetry_db, reader_query):
    _, target = overview_panel("Events")
    time_range = six_hours()
    for selection, where in (({"host": ALL, "agent": ALL}, "true"),
                             ({"host": ["laptop"], "agent": ALL}, "host_id = 'laptop'"),
                             ({"host": ["laptop", "ci-runner"], "agent": ["code-review"]},
                              "host_id IN ('laptop', 'ci-runner') AND agent_name = 'code-review'")):
        shown = run_panel(reader_query, "agent-overview", target, selection, time_range=time_range).rows[0][0]
        assert int(shown) == count_events(pg, telemetry_db, time_range, where) > 0, selection


def test_decisions_split_every_decided_event_into_approved_denied_and_other(pg, telemetry_db, reader_query):
    _, target = overview_panel("Decisions")
    time_range = six_hours()
    rows = run_panel(reader_query, "agent-overview", target, {"host": ALL, "agent": ALL},
                     time_range=time_range).rows
    approved, denied, other = (sum(int(r[i]) for r in rows) for i in (1, 2, 3))
    assert approved + denied + other == count_events(pg, telemetry_db, time_range, "decision IS NOT NULL")
    assert approved and denied and other


def test_hosts_gone_silent_lists_the_host_that_stopped_two_days_ago_only(reader_query):
    _, target = overview_panel("Hosts gone silent")
    rows = run_panel(reader_query, "agent-overview", target, {"host": ALL, "agent": ALL}).rows
    assert [r[0] for r in rows] == ["desktop"]
    assert 47 * 3600 < float(rows[0][2]) < 49 * 3600

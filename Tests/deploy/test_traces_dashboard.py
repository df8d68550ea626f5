"""The traces dashboard's answers on the seeded spans (seed.sql): four traces in the default six hours, from Claude Code
(OTLP), an OTel GenAI app, a local model, and LangSmith, plus one two days old. Cost is the sender's cost_usd, else
the tokens at model_prices; a model without a price is "price not configured", never $0."""
from datetime import timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest

import grafana_files as gf
from grafana_sql import TimeRange, expand
from test_dashboard_queries import (CLAUDE_TRACE, GENAI_TRACE, LANGSMITH_TRACE, TRACES_ALL, six_hours,
                                    variables_for)

TRACES = gf.dashboards()["traces"]
LOCAL_TRACE = "7d2e7d2e7d2e7d2e7d2e7d2e7d2e7d2e"


def target(title):
    return next(t for p, t in gf.sql_targets(TRACES) if p["title"] == title)


def panel(title):
    return next(p for p in gf.panels(TRACES) if p["title"] == title)


def rows(reader_query, title, selection=None, time_range=None, interval=60):
    chosen = {**TRACES_ALL, "trace_id": [""], **(selection or {})}
    sql = expand(target(title)["rawSql"], time_range or six_hours(), variables_for(TRACES, chosen), interval)
    result = reader_query(sql)
    return [dict(zip(result.names, row)) for row in result.rows]


def variable_values(reader_query, name, selection=None):
    chosen = {**TRACES_ALL, "trace_id": [""], **(selection or {})}
    definition = next(v for v in gf.variables(TRACES) if v["name"] == name)
    return [r[0] for r in reader_query(expand(definition["query"], six_hours(), variables_for(TRACES, chosen))).rows]


def money(text):
    return None if text is None else Decimal(text)


def test_recent_traces_list_each_trace_newest_first_with_its_root_size_tokens_cost_and_errors(reader_query):
    traces = {r["trace_id"]: r for r in rows(reader_query, "Recent traces")}
    assert list(traces) == [LANGSMITH_TRACE, GENAI_TRACE, CLAUDE_TRACE, LOCAL_TRACE]  # the desktop one is too old
    claude = traces[CLAUDE_TRACE]
    assert (claude["root"], claude["service"], claude["host"]) == ("claude_code.interaction", "claude-code", "laptop")
    assert (int(claude["spans"]), int(claude["tokens"]), int(claude["errors"])) == (6, 3000, 2)
    assert float(claude["duration_ms"]) == 9000
    # 0.01 as Claude Code stated it, plus 1500 input and 300 output tokens at Sonnet's $3 and $15 per million.
    assert money(claude["cost"]) == Decimal("0.019") and claude["pricing"] is None
    langsmith = traces[LANGSMITH_TRACE]
    assert (langsmith["root"], langsmith["service"], langsmith["host"]) == ("RunnableSequence", "o'brien's project",
                                                                           "o'neil-mac")
    # 100 input and 50 output tokens of gpt-4o at $2.50 and $10; the run still open adds a span and no duration.
    assert money(langsmith["cost"]) == Decimal("0.00075")
    assert (int(langsmith["spans"]), int(langsmith["errors"]), float(langsmith["duration_ms"])) == (4, 1, 3000)


def test_a_trace_with_an_unpriced_model_shows_price_not_configured_not_zero(reader_query):
    traces = {r["trace_id"]: r for r in rows(reader_query, "Recent traces")}
    assert traces[GENAI_TRACE]["cost"] is None
    assert traces[GENAI_TRACE]["pricing"] == "price not configured: my-local-model"
    assert traces[LOCAL_TRACE]["cost"] is None
    assert traces[LOCAL_TRACE]["pricing"] == "price not configured: (no model), llama-3-8b"
    assert panel("Recent traces")["fieldConfig"]["defaults"]["noValue"] == "price not configured"
    # Every other column of the list has a value, so the text shows only where the cost is unknown.
    for trace in traces.values():
        assert all(v is not None for k, v in trace.items() if k not in ("cost", "pricing")), trace


def test_llm_calls_by_model_price_known_models_and_name_the_unknown_ones(reader_query):
    models = {r["model"]: r for r in rows(reader_query, "LLM calls by model")}
    assert set(models) == {"claude-sonnet-4-5-20250929", "gpt-4o", "gpt-4o-mini-2024-07-18", "llama-3-8b",
                           "my-local-model", "(no model)"}
    sonnet = models["claude-sonnet-4-5-20250929"]
    assert (int(sonnet["calls"]), int(sonnet["input_tokens"]), int(sonnet["output_tokens"])) == (2, 2500, 500)
    assert int(sonnet["cache_read_tokens"]) == 5000
    assert money(sonnet["cost"]) == Decimal("0.019")
    assert (float(sonnet["p50_ms"]), float(sonnet["p95_ms"])) == (1750, 1975)
    # gpt-4o-mini-2024-07-18 matches 'gpt-4o-mini%' ($0.15 and $0.60), not the shorter 'gpt-4o%'.
    assert money(models["gpt-4o-mini-2024-07-18"]["cost"]) == Decimal("0.0006")
    assert models["my-local-model"]["cost"] is None and models["llama-3-8b"]["cost"] is None
    assert models["(no model)"]["cost"] is None and int(models["(no model)"]["input_tokens"]) == 10
    assert panel("LLM calls by model")["fieldConfig"]["defaults"]["noValue"] == "price not configured"


def test_a_price_row_prices_the_spans_from_its_valid_from_on_in_every_panel(pg, telemetry_db, reader_query):
    # Before the spans of 20 minutes ago: my-local-model's first price, gpt-4o-mini's second (its first stays for
    # earlier spans); llama's first price only from tomorrow.
    pg.run_sql("INSERT INTO model_prices (model_pattern, input_usd_per_mtok, output_usd_per_mtok, valid_from) VALUES "
               "('my-local-model%', 1, 2, now() - interval '1 hour'), "
               "('gpt-4o-mini%', 100, 100, now() - interval '25 minutes'), "
               "('llama-3%', 1, 1, now() + interval '1 day')", telemetry_db, "postgres")
    try:
        models = {r["model"]: r for r in rows(reader_query, "LLM calls by model")}
        assert money(models["my-local-model"]["cost"]) == Decimal("0.001")  # 800 * $1 + 100 * $2 per million
        assert money(models["gpt-4o-mini-2024-07-18"]["cost"]) == Decimal("0.25")  # 2500 tokens at $100
        assert models["llama-3-8b"]["cost"] is None
        traces = {r["trace_id"]: r for r in rows(reader_query, "Recent traces")}
        assert money(traces[GENAI_TRACE]["cost"]) == Decimal("0.251") and traces[GENAI_TRACE]["pricing"] is None
        assert traces[LOCAL_TRACE]["cost"] is None
        spans = rows(reader_query, "Trace spans", {"trace_id": [GENAI_TRACE]})
        assert [r["cost"] for r in spans][1:4] == ["0.250000", "0.000000", "0.001000"]
    finally:
        pg.run_sql("DELETE FROM model_prices WHERE note IS NULL", telemetry_db, "postgres")


def test_trace_spans_show_the_tree_depth_first_with_siblings_by_start(reader_query):
    spans = rows(reader_query, "Trace spans", {"trace_id": [CLAUDE_TRACE]})
    assert [(r["span_id"], int(r["depth"])) for r in spans] == [
        ("a1000000000000a1", 0), ("a2000000000000a2", 1), ("a3000000000000a3", 1), ("a4000000000000a4", 2),
        ("a5000000000000a5", 2), ("a6000000000000a6", 1)]
    assert [r["span"] for r in spans[2:5]] == ["· claude_code.tool", "· · claude_code.tool.blocked_on_user",
                                               "· · claude_code.tool.execution"]
    assert [float(r["offset_ms"]) for r in spans] == [0, 100, 2200, 2300, 3400, 7300]
    assert [r["cost"] for r in spans] == ["0.000000", "0.010000", "0.000000", "0.000000", "0.000000", "0.009000"]
    assert (spans[2]["tool"], spans[2]["status"], spans[2]["status_message"]) == ("Bash", "error", "exit code 1")


def test_trace_spans_start_a_branch_for_a_span_whose_parent_never_arrived_and_price_what_they_can(reader_query):
    spans = rows(reader_query, "Trace spans", {"trace_id": [GENAI_TRACE]})
    assert [(r["span"], int(r["depth"])) for r in spans] == [
        ("invoke_agent triage", 0), ("· chat gpt-4o-mini", 1), ("· execute_tool lookup_order", 1),
        ("· chat my-local-model", 1), ("retrieve", 0)]
    assert [r["cost"] for r in spans] == ["0.000000", "0.000600", "0.000000", "price not configured", "0.000000"]


def test_trace_panel_gives_grafanas_trace_view_the_fields_it_reads(reader_query):
    assert panel("Trace")["type"] == "traces"
    spans = rows(reader_query, "Trace", {"trace_id": [LANGSMITH_TRACE], "host": ["o'neil-mac"]})
    assert [r["spanID"] for r in spans] == [LANGSMITH_TRACE, "1f2e3d4c-0000-4000-8000-000000000002",
                                            "1f2e3d4c-0000-4000-8000-000000000003",
                                            "1f2e3d4c-0000-4000-8000-000000000004"]
    assert spans[0]["parentSpanID"] is None
    assert {r["parentSpanID"] for r in spans[1:]} == {LANGSMITH_TRACE}
    assert all(r["traceID"] == LANGSMITH_TRACE and r["serviceName"] == "o'brien's project" for r in spans)
    # startTime in milliseconds since the epoch, duration in milliseconds (0 for the run still open). The seed is
    # made once per test session, 10 minutes before it began: however long the session has run since, the start lies
    # minutes before now, which seconds or microseconds would not.
    now_ms = TimeRange.last(timedelta(0)).end.timestamp() * 1000
    assert now_ms - 120 * 60000 < float(spans[0]["startTime"]) < now_ms - 9 * 60000
    assert float(spans[1]["startTime"]) - float(spans[0]["startTime"]) == pytest.approx(200, abs=0.01)
    assert [float(r["duration"]) for r in spans] == [3000, 1800, 700, 0]
    assert [int(r["statusCode"]) for r in spans] == [1, 1, 2, 0]
    assert spans[2]["statusMessage"] == "TimeoutError: search took too long"


def test_no_trace_selected_shows_no_spans(reader_query):
    assert rows(reader_query, "Trace", {"trace_id": [""]}) == []
    assert rows(reader_query, "Trace spans", {"trace_id": [""]}) == []


@pytest.mark.parametrize("selection, expected", [
    ({"service": ["support-bot"]}, [GENAI_TRACE]),
    ({"model": ["gpt-4o"]}, [LANGSMITH_TRACE]),
    ({"model": ["gpt-4o", "llama-3-8b"]}, [LANGSMITH_TRACE, LOCAL_TRACE]),
    ({"session": ["laptop-session-1"]}, [CLAUDE_TRACE]),
    ({"host": ["laptop"]}, [CLAUDE_TRACE, LOCAL_TRACE]),
    ({"host": ["laptop"], "service": ["support-bot"]}, []),
])
def test_filters_pick_the_traces_with_a_matching_span_and_keep_all_their_spans(reader_query, selection, expected):
    traces = rows(reader_query, "Recent traces", selection)
    assert [r["trace_id"] for r in traces] == expected
    assert variable_values(reader_query, "trace_id", selection) == expected
    if expected == [CLAUDE_TRACE]:
        assert int(traces[0]["spans"]) == 6


def test_variables_list_what_the_selected_hosts_sent(reader_query):
    assert variable_values(reader_query, "host") == ["ci-runner", "laptop", "o'neil-mac"]
    assert variable_values(reader_query, "service", {"host": ["laptop"]}) == ["claude-code", "local-agent"]
    assert variable_values(reader_query, "model", {"host": ["o'neil-mac"]}) == ["gpt-4o"]
    assert variable_values(reader_query, "session") == ["thread-7", "ticket-42", "laptop-session-1"]


def test_tool_calls_by_name_count_errors(reader_query):
    tools = {r["tool"]: r for r in rows(reader_query, "Tool calls by name")}
    assert {t: (int(r["calls"]), int(r["errors"]), float(r["error_percent"])) for t, r in tools.items()} == {
        "Bash": (1, 1, 100.0), "lookup_order": (1, 0, 0.0), "search": (1, 1, 100.0)}


def test_slowest_spans_come_longest_first(reader_query):
    spans = rows(reader_query, "Slowest spans")
    durations = [float(r["duration_ms"]) for r in spans]
    assert durations[:3] == [9000, 5000, 4000] and durations == sorted(durations, reverse=True)
    assert spans[0]["trace_id"] == CLAUDE_TRACE
    assert "1f2e3d4c-0000-4000-8000-000000000004" not in {r["trace_id"] for r in spans}  # no duration yet


def test_llm_series_group_by_the_interval_so_a_longer_range_gives_fewer_points(reader_query):
    for title, value in (("LLM latency by model", "latency_ms"), ("LLM tokens by model", "tokens")):
        series = panel(title)
        assert series["maxDataPoints"] <= 1000 and "$__interval" in target(title)["rawSql"]
        hourly = rows(reader_query, title, interval=3600)
        assert all(float(r["time"]) % 3600 == 0 for r in hourly)
    tokens = {}
    for row in rows(reader_query, "LLM tokens by model", interval=3600):
        tokens[row["metric"]] = tokens.get(row["metric"], 0) + int(row["tokens"])
    assert tokens == {"claude-sonnet-4-5-20250929": 3000, "gpt-4o": 150, "gpt-4o-mini-2024-07-18": 2500,
                      "llama-3-8b": 330, "my-local-model": 900, "(no model)": 15}


def test_a_click_on_a_trace_opens_it_below_with_the_filters_kept():
    for title in ("Recent traces", "Slowest spans"):
        (link,) = panel(title)["fieldConfig"]["defaults"]["links"]
        url = urlsplit(link["url"])
        assert url.path == "/d/traces/traces"
        query = parse_qs(url.query)
        assert query["var-trace_id"] == ["${__data.fields.trace_id:percentencode}"]
        assert query["var-host"] == ["${__data.fields.host:percentencode}"]
        assert {"${service:queryparam}", "${model:queryparam}", "${session:queryparam}",
                "${__url_time_range}"} <= set(url.query.split("&"))
    for title in ("Trace", "Trace spans"):
        assert "'${trace_id}'" in target(title)["rawSql"]
    trace_id = next(v for v in gf.variables(TRACES) if v["name"] == "trace_id")
    assert not trace_id["multi"] and not trace_id["includeAll"] and trace_id["sort"] == 0

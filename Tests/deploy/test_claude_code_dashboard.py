"""The Claude Code dashboard's row on models, edits, skills, agents and traces, on the seeded telemetry (seed.sql):
laptop's api_request events name their model, skill.name and agent.name as Claude Code 2.1.33x sends them, two
api_error events of Sonnet, the claude_code.code_edit_tool.decision counter, and the Claude Code trace of
laptop-session-1."""
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import grafana_files as gf
from grafana_sql import expand
from test_dashboard_queries import ALL, six_hours, variables_for

CLAUDE_CODE = gf.dashboards()["claude-code"]
SONNET = "claude-sonnet-4-5-20250929"
HAIKU = "claude-haiku-4-5-20251001"


def panel(title):
    return next(p for p in gf.panels(CLAUDE_CODE) if p["title"] == title)


def rows(reader_query, title, hosts=ALL, interval=60):
    sql = expand(panel(title)["targets"][0]["rawSql"], six_hours(), variables_for(CLAUDE_CODE, {"host": hosts}),
                 interval)
    result = reader_query(sql)
    return [dict(zip(result.names, row)) for row in result.rows]


def test_api_requests_by_model_count_errors_among_attempts_and_give_latency(reader_query):
    models = {r["model"]: r for r in rows(reader_query, "API requests by model")}
    sonnet, haiku = models[SONNET], models[HAIKU]
    assert (int(sonnet["requests"]), int(sonnet["errors"]), float(sonnet["error_percent"])) == (6, 2, 25.0)
    # Latency is the requests' own: the failed attempts' 3000 ms do not count.
    assert (float(sonnet["p50_ms"]), float(sonnet["p95_ms"])) == (1000, 1000)
    assert (int(haiku["requests"]), int(haiku["errors"]), float(haiku["p50_ms"])) == (6, 0, 200)
    # Events that name no model fall back to the model column the collector filled.
    assert int(models["claude-sonnet-4-5"]["requests"]) == 40
    assert rows(reader_query, "API requests by model", hosts=["ci-runner"]) == []


def test_api_error_rate_by_model_is_the_failed_share_of_each_interval(reader_query):
    # One 30-day interval holds all of the last hour's attempts (unless a boundary falls inside it, 1 in 600).
    month = 30 * 86400
    rates = {r["metric"]: float(r["error_rate"]) for r in rows(reader_query, "API error rate by model", interval=month)}
    assert rates[SONNET] == 2 / 8 and rates[HAIKU] == 0
    hourly = [r for r in rows(reader_query, "API error rate by model", interval=3600) if r["metric"] == SONNET]
    assert 1 <= len(hourly) <= 2 and all(float(r["time"]) % 3600 == 0 for r in hourly)
    latency = {r["metric"]: float(r["latency_ms"]) for r in rows(reader_query, "API latency by model", interval=month)}
    assert latency[SONNET] == 1000 and latency[HAIKU] == 200


def test_edit_acceptance_sums_the_decision_counter_by_tool(reader_query):
    tools = {r["tool"]: r for r in rows(reader_query, "Edit acceptance by tool")}
    assert {t: (int(float(r["accepted"])), int(float(r["rejected"])), float(r["acceptance_percent"]))
            for t, r in tools.items()} == {"Edit": (6, 2, 75.0), "Write": (4, 0, 100.0)}


def test_cost_by_skill_and_by_agent_count_only_requests_that_name_one(reader_query):
    assert [(r["skill"], int(r["api_requests"]), Decimal(r["cost"])) for r in rows(reader_query, "Cost by skill")] == [
        ("pdf", 4, Decimal("0.08"))]
    assert [(r["agent"], int(r["api_requests"]), Decimal(r["cost"])) for r in rows(reader_query, "Cost by agent")] == [
        ("code-reviewer", 6, Decimal("0.12"))]


def test_sessions_list_their_traces_and_link_to_the_traces_dashboard_filtered_by_session(reader_query):
    sessions = {r["session"]: r for r in rows(reader_query, "Sessions and their traces", hosts=["laptop"])}
    assert set(sessions) == {f"laptop-session-{i}" for i in range(4)}
    assert (int(sessions["laptop-session-1"]["traces"]), int(sessions["laptop-session-1"]["spans"]),
            int(sessions["laptop-session-1"]["span_errors"])) == (1, 6, 2)
    assert int(sessions["laptop-session-0"]["traces"]) == 0
    (link,) = panel("Sessions and their traces")["fieldConfig"]["defaults"]["links"]
    url = urlsplit(link["url"])
    traces = gf.dashboards()["traces"]
    assert url.path == f"/d/{traces['uid']}/traces"
    query = parse_qs(url.query)
    assert query["var-session"] == ["${__data.fields.session:percentencode}"]
    assert query["var-host"] == ["${__data.fields.host:percentencode}"]
    assert "${__url_time_range}" in url.query
    assert {"session", "host"} <= {v["name"] for v in gf.variables(traces)}


def test_the_new_row_comes_after_every_panel_that_was_there():
    panels = CLAUDE_CODE["panels"]
    row = next(i for i, p in enumerate(panels) if p["type"] == "row")
    assert [p["id"] for p in panels[:row]] == list(range(1, 15))
    top = panels[row]["gridPos"]["y"]
    assert all(p["gridPos"]["y"] + p["gridPos"]["h"] <= top for p in panels[:row])
    assert all(p["gridPos"]["y"] > top for p in panels[row + 1:])

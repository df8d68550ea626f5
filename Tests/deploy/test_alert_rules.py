"""The provisioned alert rules: well-formed for Grafana, and their queries, expanded as Grafana expands them for an
alert (the rule's relative time range ending now), find exactly the hosts the seeded telemetry makes them find."""
import re

import pytest

import grafana_files as gf
import telemetry_db as db
from grafana_sql import expand, relative_time_range

RULES = {rule["uid"]: (group, rule) for group, rule in gf.alert_rules()}
NUMERIC = {"smallint", "integer", "bigint", "numeric", "real", "double precision"}


def sql_query(rule):
    (query,) = [q for q in rule["data"] if q["datasourceUid"] != "__expr__"]
    return query


def expanded_sql(uid):
    query = sql_query(RULES[uid][1])
    return expand(query["model"]["rawSql"], relative_time_range(query["relativeTimeRange"]))


def run_rule(reader_query, uid, settings=None):
    query = sql_query(RULES[uid][1])
    sql = expand(query["model"]["rawSql"], relative_time_range(query["relativeTimeRange"]))
    return reader_query(sql, settings=settings)


def test_there_is_a_silent_host_rule_a_deny_or_error_rate_rule_and_a_daily_budget_rule():
    assert set(RULES) == {"telemetry-silent-host", "telemetry-deny-error-rate", "telemetry-daily-budget"}


@pytest.mark.parametrize("uid", sorted(RULES))
def test_rule_is_complete_and_its_condition_reads_its_query(uid):
    group, rule = RULES[uid]
    assert group["folder"] and group["interval"] and group["orgId"] == 1
    refs = {q["refId"]: q for q in rule["data"]}
    assert rule["condition"] in refs
    for query in rule["data"]:
        assert query["model"]["refId"] == query["refId"]
        if query["datasourceUid"] == "__expr__":
            assert query["model"]["expression"] in refs
    query = sql_query(rule)
    assert query["datasourceUid"] == gf.datasource()["uid"]
    assert query["model"]["format"] == "table" and query["model"]["rawQuery"] is True
    assert rule["noDataState"] == "OK", "no offending host is no alert"
    assert rule["annotations"]["summary"]


@pytest.mark.parametrize("uid", sorted(RULES))
def test_fields_that_grafana_fills_from_its_environment_hold_no_dollar_sign(uid):
    # Grafana expands $VARIABLES in a provisioned rule's title, labels and durations (not in its model or
    # annotations), so a $ there would silently vanish.
    group, rule = RULES[uid]
    expanded = [group["name"], group["folder"], group["interval"], rule["title"], rule["for"], rule["noDataState"],
                rule["execErrState"], *rule.get("labels", {}).values()]
    assert not [text for text in expanded if "$" in str(text)]


@pytest.mark.parametrize("uid", sorted(RULES))
def test_rule_query_returns_one_number_per_host_labelled_by_host(reader_query, uid):
    result = run_rule(reader_query, uid)
    types = dict(result.columns)
    assert result.names[0] == "host" and types["host"] == "text"
    assert len(result.names) == 2 and types[result.names[1]] in NUMERIC


def test_silent_host_rule_fires_for_the_host_that_stopped_two_days_ago_only(reader_query):
    rows = run_rule(reader_query, "telemetry-silent-host").rows
    assert [r[0] for r in rows] == ["desktop"]
    assert 47 * 60 <= float(rows[0][1]) <= 49 * 60  # minutes


def test_silent_host_rule_uses_the_configured_silence(reader_query):
    # As if ALERT_SILENT_HOST_AFTER were "3 days": two days of silence is then fine.
    assert run_rule(reader_query, "telemetry-silent-host", {"telemetry.silent_host_after": "3 days"}).rows == []


def test_deny_error_rate_rule_fires_for_the_host_whose_recent_events_are_mostly_denied(reader_query):
    rows = run_rule(reader_query, "telemetry-deny-error-rate").rows
    assert [r[0] for r in rows] == ["ci-runner"]
    assert 0.8 <= float(rows[0][1]) <= 0.9


def test_deny_error_rate_rule_uses_the_configured_rate(reader_query):
    assert run_rule(reader_query, "telemetry-deny-error-rate", {"telemetry.deny_error_rate": "0.95"}).rows == []
    laptop_too = run_rule(reader_query, "telemetry-deny-error-rate", {"telemetry.deny_error_rate": "0.1"}).rows
    assert sorted(r[0] for r in laptop_too) == ["ci-runner", "laptop"]


def test_threshold_expressions_fire_on_any_returned_row():
    for uid, (_, rule) in RULES.items():
        condition = next(q for q in rule["data"] if q["refId"] == rule["condition"])
        assert condition["model"]["type"] == "threshold", uid
        (evaluator,) = [c["evaluator"] for c in condition["model"]["conditions"]]
        assert evaluator == {"type": "gt", "params": [0]}, uid


def test_rule_queries_use_grafana_macros_only_where_grafana_expands_them():
    for uid, (_, rule) in RULES.items():
        sql = sql_query(rule)["model"]["rawSql"]
        assert not re.search(r"\$__timeGroup\(", sql), uid


# The daily budget rule, on a database of its own: what each host cost today, in every form the cost arrives.
BUDGET_DATABASE = "telemetry_budget"
BUDGET_SEED = """
-- alpha: Claude Code's api_request events state their cost (a JSON number or, from OTLP, a string): $3.00 today.
-- Yesterday's $100 does not count.
INSERT INTO events (host_id, session_id, event_type, ts, event_id, attributes) VALUES
    ('alpha', 's1', 'claude_code.api_request', date_trunc('day', now(), 'UTC') + interval '1 second', 'a1',
     '{"cost_usd": 1.25, "input_tokens": 999999999, "model": "claude-opus-4-1"}'),
    ('alpha', 's1', 'claude_code.api_request', date_trunc('day', now(), 'UTC') + interval '2 seconds', 'a2',
     '{"cost_usd": "1.75", "model": "claude-sonnet-4-5"}'),
    ('alpha', 's1', 'PreToolUse', date_trunc('day', now(), 'UTC') + interval '3 seconds', 'a3', '{"cwd": "/x"}'),
    ('alpha', 's0', 'claude_code.api_request', date_trunc('day', now(), 'UTC') - interval '1 hour', 'a0',
     '{"cost_usd": 100}');
-- beta: tokens without a cost, priced from model_prices (claude-sonnet-4-5: $3 in, $15 out, $0.30 cache read per
-- million): 1M in + 100k out + 1M cache read = 3 + 1.5 + 0.3 = $4.80. A model without a price adds nothing.
INSERT INTO events (host_id, session_id, event_type, ts, event_id, attributes) VALUES
    ('beta', 's2', 'api_request', date_trunc('day', now(), 'UTC') + interval '1 second', 'b1',
     '{"model": "claude-sonnet-4-5-20250929", "input_tokens": 1000000, "output_tokens": "100000", "cache_read_tokens": 1000000}'),
    ('beta', 's2', 'api_request', date_trunc('day', now(), 'UTC') + interval '2 seconds', 'b2',
     '{"model": "my-local-llama", "input_tokens": 5000000}');
-- gamma: spans. A chat span's stated $2.00, a chat span's tokens (gpt-4o, $2.50 per million in: $2.50), and a chat
-- span whose cost the log event sent inside it states too ($0.10, counted once). The agent span around them repeats
-- their tokens and cost ($50): not counted.
INSERT INTO spans (host_id, trace_id, span_id, name, start_ts, source, operation, model_request, input_tokens, cost_usd) VALUES
    ('gamma', 't1', 'root', 'invoke_agent', date_trunc('day', now(), 'UTC') + interval '1 second', 'otlp', 'agent', 'gpt-4o', 3000000, 50),
    ('gamma', 't1', 'c1', 'chat gpt-4o', date_trunc('day', now(), 'UTC') + interval '2 seconds', 'otlp', 'chat', 'gpt-4o', NULL, 2.00),
    ('gamma', 't1', 'c2', 'chat gpt-4o', date_trunc('day', now(), 'UTC') + interval '3 seconds', 'otlp', 'chat', 'gpt-4o-2024-08-06', 1000000, NULL),
    ('gamma', 't1', 'c3', 'claude_code.llm_request', date_trunc('day', now(), 'UTC') + interval '4 seconds', 'langsmith', 'chat', 'claude-haiku-4-5', 10, 0.10);
INSERT INTO events (host_id, session_id, event_type, ts, event_id, trace_id, span_id, attributes) VALUES
    ('gamma', 's3', 'claude_code.api_request', date_trunc('day', now(), 'UTC') + interval '4 seconds', 'g1', 't1', 'c3',
     '{"cost_usd": 0.10, "input_tokens": 10, "model": "claude-haiku-4-5"}');
"""
TODAY = {"alpha": 3.00, "beta": 4.80, "gamma": 4.60}


@pytest.fixture(scope="module")
def budget_query(pg):
    db.create_database(pg, BUDGET_DATABASE)
    db.apply_migrations(pg, BUDGET_DATABASE)
    db.give_reader_login(pg, BUDGET_DATABASE)
    pg.run_sql(BUDGET_SEED, BUDGET_DATABASE, user=db.MIGRATOR)

    def run(budget, zone=None):
        settings = {"telemetry.daily_budget_usd": budget}
        if zone:
            settings["telemetry.budget_time_zone"] = zone
        result = pg.query(expanded_sql("telemetry-daily-budget"), BUDGET_DATABASE, db.READER, db.READER_PASSWORD,
                          settings=settings)
        return {host: round(float(cost), 6) for host, cost in result.rows}
    return run


def test_budget_rule_is_silent_without_a_budget(budget_query):
    assert budget_query("") == {}


def test_budget_rule_fires_for_each_host_over_the_budget_and_for_all_hosts_together(budget_query):
    total = round(sum(TODAY.values()), 6)
    assert budget_query("4.70") == {"beta": 4.80, "(all hosts)": total}
    assert budget_query("4") == {"beta": 4.80, "gamma": 4.60, "(all hosts)": total}
    assert budget_query("2.99") == {**TODAY, "(all hosts)": total}


def test_budget_rule_fires_for_all_hosts_together_when_no_host_alone_is_over(budget_query):
    assert budget_query("5") == {"(all hosts)": round(sum(TODAY.values()), 6)}


def test_budget_rule_does_not_fire_under_the_budget_nor_at_it(budget_query):
    assert budget_query("20") == {}
    assert budget_query("12.40") == {}


def test_budget_rule_counts_stated_costs_priced_tokens_and_model_call_spans_once(budget_query):
    # Each host's cost, seen through a budget of zero: alpha the stated costs only (the stated 1.25 wins over its
    # tokens), beta tokens at their model's price, gamma its chat spans with the span its log event shares once.
    costs = budget_query("0")
    assert {host: costs[host] for host in TODAY} == TODAY


def test_budget_day_starts_at_midnight_in_the_configured_time_zone(pg, budget_query):
    # Kiritimati is UTC+14: its midnight is never UTC's, so a rule that ignored the zone would count the $1000 of the
    # second before it, or miss the $0.50 of the second after it.
    pg.run_sql("""
        INSERT INTO events (host_id, session_id, event_type, ts, event_id, attributes) VALUES
            ('kiritimati', 'k', 'api_request', date_trunc('day', now(), 'Pacific/Kiritimati') - interval '1 second',
             'k-before', '{"cost_usd": 1000}'),
            ('kiritimati', 'k', 'api_request', date_trunc('day', now(), 'Pacific/Kiritimati') + interval '1 second',
             'k-after', '{"cost_usd": 0.50}')""", BUDGET_DATABASE, user=db.MIGRATOR)
    try:
        assert budget_query("0.40", zone="Pacific/Kiritimati")["kiritimati"] == 0.50
    finally:
        pg.run_sql("DELETE FROM events WHERE host_id = 'kiritimati'", BUDGET_DATABASE, user=db.MIGRATOR)

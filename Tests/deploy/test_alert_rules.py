"""The provisioned alert rules: well-formed for Grafana, and their queries, expanded as Grafana expands them for an
alert (the rule's relative time range ending now), find exactly the hosts the seeded telemetry makes them find."""
import re

import pytest

import grafana_files as gf
from grafana_sql import expand, relative_time_range

RULES = {rule["uid"]: (group, rule) for group, rule in gf.alert_rules()}
NUMERIC = {"smallint", "integer", "bigint", "numeric", "real", "double precision"}


def sql_query(rule):
    (query,) = [q for q in rule["data"] if q["datasourceUid"] != "__expr__"]
    return query


def run_rule(reader_query, uid, settings=None):
    query = sql_query(RULES[uid][1])
    sql = expand(query["model"]["rawSql"], relative_time_range(query["relativeTimeRange"]))
    return reader_query(sql, settings=settings)


def test_there_is_a_silent_host_rule_and_a_deny_or_error_rate_rule():
    assert set(RULES) == {"telemetry-silent-host", "telemetry-deny-error-rate"}


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

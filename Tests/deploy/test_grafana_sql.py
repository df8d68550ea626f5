"""The reproduction of Grafana's query expansion that the query tests rely on, pinned to what Grafana 11 produces
(macros.go, sqleng.Interpolate, the SQL data source's interpolateVariable, and their own tests' expectations)."""
from datetime import datetime, timezone

import pytest

from grafana_sql import MacroError, TimeRange, Variable, expand, go_float

RANGE = TimeRange(datetime(2024, 1, 15, 10, 0, tzinfo=timezone.utc),
                  datetime(2024, 1, 15, 16, 0, 0, 250000, tzinfo=timezone.utc))


def test_time_filter_is_a_between_in_rfc3339_utc():
    assert expand("WHERE $__timeFilter(ts)", RANGE) == \
        "WHERE ts BETWEEN '2024-01-15T10:00:00Z' AND '2024-01-15T16:00:00.25Z'"


def test_time_from_and_to_are_quoted_timestamps():
    assert expand("$__timeFrom() $__timeTo()", RANGE) == "'2024-01-15T10:00:00Z' '2024-01-15T16:00:00.25Z'"


def test_time_group_alias_floors_epoch_seconds_and_names_the_column_time():
    assert expand("SELECT $__timeGroupAlias(ts, '5m')", RANGE) == \
        'SELECT floor(extract(epoch from ts)/300)*300 AS "time"'
    assert expand("SELECT $__timeGroupAlias(ts, $__interval)", RANGE, interval_seconds=60) == \
        'SELECT floor(extract(epoch from ts)/60)*60 AS "time"'


def test_time_group_followed_by_a_comma_quietly_becomes_the_alias_form():
    assert expand("SELECT $__timeGroup(ts, '1m'), count(*) GROUP BY $__timeGroup(ts, '1m')", RANGE) == \
        'SELECT floor(extract(epoch from ts)/60)*60 AS "time", count(*) GROUP BY floor(extract(epoch from ts)/60)*60 AS "time"'


def test_unknown_macros_are_errors():
    with pytest.raises(MacroError, match="unknown macro"):
        expand("SELECT $__timeFilterr(ts)", RANGE)


def test_interval_variables():
    assert expand("$__interval $__interval_ms", RANGE, interval_seconds=300) == "5m 300000"


def test_go_float_formatting_of_interval_seconds():
    assert [go_float(v) for v in (60.0, 86400.0, 0.5, 2592000.0)] == ["60", "86400", "0.5", "2.592e+06"]


def test_multi_value_and_all_values_are_quoted_single_values_only_escaped():
    host = {"name": "host", "multi": True, "includeAll": True, "allValue": "'__all'"}
    session = {"name": "session"}
    sql = "host_id IN ($host) AND session_id = '$session'"
    assert expand(sql, RANGE, [Variable.from_dashboard(host, ["a", "o'b"]),
                               Variable.from_dashboard(session, ["it's"])]) == \
        "host_id IN ('a','o''b') AND session_id = 'it''s'"
    assert expand("host_id IN ($host)", RANGE, [Variable.from_dashboard(host, ["$__all"])]) == \
        "host_id IN ('__all')"
    no_custom_all = dict(host, allValue="")
    assert expand("host_id IN (${host})", RANGE, [Variable.from_dashboard(no_custom_all, ["$__all"], ["a", "b"])]) \
        == "host_id IN ('a','b')"

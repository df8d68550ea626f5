"""postgres/grafana-reader-login.sql, which the grafana-reader service runs on every `docker compose up`."""
import pytest

import telemetry_db as db
from pgcluster import QueryError


def reader_settings(pg, telemetry_db, password=db.READER_PASSWORD):
    (row,) = pg.query("""
        SELECT current_setting('telemetry.silent_host_after'), current_setting('telemetry.deny_error_rate'),
               current_setting('default_transaction_read_only'), current_setting('statement_timeout')""",
                      telemetry_db, db.READER, password).rows
    return row


def test_reader_gets_the_thresholds_and_read_only_sessions(pg, telemetry_db):
    assert reader_settings(pg, telemetry_db) == ["30 minutes", "0.5", "on", "30s"]


def test_running_it_again_changes_nothing(pg, telemetry_db):
    db.give_reader_login(pg, telemetry_db)
    db.give_reader_login(pg, telemetry_db)
    assert reader_settings(pg, telemetry_db) == ["30 minutes", "0.5", "on", "30s"]


def test_a_changed_env_file_takes_effect_on_the_next_up(pg, telemetry_db):
    changed = {"GRAFANA_READER_PASSWORD": "rotated-password", "ALERT_SILENT_HOST_AFTER": "2 hours",
               "ALERT_DENY_ERROR_RATE": "0.25"}
    try:
        db.give_reader_login(pg, telemetry_db, changed)
        assert reader_settings(pg, telemetry_db, "rotated-password")[:2] == ["2 hours", "0.25"]
        with pytest.raises(QueryError, match="password authentication failed"):
            reader_settings(pg, telemetry_db)
    finally:
        db.give_reader_login(pg, telemetry_db)
    assert reader_settings(pg, telemetry_db)[:2] == ["30 minutes", "0.5"]


def test_thresholds_default_when_the_env_file_leaves_them_out(pg, telemetry_db):
    db.give_reader_login(pg, telemetry_db, {"GRAFANA_READER_PASSWORD": db.READER_PASSWORD})
    assert reader_settings(pg, telemetry_db)[:2] == ["30 minutes", "0.5"]


@pytest.mark.parametrize("env, message", [
    ({"ALERT_DENY_ERROR_RATE": "0.5"}, "GRAFANA_READER_PASSWORD is empty"),
    ({"GRAFANA_READER_PASSWORD": ""}, "GRAFANA_READER_PASSWORD is empty"),
    ({"GRAFANA_READER_PASSWORD": "x", "ALERT_DENY_ERROR_RATE": "50"}, "ALERT_DENY_ERROR_RATE must be a fraction"),
    ({"GRAFANA_READER_PASSWORD": "x", "ALERT_DENY_ERROR_RATE": "half"}, "invalid input syntax for type numeric"),
    ({"GRAFANA_READER_PASSWORD": "x", "ALERT_SILENT_HOST_AFTER": "soon"}, "invalid input syntax for type interval"),
    ({"GRAFANA_READER_PASSWORD": "x", "ALERT_SILENT_HOST_AFTER": "-5 minutes"}, "ALERT_SILENT_HOST_AFTER must be"),
])
def test_a_bad_setting_stops_it_with_the_setting_named_and_nothing_changed(pg, telemetry_db, env, message):
    with pytest.raises(QueryError, match=message):
        db.give_reader_login(pg, telemetry_db, env)
    assert reader_settings(pg, telemetry_db) == ["30 minutes", "0.5", "on", "30s"]


def budget_settings(pg, telemetry_db):
    (row,) = pg.query("SELECT current_setting('telemetry.daily_budget_usd'), current_setting('telemetry.budget_time_zone')",
                      telemetry_db, db.READER, db.READER_PASSWORD).rows
    return row


def test_the_daily_budget_and_its_time_zone_reach_the_reader_and_default_to_none_and_utc(pg, telemetry_db):
    assert budget_settings(pg, telemetry_db) == [None, "UTC"]  # psql shows the empty setting as NULL
    try:
        db.give_reader_login(pg, telemetry_db, {**db.READER_ENV, "ALERT_DAILY_BUDGET_USD": "7.50",
                                                "ALERT_BUDGET_TIME_ZONE": "Europe/Berlin"})
        assert budget_settings(pg, telemetry_db) == ["7.50", "Europe/Berlin"]
    finally:
        db.give_reader_login(pg, telemetry_db)
    assert budget_settings(pg, telemetry_db) == [None, "UTC"]


@pytest.mark.parametrize("env, message", [
    ({"ALERT_DAILY_BUDGET_USD": "-3"}, "ALERT_DAILY_BUDGET_USD must be an amount"),
    ({"ALERT_DAILY_BUDGET_USD": "lots"}, "invalid input syntax for type numeric"),
    ({"ALERT_BUDGET_TIME_ZONE": "Mars/Olympus"}, "ALERT_BUDGET_TIME_ZONE must be a time zone name"),
])
def test_a_bad_budget_setting_stops_it_naming_the_setting(pg, telemetry_db, env, message):
    with pytest.raises(QueryError, match=message):
        db.give_reader_login(pg, telemetry_db, {**db.READER_ENV, **env})
    assert budget_settings(pg, telemetry_db) == [None, "UTC"]

"""scripts/bench-read on a tiny fleet: the generator makes the fleet it is asked for, with the schema's own indexes,
and every dashboard panel, variable and alert query it times runs as grafana_reader and is reported.
CI runs only this; the timed benchmark at the target size is `scripts/bench-read` (docs/performance.md)."""
import json
import subprocess
import sys

import pytest

import telemetry_db as db
from paths import REPO

sys.path.insert(0, str(REPO / "scripts" / "bench-read.d"))
import panels  # noqa: E402

import grafana_files as gf  # noqa: E402

DATABASE = "bench_read"
FLEET = {"hosts": 3, "days": 2, "sessions": 4, "events": 12, "points": 7, "transcripts": 5, "transcript_kb": 2}


def generate(pg, database, **knobs):
    variables = [arg for name, value in knobs.items() for arg in ("-v", f"{name}={value}")]
    cmd, env = pg.psql_command(database, db.MIGRATOR)
    subprocess.run(cmd + variables + ["-f", str(REPO / "scripts" / "bench-read.d" / "generate.sql")],
                   env=env, check=True, capture_output=True, text=True, timeout=120)


def index_definitions(pg, database):
    sql = ("SELECT indexdef FROM pg_indexes WHERE tablename IN ('events', 'otlp_metrics', 'transcripts') "
           "ORDER BY indexname")
    return [row[0] for row in pg.query(sql, database, "postgres").rows]


@pytest.fixture(scope="module")
def fleet_db(pg):
    db.create_database(pg, DATABASE)
    db.apply_migrations(pg, DATABASE)
    indexes = index_definitions(pg, DATABASE)
    generate(pg, DATABASE, **FLEET)
    db.give_reader_login(pg, DATABASE)
    return indexes


def scalar(pg, sql):
    return pg.query(sql, DATABASE, "postgres").rows[0][0]


def test_generator_makes_every_session_of_every_host_and_day_with_its_events(pg, fleet_db):
    f = FLEET
    assert int(scalar(pg, "SELECT count(*) FROM events")) == f["hosts"] * f["days"] * f["sessions"] * f["events"]
    assert int(scalar(pg, "SELECT count(DISTINCT host_id) FROM events")) == f["hosts"]
    assert int(scalar(pg, "SELECT count(DISTINCT session_id) FROM events")) == f["hosts"] * f["days"] * f["sessions"]
    assert int(scalar(pg, "SELECT count(DISTINCT (host_id, event_id)) FROM events")) == int(
        scalar(pg, "SELECT count(*) FROM events"))


def test_generated_events_fall_inside_the_days_asked_for_and_end_before_now(pg, fleet_db):
    assert scalar(pg, f"SELECT min(ts) > now() - interval '{FLEET['days'] + 1} days' FROM events") == "t"
    assert scalar(pg, "SELECT max(ts) < now() FROM events") == "t"
    assert scalar(pg, "SELECT max(ts) > now() - interval '1 day' FROM events") == "t"


def test_generator_makes_metric_points_for_claude_code_sessions_and_the_transcripts_asked_for(pg, fleet_db):
    sessions = int(scalar(pg, "SELECT count(DISTINCT session_id) FROM events WHERE agent_name = 'claude-code'"))
    assert sessions > 0
    assert int(scalar(pg, "SELECT count(*) FROM otlp_metrics")) == sessions * FLEET["points"]
    assert int(scalar(pg, "SELECT count(*) FROM transcripts")) == FLEET["transcripts"]
    assert int(scalar(pg, "SELECT min(octet_length(transcript::text)) FROM transcripts")) > FLEET["transcript_kb"] * 900


def test_generator_leaves_the_indexes_the_migrations_made(pg, fleet_db):
    assert index_definitions(pg, DATABASE) == fleet_db


def test_interval_grows_with_the_range_as_grafana_rounds_it():
    full_width = {"gridPos": {"w": 24}}
    assert panels.grafana_interval(6 * 3600, full_width, 60) == 60  # the data source's 1m floor
    assert panels.grafana_interval(7 * 86400, full_width, 60) == 300
    assert panels.grafana_interval(30 * 86400, full_width, 60) == 1200
    assert panels.grafana_interval(30 * 86400, {"gridPos": {"w": 12}}, 60) == 3600
    # A panel's own minimum interval replaces the data source's.
    assert panels.grafana_interval(6 * 3600, {"gridPos": {"w": 12}, "interval": "5m"}, 60) == 300


def test_generator_folds_the_rollups_the_dashboards_read(pg, fleet_db):
    for width in ("hour", "day"):
        rolled = scalar(pg, f"SELECT sum(events) FROM rollup_events WHERE width = '{width}'")
        assert int(rolled) == int(scalar(pg, "SELECT count(*) FROM events")), width
    assert int(scalar(pg, "SELECT count(*) FROM rollup_dirty")) == 0
    assert int(scalar(pg, "SELECT sum(points) FROM rollup_metrics WHERE width = 'day'")) == int(
        scalar(pg, "SELECT count(*) FROM otlp_metrics"))


def test_every_query_runs_as_grafana_reader_and_is_reported(pg, fleet_db, tmp_path):
    env = {"PGHOST": "127.0.0.1", "PGPORT": str(pg.port), "PGUSER": db.READER, "PGPASSWORD": db.READER_PASSWORD,
           "PGDATABASE": DATABASE, "PATH": "/usr/bin:/bin"}
    report = tmp_path / "queries.json"
    done = subprocess.run([sys.executable, str(REPO / "scripts" / "bench-read.d" / "panels.py"),
                           "--psql", f"{pg.bindir}/psql", "--runs", "1", "--ranges", "6h", "30d",
                           "--one-host", "host-001", "--json", str(report)],
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    results = {tuple(entry["query"]): entry["results"] for entry in json.loads(report.read_text())}
    for name, dashboard in gf.dashboards().items():
        selections = ["one session"] if name == "session-timeline" else ["all hosts", "one host"]
        for selection in selections:
            for panel, _ in gf.sql_targets(dashboard):
                assert (name, panel["title"], panel["type"], selection) in results
            for variable in gf.variables(dashboard):
                assert (name, f"variable ${variable['name']}", "variable", selection) in results
    assert sum(1 for key in results if key[0] == "alert rules") == len(gf.alert_rules())
    for key, by_range in results.items():
        for range_text, result in by_range.items():
            assert "error" not in result, (key, range_text, result)
            assert len(result["times"]) == 1 and result["times"][0] >= 0
    # Over 30 days of the fleet, every query of the overview with all hosts returns rows.
    overview = [(key, r["30d"]["rows"]) for key, r in results.items() if key[0] == "agent-overview"
                and key[3] == "all hosts" and key[1] != "Hosts gone silent"]
    assert overview and all(rows > 0 for _, rows in overview), overview
    assert "Per dashboard and selection" in done.stdout


def test_generated_rows_lie_in_time_order_as_the_collector_writes_them(pg, fleet_db):
    # The BRIN indexes on ts, and so the timings, depend on it. Each partition has its own (the parent's statistics
    # mix the partitions in no particular order).
    for table in ("events", "otlp_metrics"):
        correlations = pg.query(f"""
            SELECT s.tablename, s.correlation FROM pg_stats s
            JOIN pg_partition_tree('{table}') AS t ON t.relid = (quote_ident(s.tablename))::regclass
            WHERE t.isleaf AND s.attname = 'ts' AND NOT s.inherited""", DATABASE, "postgres").rows
        assert correlations, table
        for partition, correlation in correlations:
            assert float(correlation) > 0.95, partition

"""Migrations 012-014 on a database that holds data: a database made by migrations 001-009 and seeded (the deploy
seed, 40,000 more events over 30 days, some dated ahead and years off, metric points and spans) is partitioned by
`collector migrate` with nothing lost or changed; the old table is the legacy partition (no copy), events dated after
the cutover moved to their partitions, and a replay of a stored event, through the real collector, is a duplicate."""
import json
import shutil
import urllib.request

import pytest

import telemetry_db as db
from collector_process import Collector
from paths import REPO
from pgcluster import free_port

DATABASE = "telemetry_partition_upgrade"
# What each table is unique by after the migrations; the digest of every row covers every column.
TABLES = {"events": "host_id, event_id, ts", "otlp_metrics": "host_id, point_id, ts",
          "spans": "host_id, trace_id, span_id, start_ts"}

SEED = """
INSERT INTO events (host_id, session_id, event_type, ts, event_id, attributes)
SELECT 'host-' || (i % 7), 'session-' || (i / 60), 'PreToolUse', now() - make_interval(secs => i * 60),
       'bulk-' || i, jsonb_build_object('i', i)
FROM generate_series(1, 40000) AS i;
-- Clocks ahead (tomorrow and next week) and years off, both ways.
INSERT INTO events (host_id, session_id, event_type, ts, event_id) VALUES
    ('laptop', 'skewed', 'Stop', now() + interval '1 day 1 hour', 'ahead-1'),
    ('laptop', 'skewed', 'Stop', now() + interval '6 days', 'ahead-6'),
    ('laptop', 'skewed', 'Stop', '2035-03-01Z', 'far-ahead'),
    ('laptop', 'skewed', 'Stop', '1999-03-01Z', 'far-back');
INSERT INTO otlp_metrics (host_id, name, kind, ts, value, point_id)
SELECT 'host-' || (i % 7), 'claude_code.cost.usage', 'sum', now() - make_interval(mins => i * 5), i, 'point-' || i
FROM generate_series(1, 3000) AS i;
INSERT INTO otlp_metrics (host_id, name, kind, ts, value, point_id)
VALUES ('laptop', 'claude_code.cost.usage', 'sum', now() + interval '3 days', 1, 'point-ahead');
INSERT INTO spans (host_id, trace_id, span_id, name, start_ts, source)
SELECT 'host-' || (i % 7), 'trace-' || (i / 10), 'span-' || i, 'chat', now() - make_interval(mins => i), 'otlp'
FROM generate_series(1, 2000) AS i;
"""


def snapshot(pg):
    """Per table: the row count and a digest of every row, ordered by its key."""
    result = {}
    for table, key in TABLES.items():
        (row,) = pg.query(f"SELECT count(*), md5(string_agg(t::text, '|' ORDER BY {key})) FROM "
                          f"(SELECT * FROM {table}) AS t", DATABASE, "postgres").rows
        result[table] = row
    return result


@pytest.fixture(scope="module")
def upgraded(pg, tmp_path_factory):
    db.create_database(pg, DATABASE)
    # Today's install: the collector migrated it with 001-009.
    before_partitions = tmp_path_factory.mktemp("sql-001-009")
    for path in db.migrations():
        if path.name < "010":
            shutil.copy(path, before_partitions)
    migrator = Collector(pg.dsn(db.MIGRATOR, db.MIGRATOR_PASSWORD, DATABASE), free_port(), 1048576, 1048576)
    try:
        migrator.env["MIGRATIONS_DIR"] = str(before_partitions)
        migrator.run("migrate")
        pg.run_file(str(REPO / "Tests" / "deploy" / "seed.sql"), DATABASE, user=db.MIGRATOR)
        pg.run_sql(SEED, DATABASE, db.MIGRATOR)
        before = snapshot(pg)
        migrator.env["MIGRATIONS_DIR"] = str(REPO / "sql")
        applied = migrator.run("migrate").split()
    finally:
        migrator.stop()
    assert {"012_partition_keys_concurrently.sql", "013_partition_events.sql",
            "014_partition_metrics_and_spans.sql"} <= set(applied)
    db.give_writer_login(pg, DATABASE)
    return before


def rows(pg, sql):
    return pg.query(sql, DATABASE, "postgres").rows


def test_every_row_is_kept_unchanged(pg, upgraded):
    assert snapshot(pg) == upgraded


def test_the_old_table_is_the_legacy_partition_up_to_the_next_midnight(pg, upgraded):
    for table in TABLES:
        assert rows(pg, f"SELECT relkind FROM pg_class WHERE oid = '{table}'::regclass") == [["p"]]
        assert rows(pg, f"""
            SELECT partition_name, lower_bound, upper_bound = date_trunc('day', now(), 'UTC') + interval '1 day'
            FROM telemetry_partition_bounds('{table}') WHERE lower_bound = '-infinity'""") == [
            [f"{table}_legacy", "-infinity", "t"]]
    assert rows(pg, "SELECT count(*) FROM events_legacy")[0][0] == rows(
        pg, "SELECT count(*) FROM events WHERE ts < date_trunc('day', now(), 'UTC') + interval '1 day'")[0][0]


def test_rows_dated_after_the_cutover_moved_to_their_partitions(pg, upgraded):
    placed = dict(rows(pg, "SELECT event_id, tableoid::regclass::text FROM events WHERE session_id = 'skewed'"))
    assert placed["ahead-1"].startswith("events_p") and placed["ahead-6"].startswith("events_p")
    assert placed["far-ahead"] == "events_default"
    assert placed["far-back"] == "events_legacy"
    assert rows(pg, "SELECT tableoid::regclass::text FROM otlp_metrics WHERE point_id = 'point-ahead'")[0][0].startswith(
        "otlp_metrics_p")


def test_partitions_are_ready_a_week_ahead(pg, upgraded):
    for table in TABLES:
        assert rows(pg, f"""
            SELECT count(*) FROM telemetry_partition_bounds('{table}')
            WHERE lower_bound <= now() + interval '7 days' AND upper_bound > now() + interval '7 days'""") == [["1"]]


def test_the_new_unique_keys_are_valid_on_every_partition(pg, upgraded):
    invalid = rows(pg, """
        SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
        WHERE NOT i.indisvalid AND c.relnamespace = 'public'::regnamespace""")
    assert invalid == []
    assert rows(pg, "SELECT indexdef LIKE '%(host_id, event_id, ts)' FROM pg_indexes "
                    "WHERE indexname = 'events_host_event_id_ts'") == [["t"]]


def test_a_stored_event_sent_again_through_the_collector_is_a_duplicate(pg, upgraded):
    (ts,) = rows(pg, "SELECT to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') FROM events "
                     "WHERE event_id = 'bulk-100'")[0]
    collector = Collector(pg.dsn(db.WRITER, db.WRITER_PASSWORD, DATABASE), free_port(), 1048576, 1048576)
    try:
        key = collector.run("keys", "create", "--host", "host-2").strip()
        collector.start()
        batch = {"events": [{"sessionId": "session-1", "eventType": "PreToolUse", "timestamp": ts, "eventId": "bulk-100"},
                            {"sessionId": "session-1", "eventType": "PreToolUse", "timestamp": ts, "eventId": "after-upgrade"}]}
        for expected in ({"inserted": 1, "duplicates": 1}, {"inserted": 0, "duplicates": 2}):
            request = urllib.request.Request(f"http://127.0.0.1:{collector.port}/api/v1/telemetry/batch",
                                             data=json.dumps(batch).encode(), method="POST",
                                             headers={"Content-Type": "application/json", "X-API-Key": key})
            with urllib.request.urlopen(request, timeout=10) as response:
                answer = json.loads(response.read())
            assert {k: answer[k] for k in expected} == expected
    finally:
        collector.stop()
    assert rows(pg, "SELECT count(*) FROM events WHERE event_id IN ('bulk-100', 'after-upgrade')") == [["2"]]

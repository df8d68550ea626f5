"""Upgrading a database made by the last release (the migrations of e8ffeb8, frozen in fixtures/release-e8ffeb8/sql)
to the current migrations, as `docker compose up -d --build` does it: the migrate service runs while the old collector
(the release's own binary, built from its commit) still serves a steady load, then the new collector replaces the old one. Nothing the old or the new collector
acknowledged is lost or stored twice, and the release's data is untouched."""
import time

import telemetry_db as db
from collector_process import Collector
from load import Load, stored_event_ids
from paths import REPO
from pgcluster import free_port
from release_build import release_collector_binary

RELEASE = REPO / "Tests" / "deploy" / "fixtures" / "release-e8ffeb8" / "sql"
DATABASE = "telemetry_upgrade"
TABLES = ("events", "transcripts", "otlp_metrics", "api_keys")


def test_released_migrations_are_never_edited():
    released = sorted(RELEASE.glob("*.sql"))
    assert [p.name for p in released] == ["001_initial.sql", "002_grafana_reader.sql", "003_otlp_metrics.sql"]
    for path in released:
        assert (REPO / "sql" / path.name).read_bytes() == path.read_bytes(), \
            f"sql/{path.name} was released in e8ffeb8 and must not change: add a new migration instead"


def counts(pg, where=""):
    return {table: int(pg.query(f"SELECT count(*) FROM {table} {where if table == 'events' else ''}", DATABASE,
                                "postgres").rows[0][0]) for table in TABLES}


def test_upgrading_a_release_database_under_load_loses_nothing(pg):
    db.create_database(pg, DATABASE)
    port = free_port()
    dsn = pg.dsn(db.MIGRATOR, db.MIGRATOR_PASSWORD, DATABASE)
    old = Collector(dsn, port, 1048576, 1048576)
    old.binary = release_collector_binary()
    old.env["MIGRATIONS_DIR"] = str(RELEASE)
    new = Collector(dsn, port, 1048576, 1048576)
    try:
        assert old.run("migrate").split() == ["applied", "001_initial.sql", "applied", "002_grafana_reader.sql",
                                              "applied", "003_otlp_metrics.sql"]
        pg.run_file(str(REPO / "Tests" / "deploy" / "seed.sql"), DATABASE, user=db.MIGRATOR)
        db.give_reader_login(pg, DATABASE)
        key = old.run("keys", "create", "--host", "laptop").strip()
        released_data = counts(pg, "WHERE event_id NOT LIKE 'upgrade-%'")
        old.start()
        with Load(port, key, "upgrade") as load:
            load.wait_for_answers(20)
            # docker compose up -d --build: the migrate service, the collector-writer service, then the new collector.
            migrating = time.monotonic()
            applied = new.run("migrate").split()
            current = sorted(path.name for path in (REPO / "sql").glob("*.sql"))
            assert applied == [word for name in current[3:] for word in ("applied", name)]
            db.give_writer_login(pg, DATABASE)
            answered = len(load.answers)
            load.wait_for_answers(answered + 10)  # the old collector kept answering after the migrations
            old.stop()
            new.start()
            restarted = time.monotonic()
            load.wait_for_answers(len(load.answers) + 20)
        after_restart = {i for at, status, ids in load.answers if at > restarted and status == 200 for i in ids}
        assert after_restart, "the new collector acknowledged nothing"
        # Only 200 (committed) and 202 (spooled) count; a request refused while no collector listened is the host's
        # to send again, and a 503 promises nothing. The release inserts with ON CONFLICT (host_id, event_id), which
        # matches no unique key once events is partitioned (migration 013): until it is replaced it answers 500, which
        # promises nothing either (docs/operations.md, "Upgrading a database that holds data").
        acknowledged = load.acknowledged()
        assert set(load.statuses()) <= {200, 202, 500, 503}, load.statuses()
        refused = [at for at, status, _ in load.answers if status == 500]
        assert all(migrating < at < restarted for at in refused), "a 500 outside the old collector's last moments"
        deadline = time.monotonic() + 20
        while True:
            rows, ids = stored_event_ids(pg, DATABASE, "upgrade")
            if not acknowledged - ids or time.monotonic() > deadline:
                break
            time.sleep(0.5)  # anything spooled is replayed shortly
        assert not acknowledged - ids, f"{len(acknowledged - ids)} acknowledged events are missing"
        assert rows == len(ids), "an event was stored twice"
    finally:
        old.stop()
        new.stop()
    assert counts(pg, "WHERE event_id NOT LIKE 'upgrade-%'") == released_data
    (applied,) = pg.query("SELECT string_agg(version, ',' ORDER BY version) FROM schema_migrations", DATABASE,
                          "postgres").rows
    assert applied == [",".join(name[:3] for name in sorted(path.name for path in (REPO / "sql").glob("*.sql")))]
    # The release's readers keep their view; the new role may write.
    assert pg.query("SELECT count(*) > 0 FROM transcripts", DATABASE, db.READER, db.READER_PASSWORD).rows == [["t"]]
    assert pg.query("SELECT has_table_privilege('events', 'INSERT')", DATABASE, db.WRITER,
                    db.WRITER_PASSWORD).rows == [["t"]]

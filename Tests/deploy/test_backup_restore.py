"""Backup and restore as the README's Operations section describes them: pg_dump of the live database while the real
collector keeps storing events, then the restore steps into a new cluster, and a collector pointed at it finds every
event acknowledged before the dump started, the keys, and the roles' grants."""
import os
import subprocess
import time

import pytest

import telemetry_db as db
from collector_process import Collector
from load import Load, stored_event_ids
from pgcluster import PostgresCluster, free_port

DATABASE = "telemetry_backup"
# The README's restore steps, before pg_restore: the roles the dump grants to (roles belong to the cluster, so
# pg_dump does not carry them; the login services give them their passwords afterwards).
RESTORE_ROLES = "CREATE ROLE grafana_reader NOLOGIN;\nCREATE ROLE collector_writer NOLOGIN;\n"


def collector_for(cluster, database):
    return Collector(cluster.dsn(db.MIGRATOR, db.MIGRATOR_PASSWORD, database), free_port(), 1048576, 1048576)


@pytest.fixture
def target():
    cluster = PostgresCluster()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


def test_a_dump_taken_under_load_restores_everything_acknowledged_before_it_into_a_new_cluster(pg, target, tmp_path):
    db.create_database(pg, DATABASE)
    source = collector_for(pg, DATABASE)
    dump = tmp_path / "telemetry.dump"
    try:
        source.run("migrate")
        key = source.run("keys", "create", "--host", "laptop").strip()
        source.start()
        with Load(source.port, key, "backup") as load:
            load.wait_for_answers(25)
            started = time.monotonic()
            # docker compose exec -T postgres sh -c 'pg_dump -U "$POSTGRES_USER" -d "$POSTGRES_DB" --format=custom'
            subprocess.run([os.path.join(pg.bindir, "pg_dump"), "--host", pg.socket_dir, "--port", str(pg.port),
                            "--username", "postgres", "--format=custom", "--file", str(dump), DATABASE],
                           check=True, capture_output=True, timeout=60)
            answered_before = len(load.answers)
            load.wait_for_answers(answered_before + 10)  # the load went on during the dump, and goes on after it
        acknowledged = load.acknowledged(before=started, statuses=(200,))
        assert len(acknowledged) >= 200 and load.statuses().keys() == {200}, load.statuses()
    finally:
        source.stop()

    # The restore, as in the README: a new server, its owner and database, the roles, pg_restore, then `up`.
    db.create_migrator(target)
    db.create_database(target, DATABASE)
    target.run_sql(RESTORE_ROLES, DATABASE)
    subprocess.run([os.path.join(target.bindir, "pg_restore"), "--host", target.socket_dir, "--port", str(target.port),
                    "--username", "postgres", "--dbname", DATABASE, "--exit-on-error", str(dump)],
                   check=True, capture_output=True, text=True, timeout=60)
    restored = collector_for(target, DATABASE)
    try:
        assert restored.run("migrate").strip() == "nothing to apply"
        db.give_writer_login(target, DATABASE)
        db.give_reader_login(target, DATABASE)
        restored.start()
        rows, ids = stored_event_ids(target, DATABASE, "backup")
        assert not acknowledged - ids, f"{len(acknowledged - ids)} events acknowledged before the dump are missing"
        assert rows == len(ids)
        # The host's key came along: the same host keeps sending to the restored server.
        with Load(restored.port, key, "after-restore", interval=0.05) as after:
            after.wait_for_answers(3)
        assert after.statuses().keys() == {200}
    finally:
        restored.stop()
    # Grants came along too: Grafana reads events but not keys, the collector's role writes events.
    reader = target.query("SELECT has_table_privilege('events', 'SELECT'), has_table_privilege('api_keys', 'SELECT')",
                          DATABASE, db.READER, db.READER_PASSWORD).rows
    assert reader == [["t", "f"]]
    writer = target.query("SELECT has_table_privilege('events', 'INSERT'), has_table_privilege('events', 'UPDATE')",
                          DATABASE, db.WRITER, db.WRITER_PASSWORD).rows
    assert writer == [["t", "f"]]

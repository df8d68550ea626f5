"""sql/002_grafana_reader.sql on its own cluster: the role it creates, and two databases of one cluster migrating at
the same moment (roles are cluster-wide, so both try to create grafana_reader)."""
import select
import subprocess
import time

import pytest

import telemetry_db as db
from paths import REPO
from pgcluster import PostgresCluster

READER_MIGRATION = REPO / "sql" / "002_grafana_reader.sql"


@pytest.fixture(scope="module")
def cluster():
    cluster = PostgresCluster()
    try:
        cluster.start()
        db.create_migrator(cluster)
        for name in ("first", "second"):
            db.create_database(cluster, name)
            db.apply_migrations(cluster, name, [p for p in db.migrations() if p.name < READER_MIGRATION.name])
        yield cluster
    finally:
        cluster.stop()


def read_until(stream, marker, timeout):
    deadline, seen = time.monotonic() + timeout, ""
    while marker not in seen:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([stream], [], [], remaining)[0]:
            raise TimeoutError(f"no {marker!r} from psql; got {seen!r}")
        line = stream.readline()
        if not line:
            raise EOFError(f"psql ended before {marker!r}; got {seen!r}")
        seen += line
    return seen


def wait_for_lock_wait(cluster, database, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        waiting = cluster.query(f"SELECT count(*) FROM pg_stat_activity WHERE datname = '{database}' "
                                "AND wait_event_type = 'Lock'", "postgres", "postgres").rows[0][0]
        if waiting != "0":
            return
        time.sleep(0.05)
    raise TimeoutError(f"the migration of {database} never waited for the other one")


def test_two_databases_migrating_at_once_both_succeed_and_share_one_role(cluster):
    cmd, env = cluster.psql_command("first", db.MIGRATOR)
    holder = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, env=env)
    started = [holder]
    try:
        # The first database creates the role inside a transaction that stays open...
        holder.stdin.write(f"BEGIN;\n\\i {READER_MIGRATION}\n\\echo created-and-holding\n")
        holder.stdin.flush()
        read_until(holder.stdout, "created-and-holding", timeout=20)
        # ...while the second one's migration tries to create it too, and has to wait for the first to finish.
        second_cmd, second_env = cluster.psql_command("second", db.MIGRATOR)
        second = subprocess.Popen(second_cmd + ["-1", "-f", str(READER_MIGRATION)], env=second_env,
                                  stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        started.append(second)
        wait_for_lock_wait(cluster, "second")
        assert second.poll() is None
        holder.stdin.write("COMMIT;\n\\q\n")
        holder.stdin.flush()
        assert holder.wait(timeout=20) == 0, holder.stderr.read()
        _, errors = second.communicate(timeout=20)
        assert second.returncode == 0, errors
    finally:
        for process in started:
            if process.poll() is None:
                process.kill()

    for database in ("first", "second"):
        (row,) = cluster.query("""
            SELECT has_table_privilege('grafana_reader', 'events', 'SELECT'),
                   has_table_privilege('grafana_reader', 'transcripts', 'SELECT'),
                   has_table_privilege('grafana_reader', 'api_keys', 'SELECT')""", database, "postgres").rows
        assert row == ["t", "t", "f"], database


def test_migrations_alone_leave_the_role_unable_to_log_in(cluster):
    (row,) = cluster.query("SELECT rolcanlogin, rolsuper FROM pg_roles WHERE rolname = 'grafana_reader'",
                           "postgres", "postgres").rows
    assert row == ["f", "f"]

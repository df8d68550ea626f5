"""Fixtures for the deployment tests: a real PostgreSQL, migrated by the real sql/ files, with seeded telemetry;
the real Caddy with the repository's Caddyfile; the real collector; a stand-in for Grafana.

Run from the repository root, after scripts/test made the virtual environment: .venv/bin/python -m pytest -q Tests/deploy
"""
import os
import shutil

import pytest

import telemetry_db as db
from caddy_proxy import MAX_BODY_BYTES, MAX_TRANSCRIPT_BYTES, CaddyProxy
from collector_process import Collector
from paths import REPO, SHARED_SCHEMAS
from pgcluster import PostgresCluster, find_bindir, free_port
from standin import StandIn

DATABASE = "telemetry"


@pytest.fixture(scope="session")
def pg():
    cluster = PostgresCluster()
    try:
        cluster.start()
        db.create_migrator(cluster)
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def telemetry_db(pg):
    """Migrated, seeded (Tests/deploy/seed.sql), its rollups folded as the collector's job folds them, and
    grafana_reader may log in, as in a deployment."""
    db.create_database(pg, DATABASE)
    db.apply_migrations(pg, DATABASE)
    pg.run_file(str(REPO / "Tests" / "deploy" / "seed.sql"), DATABASE, user=db.MIGRATOR)
    db.fold_rollups(pg, DATABASE)
    db.give_reader_login(pg, DATABASE)
    return DATABASE


@pytest.fixture(scope="session")
def reader_query(pg, telemetry_db):
    """Runs one statement as Grafana does: grafana_reader over TCP with its password."""
    def run(sql, settings=None):
        return pg.query(sql, telemetry_db, db.READER, db.READER_PASSWORD, settings=settings)
    return run


@pytest.fixture(scope="session")
def collector_port():
    """Reserved before Caddy starts, so that Caddy can proxy to a collector that only some tests start."""
    return free_port()


@pytest.fixture(scope="session")
def grafana_standin():
    """Answers like Grafana without allow_embedding (X-Frame-Options: deny), to show Caddy's header rules win."""
    with StandIn(headers={"X-Frame-Options": "deny", "X-Content-Type-Options": "nosniff"}) as grafana:
        yield grafana


@pytest.fixture(scope="session")
def caddy(collector_port, grafana_standin):
    proxy = CaddyProxy(collector_port=collector_port, grafana_port=grafana_standin.port)
    try:
        yield proxy.start()
    finally:
        proxy.stop()


@pytest.fixture(scope="session")
def collector(pg, collector_port):
    """The real collector, migrating its own database of the fixture cluster; fails when COLLECTOR_BIN is missing."""
    try:
        process = Collector(pg.dsn(db.MIGRATOR, db.MIGRATOR_PASSWORD, db.E2E_DATABASE), collector_port,
                            MAX_BODY_BYTES, MAX_TRANSCRIPT_BYTES)
    except RuntimeError as error:
        pytest.fail(str(error))
    db.create_database(pg, db.E2E_DATABASE)
    try:
        process.run("migrate")
        db.give_reader_login(pg, db.E2E_DATABASE)
        process.key = process.run("keys", "create", "--host", "laptop", "--description", "Deploy test").strip()
        yield process.start()
    finally:
        process.stop()


def pytest_report_header(config):
    try:
        bindir = find_bindir()
    except RuntimeError as missing:
        bindir = str(missing)
    return [f"deploy tests: repo {REPO}, shared schemas {SHARED_SCHEMAS}",
            f"PostgreSQL binaries: {bindir}; caddy: {shutil.which('caddy') or 'missing'}",
            f"COLLECTOR_BIN={os.environ.get('COLLECTOR_BIN', '(not set)')}"]

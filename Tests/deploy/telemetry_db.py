"""The roles and databases the deploy tests use, set up the way a deployment sets them up."""
from paths import REPO

E2E_DATABASE = "telemetry_e2e"  # the collector migrates this one itself, as in a deployment
MIGRATOR = "telemetry"  # owns the databases and runs the migrations, as the collector's user does
MIGRATOR_PASSWORD = "migrator-test-password"
READER = "grafana_reader"
READER_PASSWORD = "reader-test-password"
# What .env gives postgres/grafana-reader-login.sql (through the grafana-reader service).
READER_ENV = {"GRAFANA_READER_PASSWORD": READER_PASSWORD, "ALERT_SILENT_HOST_AFTER": "30 minutes",
              "ALERT_DENY_ERROR_RATE": "0.5"}
READER_LOGIN_SCRIPT = REPO / "postgres" / "grafana-reader-login.sql"
WRITER = "collector_writer"  # the serving collector's role (sql/004_collector_writer.sql)
WRITER_PASSWORD = "writer-test-password"
WRITER_LOGIN_SCRIPT = REPO / "postgres" / "collector-writer-login.sql"


def migrations():
    return sorted((REPO / "sql").glob("*.sql"))


def create_migrator(cluster):
    # Not a superuser: the migrations must work for a plain database owner that may create roles.
    cluster.run_sql(f"CREATE ROLE {MIGRATOR} LOGIN CREATEROLE PASSWORD '{MIGRATOR_PASSWORD}';")


def create_database(cluster, name):
    cluster.run_sql(f"CREATE DATABASE {name} OWNER {MIGRATOR};")


OUTSIDE_TRANSACTION = "-- migrate: outside a transaction"  # Sources/Postgres/Migrator.swift


def apply_migrations(cluster, database, files=None):
    """Each file in one transaction, in file-name order: how the collector applies them (a file marked to run
    outside a transaction, statement by statement, as psql does without -1)."""
    for path in files or migrations():
        cluster.run_file(str(path), database, user=MIGRATOR,
                         single_transaction=not path.read_text().startswith(OUTSIDE_TRANSACTION))


def fold_rollups(cluster, database):
    """What the collector's rollup job does with rows inserted by any means (sql/015_rollups.sql): fold every marked
    (host, hour) into the rollups."""
    cluster.run_sql("SELECT rollups_fold(1000000);", database, user=MIGRATOR)


def give_reader_login(cluster, database, env=None):
    """What the grafana-reader compose service does on every `docker compose up`."""
    return cluster.run_file(str(READER_LOGIN_SCRIPT), database, single_transaction=False,
                            extra_env=env or READER_ENV)


def give_writer_login(cluster, database, env=None):
    """What the collector-writer compose service does on every `docker compose up`, after the migrations."""
    return cluster.run_file(str(WRITER_LOGIN_SCRIPT), database, single_transaction=False,
                            extra_env=env if env is not None else {"COLLECTOR_DB_PASSWORD": WRITER_PASSWORD})

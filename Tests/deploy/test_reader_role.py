"""grafana_reader, as Grafana uses it (TCP, password): reads events and transcripts, cannot read api_keys, cannot write."""
import pytest

import telemetry_db as db
from pgcluster import QueryError

WRITES = [
    "INSERT INTO events (host_id, session_id, event_type, ts) VALUES ('x', 'x', 'x', now())",
    "UPDATE events SET decision = 'APPROVED'",
    "DELETE FROM transcripts",
    "TRUNCATE events",
    "INSERT INTO api_keys (key_hash, host_id) VALUES (repeat('a', 64), 'intruder')",
    "UPDATE api_keys SET revoked_at = NULL",
    "CREATE TABLE public.grafana_notes (note text)",
]


def as_reader(pg, telemetry_db, script):
    return pg.run_sql(script, telemetry_db, db.READER, db.READER_PASSWORD)


def test_reader_reads_events_and_transcripts(reader_query):
    assert int(reader_query("SELECT count(*) FROM events").rows[0][0]) > 0
    assert int(reader_query("SELECT count(*) FROM transcripts").rows[0][0]) > 0


def test_reader_cannot_read_api_keys(reader_query):
    with pytest.raises(QueryError, match="permission denied for table api_keys"):
        reader_query("SELECT host_id FROM api_keys")


@pytest.mark.parametrize("statement", WRITES)
def test_reader_cannot_write_even_in_a_read_write_transaction(pg, telemetry_db, statement):
    with pytest.raises(QueryError, match="permission denied"):
        as_reader(pg, telemetry_db, f"SET default_transaction_read_only = off;\n{statement};")


@pytest.mark.parametrize("statement", [WRITES[0], "CREATE TEMPORARY TABLE scratch (x int)"])
def test_reader_sessions_are_read_only(pg, telemetry_db, statement):
    with pytest.raises(QueryError, match="read-only transaction"):
        as_reader(pg, telemetry_db, f"{statement};")


def test_reader_needs_its_password(pg, telemetry_db):
    with pytest.raises(QueryError, match="password authentication failed"):
        pg.run_sql("SELECT 1;", telemetry_db, db.READER, "wrong-password")


def test_reader_holds_select_on_every_table_but_api_keys_and_nothing_more(pg, telemetry_db):
    rows = pg.query("""
        SELECT c.relname,
               array_to_string(ARRAY(
                   SELECT p FROM unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES',
                                              'TRIGGER']) AS p
                   WHERE has_table_privilege('grafana_reader', c.oid, p)), ',') AS privileges,
               has_any_column_privilege('grafana_reader', c.oid, 'SELECT') AS any_column
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm')
        ORDER BY 1""", telemetry_db, "postgres").rows
    privileges = {name: (granted, any_column) for name, granted, any_column in rows}
    assert privileges.pop("api_keys") == (None, "f")
    assert {"events", "transcripts"} <= set(privileges)
    assert set(privileges.values()) == {("SELECT", "t")}


def test_tables_of_later_migrations_are_readable_and_nothing_more(pg, telemetry_db):
    granted = pg.run_sql("""
        \\pset format unaligned
        \\pset tuples_only on
        BEGIN;
        CREATE TABLE session_summaries (session_id text);
        SELECT has_table_privilege('grafana_reader', 'session_summaries', 'SELECT') AS can_select,
               has_table_privilege('grafana_reader', 'session_summaries', 'INSERT') AS can_insert;
        ROLLBACK;""", telemetry_db, db.MIGRATOR)
    assert granted.split() == ["t|f"]


def test_reader_role_has_no_attribute_or_membership_beyond_login(pg, telemetry_db):
    (row,) = pg.query("""
        SELECT rolcanlogin, rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls, rolinherit,
               (SELECT count(*) FROM pg_auth_members m WHERE m.member = r.oid) AS memberships
        FROM pg_roles r WHERE rolname = 'grafana_reader'""", telemetry_db, "postgres").rows
    assert row == ["t", "f", "f", "f", "f", "f", "t", "0"]

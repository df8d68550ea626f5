"""collector_writer, the serving collector's role (sql/004_collector_writer.sql, postgres/collector-writer-login.sql):
over TCP with its password, against a database the real collector migrated as the owner, it can do everything the
collector's SQL does and nothing more: no reading what it only writes, no DDL, no roles."""
import json
import urllib.request

import pytest

import telemetry_db as db
from collector_process import Collector
from pgcluster import QueryError, free_port

DATABASE = "telemetry_writer"
HASH = "ab" * 32


@pytest.fixture(scope="module")
def writer_db(pg):
    """Migrated by `collector migrate` as the owner (so schema_migrations exists), the writer given its login."""
    db.create_database(pg, DATABASE)
    migrator = Collector(pg.dsn(db.MIGRATOR, db.MIGRATOR_PASSWORD, DATABASE), free_port(), 1048576, 1048576)
    try:
        migrator.run("migrate")
    finally:
        migrator.stop()
    db.give_writer_login(pg, DATABASE)
    pg.run_sql(f"INSERT INTO api_keys (key_hash, host_id) VALUES ('{HASH}', 'laptop');", DATABASE)
    return DATABASE


def as_writer(pg, sql):
    return pg.run_sql(f"\\pset tuples_only on\n\\pset format unaligned\n{sql}", DATABASE, db.WRITER, db.WRITER_PASSWORD)


# What the collector's statements do (Sources/Collector: EventColumns, TranscriptUpload, MetricColumns, KeyStore,
# KeyAdministration, RetentionSweeper, Migrator), with literals in place of the parameters.
EVENTS_INSERT = """
    INSERT INTO events (host_id, session_id, event_type, ts, agent_name, decision, decision_reason, tool_name,
                        latency_ms, model_tier, event_id, attributes)
    SELECT * FROM unnest('{laptop,laptop}'::text[], '{s1,s1}'::text[], '{PreToolUse,Stop}'::text[],
                         '{2024-01-15T10:30:00Z,2020-01-01T00:00:00Z}'::timestamptz[], '{a,a}'::text[],
                         '{APPROVED,NULL}'::text[], '{NULL,NULL}'::text[], '{Bash,NULL}'::text[], '{150,NULL}'::int4[],
                         '{haiku,NULL}'::text[], '{EVENT-1,EVENT-2}'::text[], '{"{}","{}"}'::jsonb[])
    ON CONFLICT (host_id, event_id, ts) DO NOTHING"""
TRANSCRIPT_UPSERT = """
    INSERT INTO transcripts (host_id, session_id, agent_name, transcript, metadata, size_bytes, received_at)
    VALUES ('laptop', '{session}', 'claude-code', '[1]', '{{}}', 3, '{received}')
    ON CONFLICT (host_id, session_id) DO UPDATE SET
        agent_name = EXCLUDED.agent_name, transcript = EXCLUDED.transcript, metadata = EXCLUDED.metadata,
        size_bytes = EXCLUDED.size_bytes, received_at = EXCLUDED.received_at, updated_at = now()
    WHERE transcripts.received_at <= EXCLUDED.received_at
    RETURNING (xmax = 0) AS created"""


def test_writer_inserts_events_and_is_told_which_were_duplicates(pg, writer_db):
    as_writer(pg, EVENTS_INSERT.replace("EVENT", "w1") + ";")
    returned = as_writer(pg, EVENTS_INSERT.replace("EVENT", "w1").replace("'{w1-1,", "'{w1-3,")
                         + " RETURNING host_id, event_id, ((extract(epoch FROM ts) - 946684800) * 1000000)::int8;")
    assert returned.split() == ["laptop|w1-3|758629800000000"]


def test_writer_upserts_a_transcript_and_a_late_older_upload_changes_nothing(pg, writer_db):
    upsert = TRANSCRIPT_UPSERT
    assert as_writer(pg, upsert.format(session="w2", received="2024-01-02T00:00:00Z") + ";").split() == ["t"]
    assert as_writer(pg, upsert.format(session="w2", received="2024-01-03T00:00:00Z") + ";").split() == ["f"]
    assert as_writer(pg, upsert.format(session="w2", received="2024-01-01T00:00:00Z") + ";").split() == []


def test_writer_inserts_otlp_metric_points_once(pg, writer_db):
    insert = """
        INSERT INTO otlp_metrics (host_id, session_id, name, kind, unit, temporality, is_monotonic, start_ts, ts, value,
                                  detail, attributes, resource, point_id)
        SELECT 'laptop', * FROM unnest('{s1}'::text[], '{claude_code.cost.usage}'::text[], '{sum}'::text[],
                                       '{USD}'::text[], '{delta}'::text[], '{t}'::bool[], '{NULL}'::timestamptz[],
                                       '{2024-01-15T10:30:00Z}'::timestamptz[], '{0.5}'::float8[], '{NULL}'::jsonb[],
                                       '{"{}"}'::jsonb[], '{"{}"}'::jsonb[], '{w3}'::text[])
        ON CONFLICT (host_id, point_id, ts) DO NOTHING;"""
    as_writer(pg, insert)
    as_writer(pg, insert)
    assert pg.query("SELECT count(*) FROM otlp_metrics WHERE point_id = 'w3'", writer_db, "postgres").rows == [["1"]]


def test_writer_loads_keys_and_records_their_use(pg, writer_db):
    active = as_writer(pg, "SELECT key_hash, host_id FROM api_keys WHERE revoked_at IS NULL OR revoked_at > now();")
    assert f"{HASH}|laptop" in active.split()
    touched = as_writer(pg, f"""
        UPDATE api_keys SET last_used_at = now()
        WHERE key_hash = '{HASH}' AND (revoked_at IS NULL OR revoked_at > now()) RETURNING host_id;""")
    assert touched.split() == ["laptop"]


def test_writer_administers_keys_as_collector_keys_does(pg, writer_db):
    as_writer(pg, f"""
        BEGIN;
        UPDATE api_keys SET revoked_at = now() + make_interval(secs => 3600)
        WHERE host_id = 'desk' AND (revoked_at IS NULL OR revoked_at > now() + make_interval(secs => 3600));
        INSERT INTO api_keys (key_hash, host_id, description, scope)
        VALUES ('{"cd" * 32}', 'desk', 'rotated',
                coalesce((SELECT scope FROM api_keys WHERE host_id = 'desk' ORDER BY created_at DESC LIMIT 1), 'ingest'));
        COMMIT;
        INSERT INTO api_keys (key_hash, host_id, description, scope) VALUES ('{"ef" * 32}', 'read:panel', 'Panel', 'read');
        UPDATE api_keys SET revoked_at = now() WHERE left(key_hash, 6) = 'cdcdcd' AND (revoked_at IS NULL OR revoked_at > now());""")
    listed = as_writer(pg, """
        SELECT left(key_hash, 12), host_id, description, to_char(created_at AT TIME ZONE 'UTC', 'YYYY'),
               to_char(last_used_at AT TIME ZONE 'UTC', 'YYYY'), revoked_at IS NOT NULL
        FROM api_keys ORDER BY host_id, created_at;""")
    assert any(line.startswith("cdcdcdcdcdcd|desk|rotated|") and line.endswith("|t") for line in listed.split("\n"))
    assert "efefefefefef|read:panel|Panel|" in listed


def test_writer_reads_whole_events_as_the_read_api_does(pg, writer_db):
    as_writer(pg, """INSERT INTO events (host_id, session_id, event_type, ts, attributes)
                     VALUES ('laptop', 'read-api', 'e', now(), '{"input_tokens": 5}');""")
    read = as_writer(pg, "SELECT attributes->>'input_tokens' FROM events WHERE session_id = 'read-api';")
    assert read.split() == ["5"]


def test_writer_creates_partitions_ahead_through_the_owners_function(pg, writer_db):
    """PartitionKeeper: the writer may create no table, only call the function (SECURITY DEFINER) that makes them."""
    made = as_writer(pg, """
        SELECT set_config('lock_timeout', '200ms', true);
        SELECT telemetry_partitions_create('events', date_trunc('day', now(), 'UTC') + make_interval(days => 20),
                                           date_trunc('day', now(), 'UTC') + make_interval(days => 22));""")
    assert made.split()[-1] == "2"
    owners = pg.query("""
        SELECT DISTINCT pg_get_userbyid(c.relowner) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'events'::regclass""", writer_db, "postgres").rows
    assert owners == [[db.MIGRATOR]]
    with pytest.raises(QueryError, match="is not a time-partitioned telemetry table"):
        as_writer(pg, "SELECT telemetry_partitions_create('api_keys', now(), now() + interval '1 day');")


def test_writer_deletes_what_retention_expires(pg, writer_db):
    """RetentionSweeper: expired partitions dropped and the straddling ones deleted from, through the owner's
    functions; transcripts deleted directly."""
    as_writer(pg, EVENTS_INSERT.replace("EVENT", "w4") + ";")
    as_writer(pg, TRANSCRIPT_UPSERT.format(session="w4", received="2024-01-01T00:00:00Z") + ";")
    pg.run_sql("UPDATE transcripts SET updated_at = '2020-01-01' WHERE session_id = 'w4';", writer_db)
    pg.run_sql("SELECT telemetry_partitions_create('events', '2024-01-15', '2024-01-16');", writer_db, db.MIGRATOR)
    as_writer(pg, EVENTS_INSERT.replace("EVENT", "w5") + ";")
    dropped = as_writer(pg, """
        SELECT set_config('lock_timeout', '200ms', true);
        SELECT telemetry_partitions_drop_oldest('events', now() - make_interval(days => 365));""")
    assert dropped.split()[-1] == "events_p20240115"
    deleted = as_writer(pg, """
        SELECT telemetry_delete_before('events', now() - make_interval(days => 365), 5000);
        DELETE FROM transcripts WHERE ctid IN (
            SELECT ctid FROM transcripts WHERE updated_at < now() - make_interval(days => 365) LIMIT 5000);""")
    assert int(deleted.split()[0]) >= 2
    left = pg.query("SELECT (SELECT count(*) FROM events WHERE event_id IN ('w4-1', 'w4-2', 'w5-1', 'w5-2')), "
                    "(SELECT count(*) FROM transcripts WHERE session_id = 'w4')", writer_db, "postgres").rows
    assert left == [["0", "0"]]


def test_writer_folds_and_refreshes_the_rollups_as_the_rollup_job_and_collector_rollups_refresh_do(pg, writer_db):
    as_writer(pg, EVENTS_INSERT.replace("EVENT", "w5") + ";")
    assert int(as_writer(pg, "SELECT rollups_fold(200);")) >= 1
    assert as_writer(pg, "SELECT rollups_oldest() <= '2020-01-01T00:00:00Z';").split() == ["t"]
    assert int(as_writer(pg, "SELECT rollups_refresh('2024-01-15T00:00:00Z', '2024-01-16T00:00:00Z');")) == 1
    rolled = pg.query("SELECT sum(events) FROM rollup_events WHERE width = 'day' AND bucket = '2024-01-15T00:00:00Z'",
                      writer_db, "postgres").rows
    assert rolled == [[str(len([r for r in pg.query("SELECT 1 FROM events WHERE ts::date = '2024-01-15'", writer_db,
                                                    "postgres").rows]))]]


def test_writer_executes_only_the_rollup_functions_the_collector_calls(pg, writer_db):
    rows = pg.query("""
        SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = 'public' AND p.proname LIKE 'rollup%' AND p.prosecdef
          AND has_function_privilege('collector_writer', p.oid, 'EXECUTE')
        ORDER BY 1""", writer_db, "postgres").rows
    assert [r[0] for r in rows] == ["rollups_fold", "rollups_oldest", "rollups_refresh"]


def test_writer_reads_which_migrations_are_applied(pg, writer_db):
    assert "004" in as_writer(pg, "SELECT version FROM schema_migrations;").split()


FORBIDDEN = [
    # Reading what it writes but never reads back: metric values, passwords. (Events it reads whole since migration
    # 007: the read API queries and exports them for read keys.)
    ("SELECT value FROM otlp_metrics LIMIT 1", "permission denied for table otlp_metrics"),
    ("SELECT rolpassword FROM pg_authid", "permission denied for table pg_authid"),
    ("SELECT pg_read_file('PG_VERSION')", "permission denied for function pg_read_file"),
    # Changing what it only inserts, or the keys beyond their use and revocation.
    ("UPDATE events SET decision = 'APPROVED'", "permission denied for table events"),
    ("DELETE FROM otlp_metrics", "permission denied for table otlp_metrics"),
    # Retention goes through the owner's functions (migration 013), never a DELETE or DROP of its own.
    ("DELETE FROM events", "permission denied for table events"),
    ("DROP TABLE events_default", "must be owner of table events_default"),
    ("INSERT INTO events_default (host_id, session_id, event_type, ts) VALUES ('a', 'b', 'c', now())",
     "permission denied for table events_default"),
    ("SELECT telemetry_partition_bounds('events')", "permission denied for function telemetry_partition_bounds"),
    # Retention through the functions keeps at least a day.
    ("SELECT telemetry_partitions_drop_oldest('events', now())", "retention cutoff .* is later than a day ago"),
    ("SELECT telemetry_delete_before('events', 'infinity', 10)", "retention cutoff .* is later than a day ago"),
    ("UPDATE api_keys SET host_id = 'intruder'", "permission denied for table api_keys"),
    # A run's upsert may merge what a run carries, never move a span to another host, trace or time, or delete it.
    ("UPDATE spans SET host_id = 'intruder'", "permission denied for table spans"),
    ("UPDATE spans SET start_ts = now()", "permission denied for table spans"),
    ("DELETE FROM spans", "permission denied for table spans"),
    ("DELETE FROM api_keys", "permission denied for table api_keys"),
    ("TRUNCATE events", "permission denied for table events"),
    ("INSERT INTO schema_migrations (version, file_name) VALUES ('999', 'x')", "permission denied for table schema_migrations"),
    # The schema, the cluster and the roles.
    ("CREATE TABLE public.notes (note text)", "permission denied for schema public"),
    ("CREATE TABLE IF NOT EXISTS schema_migrations (version text)", "permission denied for schema public"),
    ("CREATE VIEW public.every_event AS SELECT host_id FROM events", "permission denied for schema public"),
    ("DROP TABLE events", "must be owner of table events"),
    ("ALTER TABLE events ADD COLUMN note text", "must be owner of table events"),
    ("ALTER TABLE api_keys DISABLE ROW LEVEL SECURITY", "must be owner of table api_keys"),
    ("CREATE INDEX ON events (decision)", "must be owner of table events"),
    ("CREATE ROLE intruder LOGIN PASSWORD 'x'", "permission denied to create role"),
    ("ALTER ROLE collector_writer SUPERUSER", "must be superuser"),
    ("ALTER ROLE grafana_reader PASSWORD 'x'", "permission denied"),
    ("CREATE DATABASE copy_of_telemetry", "permission denied to create database"),
    ("COPY (SELECT 1) TO '/tmp/writer-was-here'", "to COPY to a file"),
]


@pytest.mark.parametrize("statement, error", FORBIDDEN, ids=[s for s, _ in FORBIDDEN])
def test_writer_cannot(pg, writer_db, statement, error):
    with pytest.raises(QueryError, match=error):
        as_writer(pg, f"{statement};")


# The columns of spans a LangSmith run's upsert merges, in the table's order.
RUN_MERGED = ["parent_span_id", "name", "end_ts", "duration_ms", "status_code", "status_message", "service_name",
              "session_id", "operation", "model_request", "model_response", "tool_name", "input_tokens", "output_tokens",
              "cache_read_tokens", "cache_creation_tokens", "attributes", "resource", "events", "run_type", "dotted_order",
              "inputs", "outputs"]


def test_writer_holds_exactly_the_privileges_the_collector_needs(pg, writer_db):
    """Every table of the schema: what the writer may do to it, whole and per column. A new table or grant changes
    this list; then add it here together with the collector statement that needs it."""
    rows = pg.query("""
        SELECT c.relname,
               array_to_string(ARRAY(
                   SELECT p FROM unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES',
                                              'TRIGGER']) AS p
                   WHERE has_table_privilege('collector_writer', c.oid, p)), ',') AS whole_table,
               array_to_string(ARRAY(
                   SELECT p || '(' || a.attname || ')'
                   FROM pg_attribute a, unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'REFERENCES']) AS p
                   WHERE a.attrelid = c.oid AND NOT a.attisdropped
                     AND NOT has_table_privilege('collector_writer', c.oid, p)
                     AND has_column_privilege('collector_writer', c.oid, a.attnum, p)
                   ORDER BY p, a.attnum), ',') AS columns
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S') AND NOT c.relispartition
        ORDER BY 1""", writer_db, "postgres").rows
    assert {name: (whole or "", columns or "") for name, whole, columns in rows} == {
        "api_keys": ("SELECT", "INSERT(key_hash),INSERT(host_id),INSERT(description),INSERT(scope),"
                               "UPDATE(revoked_at),UPDATE(last_used_at)"),
        "database_identity": ("SELECT", ""),
        # The read API (migration 007) queries and exports whole events; retention deletes through functions (013).
        "events": ("SELECT,INSERT", ""),
        # The read API prices tokens (migration 008).
        "model_prices": ("SELECT", ""),
        # INSERT ... ON CONFLICT (host_id, point_id, ts) DO NOTHING (migration 014).
        "otlp_metrics": ("INSERT", "SELECT(host_id),SELECT(ts),SELECT(point_id)"),
        # The rollups (migration 015) are written by functions that run as their owner: the writer holds nothing
        # on these tables, only EXECUTE on rollups_fold, rollups_refresh and rollups_oldest.
        "rollup_dirty": ("", ""),
        "rollup_event_dims": ("", ""),
        "rollup_events": ("", ""),
        "rollup_metrics": ("", ""),
        "rollup_sessions": ("", ""),
        "schema_migrations": ("SELECT", ""),
        # OTLP spans: INSERT ... ON CONFLICT (host_id, trace_id, span_id, start_ts) DO NOTHING (migrations 009, 014). Migration 010:
        # the read API's session answer reads spans whole; a LangSmith run's upsert updates what a post or a patch
        # may carry (RunUpsert.mergeExpression).
        "spans": ("SELECT,INSERT", ",".join(f"UPDATE({c})" for c in RUN_MERGED)),
        "transcripts": ("SELECT,INSERT,DELETE", "UPDATE(agent_name),UPDATE(transcript),UPDATE(metadata),"
                                                "UPDATE(size_bytes),UPDATE(received_at),UPDATE(updated_at)"),
    }


def test_tables_of_later_migrations_are_closed_to_the_writer_until_granted(pg, writer_db):
    granted = pg.run_sql("""
        \\pset format unaligned
        \\pset tuples_only on
        BEGIN;
        CREATE TABLE session_summaries (session_id text);
        SELECT has_table_privilege('collector_writer', 'session_summaries', 'SELECT,INSERT,UPDATE,DELETE');
        ROLLBACK;""", writer_db, db.MIGRATOR)
    assert granted.split() == ["f"]


# The read API's session answer lists the session's spans (SessionDetailQuery.spansSQL), on the writer's connections:
# migration 010 grants it.
def test_writer_reads_a_sessions_spans_as_the_read_api_does(pg, writer_db):
    pg.run_sql("""INSERT INTO spans (host_id, trace_id, span_id, name, start_ts, session_id, source, attributes)
                  VALUES ('laptop', 't', 's', 'root', now(), 'read-api', 'otlp', '{"gen_ai.system": "anthropic"}');""",
               writer_db, "postgres")
    # The columns TelemetrySQL.spanJSON shows.
    read = as_writer(pg, """
        SELECT name, attributes->>'gen_ai.system', trace_id, span_id, parent_span_id, kind, start_ts, end_ts,
               duration_ms, status_code, status_message, service_name, source, operation, model_request, model_response,
               tool_name, input_tokens, output_tokens, cache_read_tokens, cache_creation_tokens, cost_usd, run_type
        FROM spans WHERE session_id = 'read-api' AND host_id = 'laptop' ORDER BY start_ts, span_id;""")
    assert read.split("|")[:2] == ["root", "anthropic"]


def test_writer_role_has_no_attribute_or_membership_beyond_login(pg, writer_db):
    (row,) = pg.query("""
        SELECT rolcanlogin, rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls,
               (SELECT count(*) FROM pg_auth_members m WHERE m.member = r.oid) AS memberships
        FROM pg_roles r WHERE rolname = 'collector_writer'""", writer_db, "postgres").rows
    assert row == ["t", "f", "f", "f", "f", "f", "0"]


def test_writer_needs_its_password(pg, writer_db):
    with pytest.raises(QueryError, match="password authentication failed"):
        pg.run_sql("SELECT 1;", writer_db, db.WRITER, "wrong-password")


def test_login_script_refuses_an_empty_password_and_changes_nothing(pg, writer_db):
    with pytest.raises(QueryError, match="COLLECTOR_DB_PASSWORD is empty"):
        db.give_writer_login(pg, writer_db, {})
    assert as_writer(pg, "SELECT 1;").split() == ["1"]


def test_the_collectors_key_commands_work_as_the_writer(pg, writer_db):
    keys = Collector(pg.dsn(db.WRITER, db.WRITER_PASSWORD, writer_db), free_port(), 1048576, 1048576)
    try:
        key = keys.run("keys", "create", "--host", "kiosk", "--description", "as the writer").strip()
        assert len(key) == 64
        assert "kiosk" in keys.run("keys", "list")
        keys.run("keys", "rotate", "--host", "kiosk", "--grace-hours", "0")
        assert keys.run("keys", "revoke", "--host", "kiosk").strip() == "revoked 1 key"
    finally:
        keys.stop()


def test_the_real_collector_serves_as_the_writer_on_a_migrated_database(pg, writer_db):
    collector = Collector(pg.dsn(db.WRITER, db.WRITER_PASSWORD, writer_db), free_port(), 1048576, 1048576)
    try:
        key = collector.run("keys", "create", "--host", "served").strip()
        collector.start()
        batch = {"events": [{"sessionId": "as-writer", "eventType": "PreToolUse", "timestamp": "2024-01-15T10:30:00Z",
                             "eventId": f"served-{i}"} for i in range(3)]}
        request = urllib.request.Request(f"http://127.0.0.1:{collector.port}/api/v1/telemetry/batch",
                                         data=json.dumps(batch).encode(), method="POST",
                                         headers={"Content-Type": "application/json", "X-API-Key": key})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200 and json.loads(response.read())["inserted"] == 3
        transcript = {"sessionId": "as-writer", "transcript": [{"role": "user", "content": "hi"}]}
        request = urllib.request.Request(f"http://127.0.0.1:{collector.port}/api/v1/transcript",
                                         data=json.dumps(transcript).encode(), method="POST",
                                         headers={"Content-Type": "application/json", "X-API-Key": key})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200
        rows = pg.query("SELECT count(*) FROM events WHERE session_id = 'as-writer'", writer_db, "postgres").rows
        assert rows == [["3"]]
    finally:
        collector.stop()


def test_writer_holds_nothing_on_any_partition_and_only_the_partition_functions(pg, writer_db):
    """Rows are written and read through the partitioned parents; the partitions themselves are the owner's. Of the
    functions, the writer may run exactly the three the collector calls."""
    partitions = pg.query("""
        SELECT c.relname FROM pg_class c
        WHERE c.relispartition AND c.relnamespace = 'public'::regnamespace
          AND (has_table_privilege('collector_writer', c.oid, 'SELECT,INSERT,UPDATE,DELETE,TRUNCATE,REFERENCES,TRIGGER')
               OR has_any_column_privilege('collector_writer', c.oid, 'SELECT,INSERT,UPDATE,REFERENCES'))""",
                          writer_db, "postgres").rows
    assert partitions == []
    functions = pg.query("""
        SELECT p.proname, p.prosecdef, pg_get_userbyid(p.proowner), array_to_string(p.proconfig, ' ')
        FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace
          AND has_function_privilege('collector_writer', p.oid, 'EXECUTE') AND p.proname LIKE 'telemetry%'
        ORDER BY 1""", writer_db, "postgres").rows
    assert [row[0] for row in functions] == ["telemetry_delete_before", "telemetry_partitions_create",
                                             "telemetry_partitions_drop_oldest"]
    for name, security_definer, owner, config in functions:
        assert security_definer == "t" and owner == db.MIGRATOR, name
        assert "search_path=public, pg_temp" in config, (name, config)

-- The role the serving collector connects as: it writes telemetry, reads and records the use of keys, deletes what
-- retention expires, and can do nothing else. Migrations run as the database owner (`collector migrate`); this role
-- cannot create, alter or drop anything. It is created NOLOGIN; the deployment gives it LOGIN and its password
-- (postgres/collector-writer-login.sql). Runs on PostgreSQL 15 and 16, in one transaction.
--
-- Column lists are deliberate: of events the writer reads only what its own statements read (RETURNING, retention's
-- WHERE), never the prompts, tool inputs and outputs it has written; of api_keys it changes only use and revocation. No default privileges: a migration
-- that adds a table the collector uses grants what it needs, as this file does (the deploy tests list every
-- privilege the role holds and fail on one more or one less).

-- Roles belong to the cluster: see 002 for why a concurrent creation is not an error.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'collector_writer') THEN
        CREATE ROLE collector_writer NOLOGIN;
    END IF;
EXCEPTION
    WHEN duplicate_object OR unique_violation THEN
        NULL;
END
$$;

DO $$
BEGIN
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO collector_writer', current_schema());
    -- The migrator's bookkeeping: `collector serve` checks at start that nothing is pending. The table exists when
    -- the collector applies this file; a database migrated by hand with psql has none.
    IF to_regclass('schema_migrations') IS NOT NULL THEN
        GRANT SELECT ON schema_migrations TO collector_writer;
    END IF;
END
$$;

-- Group commit and spool replay: INSERT ... ON CONFLICT (host_id, event_id) DO NOTHING [RETURNING host_id, event_id].
-- Retention: DELETE FROM events WHERE ctid IN (SELECT ctid FROM events WHERE ts < ... LIMIT ...); ctid is a system
-- column, which needs its own grant (pg_dump keeps it).
GRANT INSERT, DELETE ON events TO collector_writer;
GRANT SELECT (ctid, host_id, ts, event_id) ON events TO collector_writer;

-- OTLP metrics: INSERT ... ON CONFLICT (host_id, point_id) DO NOTHING, which reads its conflict target.
GRANT INSERT ON otlp_metrics TO collector_writer;
GRANT SELECT (host_id, point_id) ON otlp_metrics TO collector_writer;

-- The upsert on (host, session) that keeps the newer upload, RETURNING (xmax = 0); retention by updated_at.
-- PostgreSQL asks for SELECT on every column an upsert reads from EXCLUDED, which here is every column written, so
-- the writer may read transcripts (as grafana_reader may). Only their update is limited to the columns the upsert sets.
GRANT INSERT, SELECT, DELETE ON transcripts TO collector_writer;
GRANT UPDATE (agent_name, transcript, metadata, size_bytes, received_at, updated_at) ON transcripts TO collector_writer;

-- Key look-ups and last_used_at; `collector keys create|rotate|revoke|list`, which run with the collector's settings
-- (docker compose exec collector collector keys ...). Only hashes are stored here.
GRANT SELECT ON api_keys TO collector_writer;
GRANT INSERT (key_hash, host_id, description) ON api_keys TO collector_writer;
GRANT UPDATE (last_used_at, revoked_at) ON api_keys TO collector_writer;

-- The role Grafana reads through: SELECT on the telemetry tables, nothing on api_keys, no writes.
-- It is created NOLOGIN; the deployment gives it LOGIN and its password (postgres/grafana-reader-login.sql), so a
-- database migrated without Grafana has no extra way in. Runs on PostgreSQL 15 and 16, in one transaction.

-- Roles belong to the cluster, not to the database: another database of the same cluster may be creating this role
-- at the same moment. The loser of that race waits on the winner's commit and then fails with unique_violation.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'grafana_reader') THEN
        CREATE ROLE grafana_reader NOLOGIN;
    END IF;
EXCEPTION
    WHEN duplicate_object OR unique_violation THEN
        NULL;
END
$$;

DO $$
BEGIN
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO grafana_reader', current_schema());
    -- Tables that later migrations create (as the role that runs the migrations) are readable too.
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT SELECT ON TABLES TO grafana_reader', current_schema());
END
$$;

GRANT SELECT ON events, transcripts TO grafana_reader;

-- Key hashes and host names stay private. The default privileges above do not reach this table, which exists
-- already; a migration that re-creates it must repeat this line (the deploy tests check it).
REVOKE ALL ON api_keys FROM grafana_reader;

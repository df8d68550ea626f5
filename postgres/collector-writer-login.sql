-- Lets the serving collector log in as collector_writer with the password from the environment,
-- COLLECTOR_DB_PASSWORD (required). Run as a superuser with psql 15 or later (for \getenv) by the collector-writer
-- service on every `docker compose up`, after the migrations; running it again only sets the same password.
-- The role's privileges come from the migration sql/004_collector_writer.sql.
\set ON_ERROR_STOP on
\getenv writer_password COLLECTOR_DB_PASSWORD
\if :{?writer_password}
\else
    \set writer_password ''
\endif

SELECT :'writer_password' = '' AS password_missing,
       NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'collector_writer') AS role_missing \gset
\if :password_missing
    DO $$ BEGIN RAISE EXCEPTION 'COLLECTOR_DB_PASSWORD is empty: give it a value in .env'; END $$;
\endif
-- Unlike grafana_reader, the role is not created here: without its grants it would be a login that can do nothing,
-- and the collector would fail later with a less clear message.
\if :role_missing
    DO $$ BEGIN RAISE EXCEPTION 'role collector_writer does not exist: run collector migrate (the migrate service) first'; END $$;
\endif

ALTER ROLE collector_writer WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
    PASSWORD :'writer_password';

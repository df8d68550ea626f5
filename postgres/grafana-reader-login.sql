-- Lets Grafana log in as grafana_reader, with the password and alert thresholds from the environment:
-- GRAFANA_READER_PASSWORD (required), ALERT_SILENT_HOST_AFTER (an interval, default 30 minutes),
-- ALERT_DENY_ERROR_RATE (a fraction, default 0.5), ALERT_DAILY_BUDGET_USD (US dollars, empty for no budget alert) and
-- ALERT_BUDGET_TIME_ZONE (where the budget's day starts, default UTC). Run as a superuser with psql 15 or later (for \getenv) by the
-- grafana-reader service on every `docker compose up`; running it again only sets the same values.
-- The role's privileges come from the migration sql/002_grafana_reader.sql.
\set ON_ERROR_STOP on
\getenv reader_password GRAFANA_READER_PASSWORD
\getenv silent_host_after ALERT_SILENT_HOST_AFTER
\getenv deny_error_rate ALERT_DENY_ERROR_RATE
\getenv daily_budget_usd ALERT_DAILY_BUDGET_USD
\getenv budget_time_zone ALERT_BUDGET_TIME_ZONE
\if :{?reader_password}
\else
    \set reader_password ''
\endif
\if :{?silent_host_after}
\else
    \set silent_host_after '30 minutes'
\endif
\if :{?deny_error_rate}
\else
    \set deny_error_rate 0.5
\endif
\if :{?daily_budget_usd}
\else
    \set daily_budget_usd ''
\endif
\if :{?budget_time_zone}
\else
    \set budget_time_zone UTC
\endif

-- Stop here, naming the setting, rather than store a value that Grafana or the alert queries cannot use.
SELECT :'reader_password' = '' AS password_missing,
       :'deny_error_rate'::numeric NOT BETWEEN 0 AND 1 AS rate_out_of_range,
       :'silent_host_after'::interval <= interval '0' AS silence_not_positive,
       coalesce(nullif(:'daily_budget_usd', '')::numeric < 0, false) AS budget_negative,
       NOT EXISTS (SELECT FROM pg_timezone_names WHERE name = nullif(:'budget_time_zone', '')) AS zone_unknown \gset
\if :password_missing
    DO $$ BEGIN RAISE EXCEPTION 'GRAFANA_READER_PASSWORD is empty: give it a value in .env'; END $$;
\endif
\if :rate_out_of_range
    DO $$ BEGIN RAISE EXCEPTION 'ALERT_DENY_ERROR_RATE must be a fraction between 0 and 1, such as 0.5'; END $$;
\endif
\if :silence_not_positive
    DO $$ BEGIN RAISE EXCEPTION 'ALERT_SILENT_HOST_AFTER must be a positive interval, such as 30 minutes'; END $$;
\endif
\if :budget_negative
    DO $$ BEGIN RAISE EXCEPTION 'ALERT_DAILY_BUDGET_USD must be an amount of US dollars such as 25, or empty'; END $$;
\endif
\if :zone_unknown
    DO $$ BEGIN RAISE EXCEPTION 'ALERT_BUDGET_TIME_ZONE must be a time zone name such as UTC or Europe/Berlin'; END $$;
\endif

-- On a fresh volume this may run before the collector has migrated; create the role as migration 002 does.
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

ALTER ROLE grafana_reader WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
    PASSWORD :'reader_password';
-- Privileges already forbid writes; read-only transactions also rule out temporary tables.
ALTER ROLE grafana_reader SET default_transaction_read_only = on;
ALTER ROLE grafana_reader SET statement_timeout = '30s';
-- Read by the "Hosts gone silent" panel and the alert rules in grafana/provisioning/alerting/rules.yaml.
ALTER ROLE grafana_reader SET telemetry.silent_host_after = :'silent_host_after';
ALTER ROLE grafana_reader SET telemetry.deny_error_rate = :'deny_error_rate';
ALTER ROLE grafana_reader SET telemetry.daily_budget_usd = :'daily_budget_usd';
ALTER ROLE grafana_reader SET telemetry.budget_time_zone = :'budget_time_zone';

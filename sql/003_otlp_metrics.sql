-- OpenTelemetry metric data points (OTLP/HTTP JSON), one row each. Runs on PostgreSQL 15 and 16, in one transaction.
-- Sums carry their temporality: Claude Code sends delta (each point is the increase since the previous one, so a
-- total over a time range is sum(value)); cumulative points are running totals since start_ts.

CREATE TABLE otlp_metrics (
    host_id      text NOT NULL,
    session_id   text,
    name         text NOT NULL,
    -- sum, gauge, histogram, exponential_histogram or summary.
    kind         text NOT NULL,
    unit         text,
    temporality  text CHECK (temporality IN ('delta', 'cumulative')),
    is_monotonic boolean,
    start_ts     timestamptz,
    ts           timestamptz NOT NULL,
    -- A sum's or gauge's value; a histogram's or summary's sum.
    value        double precision,
    -- A histogram's or summary's count, bounds, buckets, quantiles, min and max, as sent.
    detail       jsonb,
    attributes   jsonb NOT NULL DEFAULT '{}',
    resource     jsonb NOT NULL DEFAULT '{}',
    -- A hash of the point, its metric and its resource: an export sent again is not counted twice.
    point_id     text NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX otlp_metrics_host_point_id ON otlp_metrics (host_id, point_id);
CREATE INDEX otlp_metrics_name_ts ON otlp_metrics (name, ts);
CREATE INDEX otlp_metrics_host_ts ON otlp_metrics (host_id, ts);
CREATE INDEX otlp_metrics_session_ts ON otlp_metrics (session_id, ts) WHERE session_id IS NOT NULL;
-- Points arrive roughly in time order, so a block range index serves time ranges across all names cheaply.
CREATE INDEX otlp_metrics_ts_brin ON otlp_metrics USING brin (ts);

-- 002 makes tables of later migrations readable by grafana_reader through default privileges, which hold only for
-- tables the same role creates; this grant covers a database migrated by another role. The role may not exist when
-- this file runs on its own.
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'grafana_reader') THEN
        GRANT SELECT ON otlp_metrics TO grafana_reader;
    END IF;
END
$$;

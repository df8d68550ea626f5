-- migrate: outside a transaction
-- The unique keys of the partitioned tables (013, 014) include the partition column. On a database that holds data,
-- they are built here, before the tables are converted, without blocking writes (CONCURRENTLY, which PostgreSQL
-- refuses inside a transaction: this file runs statement by statement). 013 and 014 then only rename, attach and
-- check the old tables, holding their locks for seconds per million rows instead of the minutes an index build
-- under lock would take (docs/operations.md). Each statement may run again: a build that failed part-way leaves an
-- invalid index, which 013 or 014 drops and builds again under its lock. Runs on PostgreSQL 15 and 16.
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS events_host_event_id_ts ON events (host_id, event_id, ts);
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS otlp_metrics_host_point_id_ts ON otlp_metrics (host_id, point_id, ts);
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS spans_host_trace_span_start_ts ON spans (host_id, trace_id, span_id, start_ts);

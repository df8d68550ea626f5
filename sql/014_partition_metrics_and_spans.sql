-- otlp_metrics partitioned by UTC week and spans by UTC day of their start, as 013 did events (see there for the
-- layout). Runs on PostgreSQL 15 and 16, in one transaction of its own, so events are not locked meanwhile.
--
-- otlp_metrics weekly, not daily: the target fleet of issue 15 (200 hosts, 25 sessions a day, 70% of them Claude
-- Code, a delta point every 4 minutes for each of 7 series) sends about 75,000 points a day against 300,000 events:
-- a day's partition would be a few megabytes with five indexes, and a 30-day panel would open 30 of them instead of
-- 5. Retention stays exact to the row: the week that straddles the cutoff is deleted from in batches until it is
-- dropped whole.
--
-- A point is unique by (host_id, point_id, ts): its hash already covers its time, so a resent export is still
-- skipped. A span is unique by (host_id, trace_id, span_id, start_ts): an export retried, or a LangSmith run posted
-- again, carries the same start, so it is still the same span (SpanColumns.conflictTarget names this key for every
-- statement that writes spans).

SELECT telemetry_partition_existing('otlp_metrics', 'otlp_metrics_host_point_id', 'host_id, point_id, ts');
SELECT telemetry_partition_existing('spans', 'spans_host_trace_span', 'host_id, trace_id, span_id, start_ts');

-- INSERT ... ON CONFLICT (<the key>) DO NOTHING reads its whole conflict target.
GRANT SELECT (ts) ON otlp_metrics TO collector_writer;
GRANT SELECT (start_ts) ON spans TO collector_writer;

-- Only the migrations convert tables.
DROP FUNCTION telemetry_partition_existing(text, text, text);

-- Disk taken by each telemetry and rollup table and its indexes, in all and per row (bytes). Heap includes TOAST. A
-- partitioned table's figures are the sums over its partitions.
\pset footer off
\pset format aligned
\pset tuples_only off
WITH tables AS (
    SELECT c.oid, c.relname, (SELECT count(*) FROM events) AS events_rows,
           CASE c.relname WHEN 'events' THEN (SELECT count(*) FROM events)
                          WHEN 'otlp_metrics' THEN (SELECT count(*) FROM otlp_metrics)
                          WHEN 'transcripts' THEN (SELECT count(*) FROM transcripts)
                          WHEN 'rollup_events' THEN (SELECT count(*) FROM rollup_events)
                          WHEN 'rollup_event_dims' THEN (SELECT count(*) FROM rollup_event_dims)
                          WHEN 'rollup_metrics' THEN (SELECT count(*) FROM rollup_metrics)
                          ELSE (SELECT count(*) FROM rollup_sessions) END AS row_count
    FROM pg_class c
    WHERE c.relname IN ('events', 'otlp_metrics', 'transcripts', 'rollup_events', 'rollup_event_dims', 'rollup_metrics',
                        'rollup_sessions')
      AND c.relnamespace = current_schema()::regnamespace
)
SELECT relname AS "table", row_count AS "rows",
       pg_size_pretty(heap) AS heap,
       pg_size_pretty(indexes) AS indexes,
       round(heap::numeric / nullif(row_count, 0)) AS "heap B/row",
       round(indexes::numeric / nullif(row_count, 0)) AS "index B/row",
       round((heap + indexes)::numeric / nullif(row_count, 0)) AS "total B/row",
       round((heap + indexes)::numeric / nullif(events_rows, 0)) AS "B per event"
FROM tables
CROSS JOIN LATERAL (SELECT sum(pg_table_size(relid)) AS heap, sum(pg_indexes_size(relid)) AS indexes
                    FROM (SELECT relid FROM pg_partition_tree(tables.oid) UNION SELECT tables.oid) AS tree) AS sizes
ORDER BY relname;

SELECT i.indexrelid::regclass AS "index", pg_size_pretty(sizes.bytes) AS size,
       round(sizes.bytes::numeric / nullif(sizes.table_rows, 0)::numeric, 1) AS "B/row"
FROM pg_index i
JOIN pg_class c ON c.oid = i.indrelid
CROSS JOIN LATERAL (SELECT sum(pg_relation_size(t.relid)) AS bytes,
                           (SELECT sum(greatest(p.reltuples, 0)) FROM pg_class p
                            WHERE p.relkind = 'r'
                              AND p.oid IN (SELECT relid FROM pg_partition_tree(c.oid) UNION SELECT c.oid)) AS table_rows
                    FROM (SELECT relid FROM pg_partition_tree(i.indexrelid) UNION SELECT i.indexrelid) AS t) AS sizes
WHERE c.relname IN ('events', 'otlp_metrics', 'transcripts', 'rollup_events', 'rollup_event_dims', 'rollup_metrics',
                    'rollup_sessions')
  AND c.relnamespace = current_schema()::regnamespace
ORDER BY c.relname, i.indexrelid::regclass::text;

SELECT pg_size_pretty(pg_database_size(current_database())) AS "whole database",
       round(pg_database_size(current_database())::numeric / nullif((SELECT count(*) FROM events), 0)) AS "B per event";

-- LangSmith runs are upserts into spans: a post and its patch merge in either order, a run the SDK retries is the
-- same row (RunUpsert in Sources/Collector/Storage/RunUpsert.swift). ON CONFLICT DO UPDATE reads the stored row's
-- columns it merges and updates them; a patch that says nothing of its start reads the stored run's start_ts.
-- The read API's session answer (SessionDetailQuery, on the same role's connections) reads spans whole, so the
-- writer reads the whole table, as it reads events since 007; it updates only what a run may carry, never the host,
-- the trace, the id, the start or the source. Runs on PostgreSQL 15 and 16, in one transaction.
GRANT SELECT ON spans TO collector_writer;
GRANT UPDATE (parent_span_id, name, end_ts, duration_ms, status_code, status_message, service_name, session_id,
              operation, model_request, model_response, tool_name, input_tokens, output_tokens, cache_read_tokens,
              cache_creation_tokens, attributes, resource, events, run_type, dotted_order, inputs, outputs)
    ON spans TO collector_writer;

-- Time partitions for the telemetry tables (issue 15), and events partitioned by day. Runs on PostgreSQL 15 and 16,
-- in one transaction; 014 does the same for otlp_metrics and spans in a transaction of its own, so that each table
-- is locked only while it is converted. 012 built the new unique keys beforehand without locking.
--
-- The layout, per table: one partition per UTC day (events, spans) or UTC week starting Monday (otlp_metrics, whose
-- volume is a quarter of the events'), named <table>_p<YYYYMMDD of its first day>; a DEFAULT partition,
-- <table>_default, for a row dated where no partition is (a clock years off, a bulk import of old data), so that no
-- insert ever fails for its date; and, on a database that held data before this migration, <table>_legacy: the old
-- table itself, attached as the partition of everything before the day after the migration ran (no copy).
-- The serving collector creates the partitions ahead of time and drops the expired ones through the SECURITY DEFINER
-- functions below (it may create and drop nothing itself); a row that waited in the default partition moves into
-- the partition made for its date.
--
-- A unique index of a partitioned table must include the partition column: events are unique by
-- (host_id, event_id, ts). A replayed event carries its id and its timestamp, so it is still skipped.

-- The partition column and step of each partitioned telemetry table. Every function below asks this one.
CREATE FUNCTION telemetry_partition_scheme(parent text, OUT partition_column text, OUT step text)
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    CASE parent
        WHEN 'events' THEN partition_column := 'ts'; step := 'day';
        WHEN 'otlp_metrics' THEN partition_column := 'ts'; step := 'week';
        WHEN 'spans' THEN partition_column := 'start_ts'; step := 'day';
        ELSE RAISE EXCEPTION '% is not a time-partitioned telemetry table', parent USING ERRCODE = 'invalid_parameter_value';
    END CASE;
END
$$;

-- The partitions of a table with their bounds (-infinity for MINVALUE), read from the catalog. Bounds are printed in
-- the session's time zone, hence UTC here.
CREATE FUNCTION telemetry_partition_bounds(parent text)
RETURNS TABLE (partition_name text, lower_bound timestamptz, upper_bound timestamptz, is_default boolean)
LANGUAGE sql STABLE SET TimeZone = 'UTC' AS $$
    SELECT c.relname::text,
           CASE WHEN b.m[1] = 'MINVALUE' THEN '-infinity' ELSE btrim(b.m[1], '''') END::timestamptz,
           CASE WHEN b.m[2] = 'MAXVALUE' THEN 'infinity' ELSE btrim(b.m[2], '''') END::timestamptz,
           b.bound = 'DEFAULT'
    FROM pg_catalog.pg_inherits i
    JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid
    CROSS JOIN LATERAL (SELECT pg_catalog.pg_get_expr(c.relpartbound, c.oid) AS bound) AS e
    CROSS JOIN LATERAL (SELECT e.bound, regexp_match(e.bound, '^FOR VALUES FROM \((.*)\) TO \((.*)\)$') AS m) AS b
    WHERE i.inhparent = to_regclass(parent)
$$;

-- Makes every partition missing for [from_ts, to_ts) and returns how many it made. A range an existing partition
-- covers (the legacy one, one made meanwhile by another collector) is skipped; rows of the range that waited in the
-- default partition move into the new one before it is attached. Each partition is created apart and then attached,
-- which locks the parent in SHARE UPDATE EXCLUSIVE mode (inserts go on) and the default partition briefly. The caller
-- bounds every lock wait with lock_timeout.
CREATE FUNCTION telemetry_partitions_create(parent text, from_ts timestamptz, to_ts timestamptz)
RETURNS integer LANGUAGE plpgsql SET TimeZone = 'UTC' AS $$
DECLARE
    scheme record;
    default_name text;
    step_start timestamptz;
    step_end timestamptz;
    covered_until timestamptz;
    name text;
    created integer := 0;
BEGIN
    SELECT * INTO scheme FROM telemetry_partition_scheme(parent);
    IF to_ts - from_ts > interval '3700 days' THEN
        RAISE EXCEPTION 'will not create partitions for % of %: ten years at most', to_ts - from_ts, parent
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- Two collectors of one database may run this at once; the second then finds the partitions made.
    PERFORM pg_advisory_xact_lock(hashtext('telemetry_partitions'), hashtext(parent));
    SELECT partition_name INTO default_name FROM telemetry_partition_bounds(parent) WHERE is_default;
    step_start := date_trunc(scheme.step, from_ts);
    WHILE step_start < to_ts LOOP
        step_end := step_start + ('1 ' || scheme.step)::interval;
        -- A partition that starts before this step (the legacy one) may cover part of it.
        SELECT max(b.upper_bound) INTO covered_until FROM telemetry_partition_bounds(parent) AS b
        WHERE NOT b.is_default AND b.lower_bound <= step_start AND b.upper_bound > step_start;
        IF covered_until IS NOT NULL THEN
            step_start := greatest(covered_until, step_start);
        END IF;
        IF step_start < step_end THEN
            name := format('%s_p%s', parent, to_char(step_start, 'YYYYMMDD'));
            EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE '
                           'INCLUDING COMPRESSION)', name, parent);
            IF default_name IS NOT NULL THEN
                EXECUTE format('WITH moved AS (DELETE FROM %I WHERE %I >= $1 AND %I < $2 RETURNING *) '
                               'INSERT INTO %I SELECT * FROM moved',
                               default_name, scheme.partition_column, scheme.partition_column, name)
                    USING step_start, step_end;
            END IF;
            EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
                           parent, name, step_start, step_end);
            created := created + 1;
        END IF;
        step_start := step_end;
    END LOOP;
    RETURN created;
END
$$;

-- Retention keeps at least a day (RETENTION_DAYS is a whole number of days): a cutoff later than that is a mistake,
-- refused before anything is dropped or deleted.
CREATE FUNCTION telemetry_retention_cutoff_checked(before timestamptz)
RETURNS void LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF before IS NULL OR before > now() - interval '1 day' THEN
        RAISE EXCEPTION 'retention cutoff % is later than a day ago', before USING ERRCODE = 'invalid_parameter_value';
    END IF;
END
$$;

-- Drops the oldest partition that holds only rows before `before` (never the default one) and returns its name, or
-- NULL when there is none. One partition per call, so that each DROP is its own short transaction: it locks the
-- parent in ACCESS EXCLUSIVE mode for a moment, which the caller bounds with lock_timeout and retries.
CREATE FUNCTION telemetry_partitions_drop_oldest(parent text, before timestamptz)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    name text;
BEGIN
    PERFORM telemetry_partition_scheme(parent);
    PERFORM telemetry_retention_cutoff_checked(before);
    -- Another collector's retention or creation: the second then finds what the first left.
    PERFORM pg_advisory_xact_lock(hashtext('telemetry_partitions'), hashtext(parent));
    SELECT partition_name INTO name FROM telemetry_partition_bounds(parent)
    WHERE NOT is_default AND upper_bound <= before
    ORDER BY upper_bound LIMIT 1;
    IF name IS NOT NULL THEN
        EXECUTE format('DROP TABLE %I', name);
    END IF;
    RETURN name;
END
$$;

-- Deletes up to batch_rows rows dated before `before` from the partitions that straddle it (the day or week of the
-- cutoff, the legacy partition, the default one) and returns how many. Each partition is read by its own small
-- ctid batch, never a scan of the parent.
CREATE FUNCTION telemetry_delete_before(parent text, before timestamptz, batch_rows integer)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    scheme record;
    part record;
    deleted integer;
    total integer := 0;
BEGIN
    SELECT * INTO scheme FROM telemetry_partition_scheme(parent);
    PERFORM telemetry_retention_cutoff_checked(before);
    FOR part IN SELECT partition_name FROM telemetry_partition_bounds(parent)
                WHERE is_default OR lower_bound < before ORDER BY lower_bound LOOP
        EXIT WHEN total >= batch_rows;
        EXECUTE format('DELETE FROM %1$I WHERE ctid = ANY (ARRAY(SELECT ctid FROM %1$I WHERE %2$I < $1 LIMIT $2))',
                       part.partition_name, scheme.partition_column)
            USING before, batch_rows - total;
        GET DIAGNOSTICS deleted = ROW_COUNT;
        total := total + deleted;
    END LOOP;
    RETURN total;
END
$$;

-- Turns an existing table into a partitioned one without copying it: the table becomes <parent>_legacy, attached
-- for everything before the next UTC midnight, under a new partitioned parent of the same name, columns, checks,
-- indexes (old_unique replaced by a unique index on new_unique_columns) and grants. Rows dated after that midnight
-- (clocks ahead) move into the new partitions. The attach checks the partition's bound with one scan (and builds the
-- new unique index, unless 012 built it beforehand): the time this takes (docs/operations.md) is the time the table
-- is locked. An empty table (a new install) is replaced, not kept as a legacy partition.
CREATE FUNCTION telemetry_partition_existing(parent text, old_unique text, new_unique_columns text)
RETURNS void LANGUAGE plpgsql SET TimeZone = 'UTC' AS $$
DECLARE
    scheme record;
    legacy text := parent || '_legacy';
    cutover timestamptz := date_trunc('day', now()) + interval '1 day';
    index_definitions text[];
    index_names text[];
    definition text;
    holds_rows boolean;
    grant_row record;
    new_unique text;
BEGIN
    SELECT * INTO scheme FROM telemetry_partition_scheme(parent);
    new_unique := old_unique || '_' || scheme.partition_column;
    EXECUTE format('LOCK TABLE %I IN ACCESS EXCLUSIVE MODE', parent);
    EXECUTE format('SELECT EXISTS (SELECT FROM %I)', parent) INTO holds_rows;
    -- The new unique index, when built beforehand without a lock (docs/operations.md), is kept and becomes the legacy
    -- partition's; one left invalid by a failed concurrent build is dropped and built here.
    IF EXISTS (SELECT FROM pg_catalog.pg_index WHERE indexrelid = to_regclass(new_unique) AND NOT indisvalid) THEN
        EXECUTE format('DROP INDEX %I', new_unique);
    END IF;
    -- Index definitions name the table, so they create the same indexes on the new parent once it has the name.
    index_definitions := ARRAY(
        SELECT pg_catalog.pg_get_indexdef(i.indexrelid) FROM pg_catalog.pg_index i
        JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid
        WHERE i.indrelid = to_regclass(parent) AND c.relname <> old_unique ORDER BY c.relname);
    EXECUTE format('DROP INDEX %I', old_unique);
    -- The legacy indexes keep serving that partition and become the new indexes' partitions; their names are freed.
    index_names := ARRAY(SELECT c.relname::text FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid
                         WHERE i.indrelid = to_regclass(parent));
    FOREACH definition IN ARRAY index_names LOOP
        EXECUTE format('ALTER INDEX %I RENAME TO %I', definition, left(definition, 56) || '_legacy');
    END LOOP;
    EXECUTE format('ALTER TABLE %I RENAME TO %I', parent, legacy);
    EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE '
                   'INCLUDING COMPRESSION) PARTITION BY RANGE (%I)', parent, legacy, scheme.partition_column);
    FOREACH definition IN ARRAY index_definitions LOOP
        EXECUTE definition;
    END LOOP;
    IF to_regclass(new_unique) IS NULL THEN
        EXECUTE format('CREATE UNIQUE INDEX %I ON %I (%s)', new_unique, parent, new_unique_columns);
    END IF;

    -- Table and column grants as they were (other migrations gave them), on the parent: rows written and read
    -- through it are checked there, never on its partitions. System columns (retention's ctid) are not carried over.
    FOR grant_row IN
        SELECT a.privilege_type, NULL::name AS column_name, a.grantee
        FROM pg_catalog.pg_class c, aclexplode(c.relacl) AS a
        WHERE c.oid = to_regclass(legacy) AND a.grantee <> c.relowner
        UNION ALL
        SELECT a.privilege_type, att.attname, a.grantee
        FROM pg_catalog.pg_class c JOIN pg_catalog.pg_attribute att ON att.attrelid = c.oid, aclexplode(att.attacl) AS a
        WHERE c.oid = to_regclass(legacy) AND att.attnum > 0 AND NOT att.attisdropped AND a.grantee <> c.relowner
    LOOP
        EXECUTE format('GRANT %s %s ON %I TO %s', grant_row.privilege_type,
                       CASE WHEN grant_row.column_name IS NULL THEN '' ELSE format('(%I)', grant_row.column_name) END,
                       parent, CASE WHEN grant_row.grantee = 0 THEN 'PUBLIC' ELSE grant_row.grantee::regrole::text END);
    END LOOP;

    IF holds_rows THEN
        -- The writer reaches rows through the parent only, as it does every partition's.
        IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'collector_writer') THEN
            EXECUTE format('REVOKE ALL ON %I FROM collector_writer', legacy);
            EXECUTE format('REVOKE ALL (%s) ON %I FROM collector_writer',
                           (SELECT string_agg(quote_ident(attname), ', ') FROM pg_catalog.pg_attribute
                            WHERE attrelid = to_regclass(legacy) AND attnum > 0 AND NOT attisdropped), legacy);
        END IF;
        EXECUTE format('CREATE TEMPORARY TABLE telemetry_moved ON COMMIT DROP AS '
                       'WITH moved AS (DELETE FROM %I WHERE %I >= $1 RETURNING *) SELECT * FROM moved',
                       legacy, scheme.partition_column) USING cutover;
        EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (MINVALUE) TO (%L)', parent, legacy, cutover);
    ELSE
        EXECUTE format('DROP TABLE %I', legacy);
        cutover := date_trunc('day', now());
    END IF;
    EXECUTE format('CREATE TABLE %I PARTITION OF %I DEFAULT', parent || '_default', parent);
    PERFORM telemetry_partitions_create(parent, cutover, cutover + interval '8 days');
    IF holds_rows THEN
        EXECUTE format('INSERT INTO %I SELECT * FROM telemetry_moved', parent);
        DROP TABLE telemetry_moved;
    END IF;
END
$$;

-- The partition functions run with their owner's rights (the role that migrates), so that collector_writer, which
-- may create and drop nothing, keeps partitions ahead and drops expired ones through them and only them. A pinned
-- search_path keeps a caller's objects out of them. Functions are executable by PUBLIC unless revoked.
DO $$
BEGIN
    EXECUTE format('ALTER FUNCTION telemetry_partition_scheme(text) SET search_path = %I, pg_temp', current_schema());
    EXECUTE format('ALTER FUNCTION telemetry_partition_bounds(text) SET search_path = %I, pg_temp', current_schema());
    EXECUTE format('ALTER FUNCTION telemetry_retention_cutoff_checked(timestamptz) SET search_path = %I, pg_temp',
                   current_schema());
    EXECUTE format('ALTER FUNCTION telemetry_partitions_create(text, timestamptz, timestamptz) SECURITY DEFINER '
                   'SET search_path = %I, pg_temp', current_schema());
    EXECUTE format('ALTER FUNCTION telemetry_partitions_drop_oldest(text, timestamptz) SECURITY DEFINER '
                   'SET search_path = %I, pg_temp', current_schema());
    EXECUTE format('ALTER FUNCTION telemetry_delete_before(text, timestamptz, integer) SECURITY DEFINER '
                   'SET search_path = %I, pg_temp', current_schema());
    EXECUTE format('ALTER FUNCTION telemetry_partition_existing(text, text, text) SET search_path = %I, pg_temp',
                   current_schema());
END
$$;
REVOKE ALL ON FUNCTION telemetry_partition_scheme(text), telemetry_partition_bounds(text),
    telemetry_retention_cutoff_checked(timestamptz),
    telemetry_partitions_create(text, timestamptz, timestamptz), telemetry_partitions_drop_oldest(text, timestamptz),
    telemetry_delete_before(text, timestamptz, integer), telemetry_partition_existing(text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION telemetry_partitions_create(text, timestamptz, timestamptz),
    telemetry_partitions_drop_oldest(text, timestamptz), telemetry_delete_before(text, timestamptz, integer)
    TO collector_writer;

SELECT telemetry_partition_existing('events', 'events_host_event_id', 'host_id, event_id, ts');

-- Retention now drops and deletes through the functions above: the writer no longer deletes events itself, nor
-- needs the columns retention's DELETE read (it reads whole events for the read API, migration 007).
REVOKE DELETE ON events FROM collector_writer;
REVOKE SELECT (host_id, ts, event_id) ON events FROM collector_writer;

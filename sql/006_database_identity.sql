-- One row naming this database for good: the collector's disk spool records it, and refuses to replay what it
-- accepted for one database into another (a collector restarted from the same folder with another DATABASE_URL).
-- A restore of a dump keeps the id, as it should: it is the same data. Runs on PostgreSQL 15 and 16.

CREATE TABLE database_identity (
    id         text PRIMARY KEY DEFAULT gen_random_uuid()::text,
    created_at timestamptz NOT NULL DEFAULT now(),
    only_row   boolean NOT NULL DEFAULT true UNIQUE CHECK (only_row)
);

INSERT INTO database_identity DEFAULT VALUES;

-- The serving collector reads it at start (migration 004 gives it nothing by default).
GRANT SELECT ON database_identity TO collector_writer;

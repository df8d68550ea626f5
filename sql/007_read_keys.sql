-- Read keys and the read API. A key is either a host's ingest key (as before: it sends events and transcripts as its
-- host) or a read key (it queries and exports everything, and may send nothing). Runs on PostgreSQL 15 and 16, in
-- one transaction.
--
-- host_id stays NOT NULL: a read key is named `read:<name>` (`collector keys create --read --description "..."`
-- derives the name from the description), so that `keys list` shows it and `keys revoke --host read:<name>` revokes
-- it. An INSERT that names no scope (the seed's psql recipe) makes an ingest key, as it always has.

ALTER TABLE api_keys ADD COLUMN scope text NOT NULL DEFAULT 'ingest' CHECK (scope IN ('ingest', 'read'));

-- A change of scope takes effect at once, as a change of host or revocation does (migration 005).
DROP TRIGGER api_keys_changed ON api_keys;
CREATE TRIGGER api_keys_changed
    AFTER INSERT OR DELETE OR UPDATE OF key_hash, host_id, revoked_at, scope ON api_keys
    FOR EACH STATEMENT EXECUTE FUNCTION notify_api_keys_changed();

-- The read API pages and exports events in (ts, host_id, event_id) order: keyset pagination and the export's cursor
-- walk this index instead of sorting the range.
CREATE INDEX events_ts_host_event_id ON events (ts, host_id, event_id);

-- The serving collector (migration 004) now also answers the read API: it reads whole events (the export carries
-- every column) and the transcripts it could already read, and `collector keys create --read` names the scope.
GRANT SELECT ON events TO collector_writer;
GRANT INSERT (scope) ON api_keys TO collector_writer;

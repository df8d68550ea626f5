-- The collector holds every active key in memory, so a request with an unknown key never reaches PostgreSQL. It
-- learns of changes through this channel at once: a key made or revoked with psql or `collector keys` works, or
-- stops working, within a second. Changes to last_used_at (which the collector writes) do not notify.
-- Runs on PostgreSQL 15 and 16, in one transaction.

CREATE FUNCTION notify_api_keys_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('api_keys_changed', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER api_keys_changed
    AFTER INSERT OR DELETE OR UPDATE OF key_hash, host_id, revoked_at ON api_keys
    FOR EACH STATEMENT EXECUTE FUNCTION notify_api_keys_changed();

CREATE TRIGGER api_keys_truncated
    AFTER TRUNCATE ON api_keys
    FOR EACH STATEMENT EXECUTE FUNCTION notify_api_keys_changed();

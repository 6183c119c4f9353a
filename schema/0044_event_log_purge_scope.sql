-- Inside a purge (see 0042, 0043), each row a DELETE takes from the log must
-- be an event of the workspace the purge recorded: a purge of one workspace
-- can never remove another's events, nor an earlier purge's tombstone.
CREATE FUNCTION event_log_purge_scope() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.event_type = 'WorkspacePurged' OR NOT EXISTS (
        SELECT FROM event_log_purges p
         WHERE p.transaction_id = pg_current_xact_id() AND p.workspace_id = OLD.payload->>'workspaceID') THEN
        RAISE EXCEPTION 'event % is not an event of the workspace being purged', OLD.position
            USING ERRCODE = 'NP002';
    END IF;
    RETURN OLD;
END
$$;

CREATE TRIGGER event_log_purge_only_its_workspace
    BEFORE DELETE ON event_log
    FOR EACH ROW EXECUTE FUNCTION event_log_purge_scope();

REVOKE ALL ON FUNCTION event_log_purge_scope() FROM PUBLIC;

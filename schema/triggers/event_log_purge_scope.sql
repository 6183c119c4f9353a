-- event_log_purge_scope: inside a purge (purge_workspace, and the exception
-- in event_log_refuse_change.sql), each row a DELETE takes from the log must
-- be an event of the workspace the purge recorded in event_log_purges: a
-- purge of one workspace can never remove another's events, nor an earlier
-- purge's tombstone (WorkspacePurged).
--
-- History: 0044; this file (event_workspace_id: VoteCast version 3 names its
-- workspace in the stream id only).
CREATE OR REPLACE FUNCTION event_log_purge_scope() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.event_type = 'WorkspacePurged' OR NOT EXISTS (
        SELECT FROM event_log_purges p
         WHERE p.transaction_id = pg_current_xact_id() AND p.workspace_id = event_workspace_id(OLD.stream_id, OLD.payload)) THEN
        RAISE EXCEPTION 'event % is not an event of the workspace being purged', OLD.position
            USING ERRCODE = 'NP002';
    END IF;
    RETURN OLD;
END
$$;

CREATE OR REPLACE TRIGGER event_log_purge_only_its_workspace
    BEFORE DELETE ON event_log
    FOR EACH ROW EXECUTE FUNCTION event_log_purge_scope();

-- Privileges: a trigger function is run by its triggers, never called; no role is granted it.
REVOKE ALL ON FUNCTION event_log_purge_scope() FROM PUBLIC, nps_app;

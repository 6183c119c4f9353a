-- begin_workspace_ingest: the first statement of a results upload's
-- transaction, in one round trip. It
--   1. takes the workspace's ingest lock shared (advisory class 5,
--      hashtext(workspace id)) until the transaction ends; purge_workspace
--      takes it exclusive, so an upload either commits before a purge deletes
--      or starts after the purge committed;
--   2. answers whether the workspace still holds a token that is not revoked:
--      an upload that waited for a purge finds none and stores nothing;
--   3. states the time the transaction's events are recorded at
--      (nps.simulated_now, read by event_recording_time): the collector's
--      simulated time, or NULL on the system clock, where now() is the time.
--
-- History: new in this file; before, the collector sent the lock, the token
-- check and the recording time as three statements.
CREATE OR REPLACE FUNCTION begin_workspace_ingest(
    p_workspace_id  text,
    p_recorded_at   text
) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock_shared(5, hashtext(p_workspace_id));
    PERFORM set_config('nps.simulated_now', coalesce(p_recorded_at, ''), true);
    RETURN EXISTS (SELECT FROM api_tokens WHERE workspace_id = p_workspace_id AND revoked_at IS NULL);
END
$$;

-- Privileges: the collector's role runs it for every results upload.
REVOKE ALL ON FUNCTION begin_workspace_ingest(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION begin_workspace_ingest(text, text) TO nps_app;

-- Privacy erasure of one workspace (nps-collector workspaces purge): the one
-- way events leave the log. In one transaction it
--   1. records the purge in event_log_purges (who, which workspace, which
--      tombstone), which is what lets the DELETE below past the log's triggers;
--   2. deletes every event whose payload names the workspace (its votes,
--      uploads, notifications, settings, statistics, registration), earlier
--      tombstones excepted;
--   3. appends the WorkspacePurged tombstone (workspace, events purged, who
--      asked) to the stream workspace/<id>;
--   4. forgets the write side's copies: its vote keys and quarantined
--      uploads, and revokes its tokens.
-- The read models still hold the workspace until they are rebuilt from the
-- log (nps-collector replay --all, which the purge command runs next).
--
-- SECURITY DEFINER with a fixed search_path, so that a role may be allowed
-- to purge without any privilege to delete from the log; granted to no role
-- but its owner: purging is an operator's act, never the server's.
CREATE FUNCTION purge_workspace(
    p_workspace_id  text,
    p_requested_by  text,
    p_tombstone_id  uuid,
    p_metadata      jsonb
) RETURNS TABLE (purged_events bigint, tombstone_position bigint)
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
DECLARE
    v_purged bigint;
BEGIN
    INSERT INTO event_log_purges (workspace_id, requested_by, tombstone_id)
    VALUES (p_workspace_id, p_requested_by, p_tombstone_id);

    DELETE FROM event_log e
     WHERE e.payload->>'workspaceID' = p_workspace_id AND e.event_type <> 'WorkspacePurged';
    GET DIAGNOSTICS v_purged = ROW_COUNT;

    DELETE FROM vote_keys k WHERE k.workspace_id = p_workspace_id;
    DELETE FROM quarantine q WHERE q.workspace_id = p_workspace_id;
    UPDATE api_tokens t SET revoked_at = now() WHERE t.workspace_id = p_workspace_id AND t.revoked_at IS NULL;

    RETURN QUERY
    SELECT v_purged, appended.log_position
      FROM append_events(
               'workspace/' || p_workspace_id, NULL, ARRAY[p_tombstone_id], ARRAY['WorkspacePurged'],
               ARRAY[1::smallint],
               ARRAY[jsonb_build_object('workspaceID', p_workspace_id, 'purgedEvents', v_purged,
                                        'requestedBy', p_requested_by)],
               ARRAY[p_metadata]) AS appended;
END
$$;

REVOKE ALL ON FUNCTION purge_workspace(text, text, uuid, jsonb) FROM PUBLIC;

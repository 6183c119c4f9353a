-- purge_workspace of 0062, which now also
--   * takes the workspace's ingest lock (advisory class 5,
--     hashtext(workspace id)) before anything else: results uploads hold it
--     shared for their whole transaction, so the purge waits for an upload in
--     flight to commit and then deletes its events too (each statement of
--     this function sees what committed before it began), and an upload that
--     starts later waits for the purge and finds the tokens revoked. Before,
--     an upload uncommitted when the purge deleted committed afterwards and
--     brought the workspace back at the next replay;
--   * deletes the workspace's raw statistics documents (statistics_documents,
--     0080).
-- Otherwise unchanged (see 0045, 0062); still SECURITY DEFINER with a fixed
-- search_path and granted to no role but its owner.
CREATE OR REPLACE FUNCTION purge_workspace(
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
    PERFORM pg_advisory_xact_lock(5, hashtext(p_workspace_id));

    INSERT INTO event_log_purges (workspace_id, requested_by, tombstone_id)
    VALUES (p_workspace_id, p_requested_by, p_tombstone_id);

    DELETE FROM event_log e
     WHERE e.payload->>'workspaceID' = p_workspace_id AND e.event_type <> 'WorkspacePurged';
    GET DIAGNOSTICS v_purged = ROW_COUNT;

    DELETE FROM vote_keys k WHERE k.workspace_id = p_workspace_id;
    DELETE FROM quarantine q WHERE q.workspace_id = p_workspace_id;
    DELETE FROM landing_contacts c WHERE c.workspace_id = p_workspace_id;
    DELETE FROM statistics_documents d WHERE d.workspace_id = p_workspace_id;
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

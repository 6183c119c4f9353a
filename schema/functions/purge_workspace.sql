-- purge_workspace: privacy erasure of one workspace (nps-collector workspaces
-- purge): the one way events leave the log. In one transaction it
--   1. records the purge in event_log_purges (who, which workspace, which
--      tombstone), which is what lets the DELETE below past the log's
--      triggers (triggers/event_log_refuse_change.sql, event_log_purge_scope.sql);
--   2. deletes every event of the workspace (event_workspace_id: its votes,
--      uploads, notifications, settings, statistics, registration), earlier
--      tombstones excepted, and the heads (stream_heads) of the streams it
--      emptied: a stream that keeps a tombstone keeps its head, so the next
--      tombstone follows it;
--   3. appends the WorkspacePurged tombstone (workspace, events purged, who
--      asked) to the stream workspace/<id>;
--   4. forgets the write side's copies: its vote keys, quarantined uploads
--      and landing-page contacts (so purging a campaign's landing source
--      landing:{campaignId} erases the contact details left with its votes),
--      and revokes its tokens.
-- The read models still hold the workspace until they are rebuilt from the
-- log (nps-collector replay --all, which the purge command runs next).
--
-- SECURITY DEFINER with a fixed search_path, so that a role may be allowed
-- to purge without any privilege to delete from the log; granted to no role
-- but its owner: purging is an operator's act, never the server's.
--
-- It first takes the workspace's ingest lock (advisory class 5,
-- hashtext(workspace id)): results uploads hold it shared for their whole
-- transaction, so the purge waits for an upload in flight to commit and then
-- deletes its events too (each statement of this function sees what committed
-- before it began), and an upload that starts later waits for the purge and
-- finds the tokens revoked. Without it, an upload uncommitted when the purge
-- deleted committed afterwards and brought the workspace back at the next
-- replay. It also deletes the raw statistics documents (statistics_documents).
--
-- History: 0045; 0062 (also deletes landing_contacts); this file (the ingest
-- lock, statistics_documents; event_workspace_id, since VoteCast version 3
-- names its workspace in the stream id only; stream_heads since 0098).
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

    WITH purged AS (
        DELETE FROM event_log e
         WHERE event_workspace_id(e.stream_id, e.payload) = p_workspace_id AND e.event_type <> 'WorkspacePurged'
        RETURNING e.stream_id
    ), emptied AS (
        DELETE FROM stream_heads h
         WHERE h.stream_id IN (SELECT stream_id FROM purged)
           AND NOT EXISTS (SELECT FROM event_log e
                            WHERE e.stream_id = h.stream_id AND e.event_type = 'WorkspacePurged')
    )
    SELECT count(*) INTO v_purged FROM purged;

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

-- Privileges: the owner role only (it runs migrations, replays and purges); never the server.
REVOKE ALL ON FUNCTION purge_workspace(text, text, uuid, jsonb) FROM PUBLIC, nps_app;

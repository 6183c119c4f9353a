-- event_workspace_id: the workspace an event of the log belongs to, which a
-- purge erases (purge_workspace, triggers/event_log_purge_scope.sql): the
-- workspaceID its payload names, or else, for an event of a stream
-- votes/<campaign>/<workspace>, the stream's workspace. VoteCast leaves its
-- ids to the stream id since version 3 (VoteEvents.swift); the other events
-- of a votes stream name the same workspace in their payload. NULL for an
-- event of no workspace.
--
-- History: this file (VoteCast version 3).
CREATE OR REPLACE FUNCTION event_workspace_id(p_stream_id text, p_payload jsonb) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(p_payload->>'workspaceID',
                    CASE WHEN p_stream_id LIKE 'votes/%' THEN nullif(split_part(p_stream_id, '/', 3), '') END)
$$;

-- Privileges: the application role (nps_app) may call it; nobody else but the owner.
REVOKE ALL ON FUNCTION event_workspace_id(text, jsonb) FROM PUBLIC, nps_app;
GRANT EXECUTE ON FUNCTION event_workspace_id(text, jsonb) TO nps_app;

-- workspace_pool: the pool of rule 3 of the privacy rule, the workspaces
-- of a campaign that hold votes and are not published (those under
-- p_published_from votes, and the one withheld with them, p_complement), as
-- WorkspaceDisclosure decides it in Swift. The vote list reads its records
-- from them, and the role breakdown and a vote page count their roles; both
-- ask it here, with the bind values WorkspaceDisclosure+statements.swift
-- gives. Read through workspace_tallies' index by voters. One SELECT, so the
-- planner inlines it into the calling statement.
--
-- History: this file (in place of the same statement written in
-- WorkspaceTallyQuery and RoleHoldingQuery).
CREATE OR REPLACE FUNCTION workspace_pool(
    p_campaign_id     text,
    p_published_from  bigint,
    p_complement      text
) RETURNS SETOF text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT workspace_id FROM workspace_tallies
     WHERE campaign_id = p_campaign_id AND voters BETWEEN 1 AND p_published_from - 1
    UNION ALL
    SELECT p_complement WHERE p_complement IS NOT NULL
$$;

-- Privileges: the application role (nps_app) may call it; nobody else but the owner.
REVOKE ALL ON FUNCTION workspace_pool(text, bigint, text) FROM PUBLIC, nps_app;
GRANT EXECUTE ON FUNCTION workspace_pool(text, bigint, text) TO nps_app;

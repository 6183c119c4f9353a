-- workspace_is_published: rule 3 of the privacy rule in the statements'
-- terms, as WorkspaceDisclosure.isPublished states it in Swift: a workspace
-- shows its figures when it holds at least p_published_from votes (k, or no
-- number at all while the campaign's total is withheld) and is not the one
-- workspace withheld with those under k (p_complement). The read models'
-- statements that select or order by publication (the workspace page, the
-- vote page, the role breakdown's holders) all ask it here, with the bind
-- values WorkspaceDisclosure+statements.swift gives. Inlined by the planner
-- (one SQL expression, each argument used once), so an index on voters
-- still applies.
--
-- History: this file (0097).
CREATE OR REPLACE FUNCTION workspace_is_published(
    p_voters          bigint,
    p_workspace_id    text,
    p_published_from  bigint,
    p_complement      text
) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT p_voters >= p_published_from AND p_workspace_id IS DISTINCT FROM p_complement
$$;

-- Privileges: the application role (nps_app) may call it; nobody else but the owner.
REVOKE ALL ON FUNCTION workspace_is_published(bigint, text, bigint, text) FROM PUBLIC, nps_app;
GRANT EXECUTE ON FUNCTION workspace_is_published(bigint, text, bigint, text) TO nps_app;

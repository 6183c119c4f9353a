-- vote_cast_roles_v2: VoteCast version 1 -> 2 for the SQL folds, which read
-- payloads where they lie: a vote's roles without duplicates, in code point
-- order. The same rule as the Swift upcaster (PayloadUpcaster.voteCastRoles),
-- which the tests hold to the same answers. Lists of up to two roles (nearly
-- all votes) are put in order right here, without a sub-select, so that the
-- planner inlines this into the fold and a vote pays a comparison, not a
-- call; longer lists go to sorted_role_set. A helper of the votes fold
-- (project_votes).
--
-- History: 0047.
CREATE OR REPLACE FUNCTION vote_cast_roles_v2(p_roles jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN jsonb_typeof(p_roles) <> 'array' OR jsonb_array_length(p_roles) < 2 THEN p_roles
        WHEN jsonb_array_length(p_roles) > 2 THEN sorted_role_set(p_roles)
        WHEN p_roles->>0 = p_roles->>1 THEN p_roles - 1
        -- The first role moved to the end. (jsonb_insert, not jsonb_build_array: that one is only
        -- STABLE, and the planner inlines no IMMUTABLE function that calls it.)
        WHEN (p_roles->>0) COLLATE "C" > (p_roles->>1) COLLATE "C" THEN jsonb_insert(p_roles - 0, '{-1}', p_roles->0, true)
        ELSE p_roles
    END
$$;

-- Privileges: the application role (nps_app) may call it; nobody else but the owner.
REVOKE ALL ON FUNCTION vote_cast_roles_v2(jsonb) FROM PUBLIC, nps_app;
GRANT EXECUTE ON FUNCTION vote_cast_roles_v2(jsonb) TO nps_app;

-- sorted_role_set: a vote's roles as VoteCast version 2 stores them: a JSON
-- array of the distinct role names in code point order (COLLATE "C"), the
-- order of VoteCast.normalizedRoles in Swift. The general case of
-- vote_cast_roles_v2, which handles the short lists without calling this: a
-- sub-select keeps a function from being inlined, and costs some 25 us a
-- call. A helper of the votes fold (project_votes).
--
-- History: 0046.
CREATE OR REPLACE FUNCTION sorted_role_set(p_roles jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(jsonb_agg(role ORDER BY role COLLATE "C"), '[]'::jsonb)
      FROM (SELECT DISTINCT jsonb_array_elements_text(p_roles) AS role) AS roles
$$;

-- Privileges: the application role (nps_app) may call it; nobody else but the owner.
REVOKE ALL ON FUNCTION sorted_role_set(jsonb) FROM PUBLIC, nps_app;
GRANT EXECUTE ON FUNCTION sorted_role_set(jsonb) TO nps_app;

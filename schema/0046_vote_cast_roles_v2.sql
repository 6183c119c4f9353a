-- VoteCast version 1 -> 2 for the SQL folds, which read payloads where they
-- lie: a vote's roles without duplicates, in code point order (COLLATE "C").
-- The same rule as the Swift upcaster (PayloadUpcaster.voteCastRoles), which
-- the tests hold to the same answers. A list of fewer than two roles is
-- already in order, which spares the common case the sort.
CREATE FUNCTION vote_cast_roles_v2(p_roles jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN jsonb_typeof(p_roles) <> 'array' OR jsonb_array_length(p_roles) < 2 THEN p_roles
        ELSE (SELECT jsonb_agg(role ORDER BY role COLLATE "C")
                FROM (SELECT DISTINCT jsonb_array_elements_text(p_roles) AS role) AS roles)
    END
$$;

REVOKE ALL ON FUNCTION vote_cast_roles_v2(jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION vote_cast_roles_v2(jsonb) TO nps_app;

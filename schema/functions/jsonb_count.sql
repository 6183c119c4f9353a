-- jsonb_count: a count out of a document we do not control (statistics come
-- from anyone): the number when it is a whole number from 0 to 2^53, else
-- NULL. Junk in a report must not halt a projection. A helper of the
-- workspaces fold (project_workspaces).
--
-- History: 0013.
CREATE OR REPLACE FUNCTION jsonb_count(p_value jsonb) RETURNS bigint
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN jsonb_typeof(p_value) = 'number'
         AND p_value::numeric BETWEEN 0 AND 9007199254740992
         AND p_value::numeric = trunc(p_value::numeric)
        THEN p_value::numeric::bigint
    END
$$;

-- Privileges: the application role (nps_app) may call it; nobody else but the owner.
REVOKE ALL ON FUNCTION jsonb_count(jsonb) FROM PUBLIC, nps_app;
GRANT EXECUTE ON FUNCTION jsonb_count(jsonb) TO nps_app;

-- profile_segments: the segments a workspace's profile puts it in
-- (docs/segments.md), from a WorkspaceProfileChanged payload: the version as
-- major.minor and as major (6.12.1 -> 6.12 and 6; unparsable is unknown),
-- the deployment as method/platform, the edition, the band of active users
-- (0 counts in the first), and the registration's industry, organisation
-- size, country and language as typed (at most 64 characters). NULL is
-- unknown; no payload gives a row of NULLs. The one place these are derived.
--
-- Part of the votes fold (project_votes): changing it needs a new version of
-- the votes read model (schema/README.md).
--
-- History: 0102; this file.
CREATE OR REPLACE FUNCTION profile_segments(p_payload jsonb)
RETURNS TABLE (
    version        text,
    major_version  text,
    deployment     text,
    edition        text,
    size_band      text,
    industry       text,
    org_size       text,
    country        text,
    language       text
)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT substring(p.version FROM '^(\d+\.\d+)'), substring(p.version FROM '^(\d+)'),
           nullif(concat_ws('/', left(p.method, 64), left(p.platform, 64)), ''),
           p.edition,
           CASE WHEN p.active_users IS NULL THEN NULL
                WHEN p.active_users <= 10 THEN '1-10'
                WHEN p.active_users <= 50 THEN '11-50'
                WHEN p.active_users <= 250 THEN '51-250'
                WHEN p.active_users <= 1000 THEN '251-1000'
                WHEN p.active_users <= 5000 THEN '1001-5000'
                ELSE '5001+' END,
           left(p.industry, 64), left(p.org_size, 64), left(p.country, 64), left(p.language, 64)
      FROM (SELECT p_payload->'profile'->>'version' AS version,
                   p_payload->'profile'->>'deploymentMethod' AS method,
                   p_payload->'profile'->>'deploymentPlatform' AS platform,
                   p_payload->'profile'->>'edition' AS edition,
                   jsonb_count(p_payload->'profile'->'activeUsers') AS active_users,
                   p_payload->'profile'->>'industry' AS industry,
                   p_payload->'profile'->>'orgSize' AS org_size,
                   p_payload->'profile'->>'country' AS country,
                   p_payload->'profile'->>'language' AS language) AS p
$$;

-- Privileges: the application role (nps_app) may call it; nobody else but the owner.
REVOKE ALL ON FUNCTION profile_segments(jsonb) FROM PUBLIC, nps_app;
GRANT EXECUTE ON FUNCTION profile_segments(jsonb) TO nps_app;

-- segment_values: a workspace's segments in a campaign as (dimension, value)
-- rows, one per dimension, named as the API names them (by=version, major,
-- deployment, edition, size, industry, orgSize, country, language); '' is
-- unknown. The one list of the dimensions the counts per segment
-- (segment_tallies) are kept by.
--
-- Part of the votes fold (project_votes): changing it needs a new version of
-- the votes read model (schema/README.md).
--
-- History: this file (0102).
CREATE OR REPLACE FUNCTION segment_values(
    p_version        text,
    p_major_version  text,
    p_deployment     text,
    p_edition        text,
    p_size_band      text,
    p_industry       text,
    p_org_size       text,
    p_country        text,
    p_language       text
) RETURNS TABLE (dimension text, value text)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    VALUES ('version', coalesce(p_version, '')), ('major', coalesce(p_major_version, '')),
           ('deployment', coalesce(p_deployment, '')), ('edition', coalesce(p_edition, '')),
           ('size', coalesce(p_size_band, '')), ('industry', coalesce(p_industry, '')),
           ('orgSize', coalesce(p_org_size, '')), ('country', coalesce(p_country, '')),
           ('language', coalesce(p_language, ''))
$$;

-- Privileges: the application role (nps_app) may call it; nobody else but the owner.
REVOKE ALL ON FUNCTION segment_values(text, text, text, text, text, text, text, text, text) FROM PUBLIC, nps_app;
GRANT EXECUTE ON FUNCTION segment_values(text, text, text, text, text, text, text, text, text) TO nps_app;

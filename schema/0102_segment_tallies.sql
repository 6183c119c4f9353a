-- Read model (projection "votes", docs/segments.md): the profile each
-- workspace's votes count under in a campaign, and the campaigns' counts per
-- segment that a breakdown sums.
--
-- campaign_workspace_profiles: a workspace's segments in a campaign, fixed
-- when the votes fold first meets the workspace's results for it: the last
-- verified WorkspaceProfileChanged of the workspace before them in the log.
-- Rocket.Chat sends results after the campaign expires, so that is the
-- profile it had while the campaign ran, and an upgrade afterwards does not
-- move the votes. NULL is unknown (no profile before, or one that does not say).
CREATE TABLE campaign_workspace_profiles (
    campaign_id    text NOT NULL,
    workspace_id   text NOT NULL,
    version        text,
    major_version  text,
    deployment     text,
    edition        text,
    size_band      text,
    industry       text,
    org_size       text,
    country        text,
    language       text,
    PRIMARY KEY (campaign_id, workspace_id)
);

REVOKE ALL ON TABLE campaign_workspace_profiles FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON TABLE campaign_workspace_profiles TO nps_app;

-- segment_tallies: per campaign, dimension (the API's name: version, major,
-- deployment, edition, size, industry, orgSize, country, language), value
-- ('' is unknown) and number of voters, the workspaces of that many voters
-- with that value and the sums a clustered interval needs (ClusterSums):
-- promoters, detractors, Σ(P − D)² and Σ(P − D)·voters. A breakdown sums the
-- rows of k voters or more (rule 3 publishes a workspace by its voters), so it
-- reads a few thousand rows, not a row per workspace. Kept per projection
-- shard, like campaign_scores; a row left with no workspace is deleted in the
-- same batch, so the rows are the same whatever the batches were.
CREATE TABLE segment_tallies (
    campaign_id      text NOT NULL,
    dimension        text NOT NULL,
    value            text NOT NULL,
    voters           bigint NOT NULL,
    shard            integer NOT NULL,
    workspaces       bigint NOT NULL,
    promoters        bigint NOT NULL,
    detractors       bigint NOT NULL,
    net_squares      bigint NOT NULL,
    net_times_votes  bigint NOT NULL,
    PRIMARY KEY (campaign_id, dimension, voters, value, shard)
);

-- The rows a batch emptied, found without a scan.
CREATE INDEX segment_tallies_empty ON segment_tallies (shard) WHERE workspaces = 0;

REVOKE ALL ON TABLE segment_tallies FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON TABLE segment_tallies TO nps_app;

-- The derivation of segments from a profile (functions/profile_segments.sql,
-- where it is kept), as it stands at this migration, for the back-fill below.
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

REVOKE ALL ON FUNCTION profile_segments(jsonb) FROM PUBLIC, nps_app;
GRANT EXECUTE ON FUNCTION profile_segments(jsonb) TO nps_app;

-- What the votes fold has folded so far, as this version of it
-- (functions/project_votes.sql) would have kept it: each tallied workspace's
-- profile before its first event of the campaign, and the counts per segment
-- (two shards, by hashtext of the workspace, as the votes projection runs).
INSERT INTO campaign_workspace_profiles
       (campaign_id, workspace_id, version, major_version, deployment, edition, size_band, industry, org_size,
        country, language)
SELECT t.campaign_id, t.workspace_id, s.version, s.major_version, s.deployment, s.edition, s.size_band,
       s.industry, s.org_size, s.country, s.language
  FROM workspace_tallies t
 CROSS JOIN LATERAL (SELECT e.transaction_id, e.position FROM event_log e
                      WHERE e.stream_id = 'votes/' || t.campaign_id || '/' || t.workspace_id
                      ORDER BY e.transaction_id, e.position LIMIT 1) AS first
  LEFT JOIN LATERAL (SELECT p.payload FROM event_log p
                      WHERE p.stream_id = 'profile/' || t.workspace_id
                        AND p.event_type = 'WorkspaceProfileChanged' AND (p.payload->>'verified')::boolean
                        AND p.transaction_id < first.transaction_id
                      ORDER BY p.transaction_id DESC, p.position DESC LIMIT 1) AS last ON true
  LEFT JOIN LATERAL profile_segments(last.payload) AS s ON true;

INSERT INTO segment_tallies
       (campaign_id, dimension, value, voters, shard, workspaces, promoters, detractors, net_squares,
        net_times_votes)
SELECT t.campaign_id, d.dimension, coalesce(d.value, ''), t.voters, (hashtext(t.workspace_id) & 2147483647) % 2,
       count(*), sum(t.promoters), sum(t.detractors), sum((t.promoters - t.detractors) ^ 2)::bigint,
       sum((t.promoters - t.detractors) * t.voters)
  FROM workspace_tallies t
  JOIN campaign_workspace_profiles a ON a.campaign_id = t.campaign_id AND a.workspace_id = t.workspace_id
 CROSS JOIN LATERAL (VALUES ('version', a.version), ('major', a.major_version), ('deployment', a.deployment),
                            ('edition', a.edition), ('size', a.size_band), ('industry', a.industry),
                            ('orgSize', a.org_size), ('country', a.country), ('language', a.language))
       AS d(dimension, value)
 WHERE t.voters > 0
 GROUP BY 1, 2, 3, 4, 5;

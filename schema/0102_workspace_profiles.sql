-- Read model (projection "workspaces"): each workspace's profile as it
-- changed, the segments its votes are counted under (docs/segments.md).
--
-- One row per profile fact the directory counts (WorkspaceProfileChanged,
-- and StatisticsReported in older logs; once a workspace is registered, only
-- its verified reports), in log order. A campaign counts a workspace's votes
-- under the last row recorded by the campaign's expiry, so a workspace that
-- upgrades later does not move its old votes; a workspace with no row by
-- then counts as unknown.
--
-- The segment columns are what the fold derived from the profile
-- (functions/project_workspaces.sql), not the raw facts: the version as
-- major.minor and as major, the deployment as method/platform, the
-- user-count band of the active users. NULL is unknown.
CREATE TABLE workspace_profiles (
    workspace_id    text NOT NULL,
    recorded_at     timestamptz NOT NULL,
    transaction_id  xid8 NOT NULL,
    position        bigint NOT NULL,
    version         text,
    major_version   text,
    deployment      text,
    edition         text,
    size_band       text,
    industry        text,
    org_size        text,
    country         text,
    language        text,
    -- The last row of a workspace by a time is the first of a backward scan.
    PRIMARY KEY (workspace_id, recorded_at, transaction_id, position)
);

REVOKE ALL ON TABLE workspace_profiles FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON TABLE workspace_profiles TO nps_app;

-- What the workspaces read model has folded so far, as the fold of this
-- version (functions/project_workspaces.sql, where the derivations live)
-- would have kept it, so that the read model stays what a replay makes of
-- the log. A copy of that statement as it stands at this migration.
INSERT INTO workspace_profiles
       (workspace_id, recorded_at, transaction_id, position, version, major_version, deployment, edition,
        size_band, industry, org_size, country, language)
SELECT e.payload->>'workspaceID', e.recorded_at, e.transaction_id, e.position,
       substring(f.version FROM '^(\d+\.\d+)'), substring(f.version FROM '^(\d+)'),
       nullif(concat_ws('/', left(f.method, 64), left(f.platform, 64)), ''),
       f.edition,
       CASE WHEN f.active_users IS NULL THEN NULL
            WHEN f.active_users <= 10 THEN '1-10'
            WHEN f.active_users <= 50 THEN '11-50'
            WHEN f.active_users <= 250 THEN '51-250'
            WHEN f.active_users <= 1000 THEN '251-1000'
            WHEN f.active_users <= 5000 THEN '1001-5000'
            ELSE '5001+' END,
       left(f.industry, 64), left(f.org_size, 64), left(f.country, 64), left(f.language, 64)
  FROM event_log e
  LEFT JOIN workspaces registered ON registered.workspace_id = e.payload->>'workspaceID'
 CROSS JOIN LATERAL (
       SELECT coalesce(e.payload->'profile'->>'version', e.payload->'document'->>'version') AS version,
              coalesce(e.payload->'profile'->>'deploymentMethod',
                       e.payload->'document'->'deploy'->>'method') AS method,
              coalesce(e.payload->'profile'->>'deploymentPlatform',
                       e.payload->'document'->'deploy'->>'platform') AS platform,
              coalesce(e.payload->'profile'->>'edition',
                       CASE jsonb_typeof(e.payload->'document'->'enterpriseReady') WHEN 'boolean' THEN
                            CASE WHEN (e.payload->'document'->>'enterpriseReady')::boolean
                                 THEN 'enterprise' ELSE 'community' END END) AS edition,
              jsonb_count(coalesce(e.payload->'profile'->'activeUsers',
                                   e.payload->'document'->'activeUsers')) AS active_users,
              coalesce(e.payload->'profile'->>'industry', e.payload->'document'->'wizard'->>'industry') AS industry,
              coalesce(e.payload->'profile'->>'orgSize', e.payload->'document'->'wizard'->>'size') AS org_size,
              coalesce(e.payload->'profile'->>'country', e.payload->'document'->'wizard'->>'country') AS country,
              coalesce(e.payload->'profile'->>'language', e.payload->'document'->'wizard'->>'language') AS language
       ) AS f
 CROSS JOIN projections folded
 WHERE folded.name = 'workspaces' AND (e.transaction_id, e.position) <= (folded.transaction_id, folded.position)
   AND e.event_type IN ('StatisticsReported', 'WorkspaceProfileChanged')
   AND ((e.payload->>'verified')::boolean OR registered.registered_at IS NULL
        OR registered.registered_at > e.recorded_at);

-- Read model (projection "votes"): the current votes of each workspace in a
-- campaign per set of roles, with how many of them promote and detract.
-- The finest group the privacy rule (Disclosure) decides from, and the
-- per-workspace figures of the workspace breakdown: both used to be counted
-- at query time over current_votes (one row a vote), which took seconds at
-- 100,000 workspaces and 5 million votes; this table has a row a workspace
-- and role set. Folded by project_votes; a key belongs to one workspace and
-- so to one shard of the fold, hence no shard column.
--
-- roles is a vote's role set as current_votes holds it (a sorted JSON array).
-- A row whose votes fell to 0 stays, as in the other counts.
CREATE TABLE voter_groups (
    campaign_id   text NOT NULL,
    workspace_id  text NOT NULL,
    roles         jsonb NOT NULL,
    votes         bigint NOT NULL,
    promoters     bigint NOT NULL,
    detractors    bigint NOT NULL,
    PRIMARY KEY (campaign_id, workspace_id, roles)
) WITH (fillfactor = 70);

-- An existing database: the groups of the votes already folded, so that the
-- queries that read this table answer at once, before the votes read model
-- is rebuilt at its new version.
INSERT INTO voter_groups (campaign_id, workspace_id, roles, votes, promoters, detractors)
SELECT campaign_id, workspace_id, roles, count(*), count(*) FILTER (WHERE score >= 9),
       count(*) FILTER (WHERE score <= 6)
  FROM current_votes
 GROUP BY campaign_id, workspace_id, roles;

REVOKE ALL ON TABLE voter_groups FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON TABLE voter_groups TO nps_app;

-- Each workspace's voters and NPS categories in a campaign, kept by the votes
-- fold beside the total it reported, and indexed in the orders the workspace
-- page sorts by (issue 17: at 100,000 workspaces the page grouped 190,000
-- voter groups, passed every published workspace's id to the statement and
-- sorted every row, 0.8 to 1.1 s for a first answer).
--
-- Read model "votes" (project_votes), one row a workspace in a campaign that
-- holds a vote or uploaded results: workspace_reports (0096) under a name
-- that says what it now holds. The privacy rule's workspace part (rule 3:
-- those under k, and the one workspace withheld with them) is decided from
-- the index by voters; the page reads its rows in index order.
ALTER TABLE workspace_reports RENAME TO workspace_tallies;
ALTER INDEX workspace_reports_pkey RENAME TO workspace_tallies_pkey;

ALTER TABLE workspace_tallies
    ADD COLUMN voters bigint NOT NULL DEFAULT 0,
    ADD COLUMN promoters bigint NOT NULL DEFAULT 0,
    ADD COLUMN detractors bigint NOT NULL DEFAULT 0;

-- An existing database: the voters already folded, so that pages answer at
-- once, before the votes read model is rebuilt at its new version.
INSERT INTO workspace_tallies AS kept (campaign_id, workspace_id, voters, promoters, detractors)
SELECT campaign_id, workspace_id, sum(votes), sum(promoters), sum(detractors)
  FROM voter_groups
 GROUP BY campaign_id, workspace_id
    ON CONFLICT (campaign_id, workspace_id) DO UPDATE
   SET voters = excluded.voters, promoters = excluded.promoters, detractors = excluded.detractors;

-- Ascending and descending, each with ties by workspace id ascending in
-- byte order (COLLATE "C": the order in which the privacy rule, in Swift,
-- breaks ties, whatever the database's collation): a backward scan would
-- order ties by id descending, and sort whole runs of equal keys again. The
-- NPS expression is the one WorkspaceBreakdownQuery orders by, written the
-- same.
CREATE INDEX workspace_tallies_by_voters ON workspace_tallies (campaign_id, voters, workspace_id COLLATE "C");
CREATE INDEX workspace_tallies_by_voters_desc
    ON workspace_tallies (campaign_id, voters DESC, workspace_id COLLATE "C");
CREATE INDEX workspace_tallies_by_nps
    ON workspace_tallies (campaign_id, ((100 * (promoters - detractors))::float8 / nullif(voters, 0)),
                          workspace_id COLLATE "C");
CREATE INDEX workspace_tallies_by_nps_desc
    ON workspace_tallies (campaign_id, ((100 * (promoters - detractors))::float8 / nullif(voters, 0)) DESC,
                          workspace_id COLLATE "C");

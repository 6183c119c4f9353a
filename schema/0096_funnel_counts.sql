-- The funnel's counts and the voting workspaces, kept by the folds instead of
-- counted when a summary, the campaign list or the trend is read (issue 17:
-- at 100,000 workspaces, the funnel view grouped 190,000 voter groups per
-- workspace in 0.35-0.5 s, and count(DISTINCT workspace_id) took 0.1-0.3 s,
-- on every first answer of a new read-model version).
--
-- Read model "votes" (project_votes), one row a workspace in a campaign
-- that uploaded results: the largest total it reported holding (its
-- ResultsReceived, in the same shard as its votes). A workspace belongs to
-- one shard of the fold, hence no shard column.
CREATE TABLE workspace_reports (
    campaign_id     text NOT NULL,
    workspace_id    text NOT NULL,
    reported_total  bigint,
    PRIMARY KEY (campaign_id, workspace_id)
);

-- Read model "votes", one row a campaign and shard (as campaign_scores):
-- over that shard's workspaces, those holding a current vote, and over those
-- that reported a total above 0, their voters and those totals summed (the
-- delivery completeness is their ratio). Queries sum the shards.
-- batches counts the fold's batches that moved the row: a campaign whose
-- sum of them has not changed has the same voter groups, so the privacy
-- rule decided from them still holds (DisclosureCache). Bookkeeping: it
-- depends on where batches ended, and comparisons leave it out.
CREATE TABLE campaign_voting (
    campaign_id        text NOT NULL,
    shard              smallint NOT NULL,
    voting_workspaces  bigint NOT NULL,
    reported_voters    bigint NOT NULL,
    reported_total     bigint NOT NULL,
    batches            bigint NOT NULL DEFAULT 1,
    PRIMARY KEY (campaign_id, shard)
);

-- Read model "campaigns" (project_campaigns): whether each workspace opted
-- out of each campaign, before its start or while it ran (campaign_funnel
-- states the rule), decided by the fold when the workspace's notice or
-- setting or the campaign's dates change; and one row a campaign: its
-- workspaces in workspace_campaigns (announced), those notified and shown,
-- and those opted out.
ALTER TABLE workspace_campaigns
    ADD COLUMN opted_out_before_start boolean NOT NULL DEFAULT false,
    ADD COLUMN opted_out_during boolean NOT NULL DEFAULT false;

CREATE TABLE campaign_reach (
    campaign_id             text PRIMARY KEY,
    announced               bigint NOT NULL,
    notified                bigint NOT NULL,
    shown                   bigint NOT NULL,
    opted_out_before_start  bigint NOT NULL DEFAULT 0,
    opted_out_during        bigint NOT NULL DEFAULT 0
);

-- An existing database: the counts of what is already folded, so that the
-- summary answers at once, before both read models are rebuilt at their new
-- versions.
INSERT INTO workspace_reports (campaign_id, workspace_id, reported_total)
SELECT campaign_id, workspace_id, reported_total FROM workspace_campaigns WHERE uploads > 0;

-- In the votes read model's two shards, as project_votes places a workspace.
INSERT INTO campaign_voting (campaign_id, shard, voting_workspaces, reported_voters, reported_total)
SELECT campaign_id, (hashtext(workspace_id) & 2147483647) % 2, count(*) FILTER (WHERE voters > 0),
       coalesce(sum(voters) FILTER (WHERE reported_total > 0), 0),
       coalesce(sum(reported_total) FILTER (WHERE reported_total > 0), 0)
  FROM (SELECT coalesce(g.campaign_id, r.campaign_id) AS campaign_id,
               coalesce(g.workspace_id, r.workspace_id) AS workspace_id,
               coalesce(g.voters, 0) AS voters, r.reported_total
          FROM (SELECT campaign_id, workspace_id, sum(votes) AS voters FROM voter_groups
                 GROUP BY campaign_id, workspace_id) AS g
          FULL JOIN workspace_reports r ON r.campaign_id = g.campaign_id AND r.workspace_id = g.workspace_id)
       AS workspaces
 GROUP BY 1, 2;

UPDATE workspace_campaigns wc
   SET opted_out_before_start = coalesce((SELECT NOT s.enabled AND s.changed_at >= wc.notified_at
                                            FROM setting_changes s
                                           WHERE s.workspace_id = wc.workspace_id AND s.changed_at < c.start_at
                                           ORDER BY s.position DESC LIMIT 1), false),
       opted_out_during = EXISTS (SELECT FROM setting_changes s
                                   WHERE s.workspace_id = wc.workspace_id AND NOT s.enabled
                                     AND s.changed_at >= c.start_at
                                     AND s.changed_at < least(c.expire_at, c.closed_at))
  FROM campaigns c
 WHERE c.campaign_id = wc.campaign_id
   AND wc.workspace_id IN (SELECT workspace_id FROM setting_changes);

INSERT INTO campaign_reach (campaign_id, announced, notified, shown, opted_out_before_start, opted_out_during)
SELECT campaign_id, count(*), count(notified_at), count(shown_at), count(*) FILTER (WHERE opted_out_before_start),
       count(*) FILTER (WHERE opted_out_during)
  FROM workspace_campaigns
 GROUP BY campaign_id;

REVOKE ALL ON TABLE workspace_reports, campaign_voting, campaign_reach FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON TABLE workspace_reports, campaign_voting, campaign_reach TO nps_app;

-- The funnel's counts and the voting workspaces, kept by the folds instead of
-- counted when a summary, the campaign list or the trend is read (issue 17:
-- at 100,000 workspaces, the funnel view grouped 190,000 voter groups per
-- workspace in 0.35-0.5 s, and count(DISTINCT workspace_id) took 0.1-0.3 s,
-- on every first answer of a new read-model version).
--
-- Read model "votes" (project_votes), one row a workspace in a campaign:
-- its current voters and the largest total it reported holding (the
-- ResultsReceived of its uploads, in the same shard as its votes). A
-- workspace belongs to one shard of the fold, hence no shard column.
CREATE TABLE workspace_voters (
    campaign_id     text NOT NULL,
    workspace_id    text NOT NULL,
    voters          bigint NOT NULL,
    reported_total  bigint,
    PRIMARY KEY (campaign_id, workspace_id)
) WITH (fillfactor = 70);

-- Read model "votes", one row a campaign and shard (as campaign_scores):
-- over that shard's workspaces, those holding a current vote, and over those
-- that reported a total above 0, their voters and those totals summed (the
-- delivery completeness is their ratio). Queries sum the shards.
CREATE TABLE campaign_voting (
    campaign_id        text NOT NULL,
    shard              smallint NOT NULL,
    voting_workspaces  bigint NOT NULL,
    reported_voters    bigint NOT NULL,
    reported_total     bigint NOT NULL,
    PRIMARY KEY (campaign_id, shard)
);

-- Read model "campaigns" (project_campaigns), one row a campaign: its
-- workspaces in workspace_campaigns (announced), and those notified and
-- shown. The opt-outs depend on when the setting changed relative to the
-- campaign's dates and are counted when read, over the workspaces that
-- changed it (setting_changes), which are few.
CREATE TABLE campaign_reach (
    campaign_id  text PRIMARY KEY,
    announced    bigint NOT NULL,
    notified     bigint NOT NULL,
    shown        bigint NOT NULL
);

-- An existing database: the counts of what is already folded, so that the
-- summary answers at once, before both read models are rebuilt at their new
-- versions.
INSERT INTO workspace_voters (campaign_id, workspace_id, voters, reported_total)
SELECT coalesce(g.campaign_id, wc.campaign_id), coalesce(g.workspace_id, wc.workspace_id),
       coalesce(g.voters, 0), wc.reported_total
  FROM (SELECT campaign_id, workspace_id, sum(votes) AS voters FROM voter_groups
         GROUP BY campaign_id, workspace_id) AS g
  FULL JOIN (SELECT campaign_id, workspace_id, reported_total FROM workspace_campaigns
              WHERE reported_total IS NOT NULL) AS wc
    ON wc.campaign_id = g.campaign_id AND wc.workspace_id = g.workspace_id;

-- In the votes read model's two shards, as project_votes places a workspace.
INSERT INTO campaign_voting (campaign_id, shard, voting_workspaces, reported_voters, reported_total)
SELECT campaign_id, (hashtext(workspace_id) & 2147483647) % 2, count(*) FILTER (WHERE voters > 0),
       coalesce(sum(voters) FILTER (WHERE reported_total > 0), 0),
       coalesce(sum(reported_total) FILTER (WHERE reported_total > 0), 0)
  FROM workspace_voters
 GROUP BY 1, 2;

INSERT INTO campaign_reach (campaign_id, announced, notified, shown)
SELECT campaign_id, count(*), count(notified_at), count(shown_at)
  FROM workspace_campaigns
 GROUP BY campaign_id;

REVOKE ALL ON TABLE workspace_voters, campaign_voting, campaign_reach FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON TABLE workspace_voters, campaign_voting, campaign_reach TO nps_app;

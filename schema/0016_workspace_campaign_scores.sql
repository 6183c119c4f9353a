-- Read model (projection "votes"): current votes per score of one workspace
-- in one campaign. Their sum is the workspace's distinct voters.
CREATE TABLE workspace_campaign_scores (
    campaign_id   text NOT NULL,
    workspace_id  text NOT NULL,
    score         smallint NOT NULL CHECK (score BETWEEN 0 AND 10),
    votes         bigint NOT NULL,
    PRIMARY KEY (campaign_id, workspace_id, score)
) WITH (fillfactor = 70);  -- room on each page for the updated row: counts change in place (HOT)

CREATE INDEX workspace_campaign_scores_workspace ON workspace_campaign_scores (workspace_id);

REVOKE ALL ON TABLE workspace_campaign_scores FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON TABLE workspace_campaign_scores TO nps_app;

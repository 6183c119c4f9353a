-- Read model (projection "votes"): how many current votes of a campaign have
-- each score, all workspaces pooled: the sum over the shards of the votes
-- projection, which each count their own workspaces (so they never wait for
-- each other's rows). Promoters, NPS and its interval are computed from these
-- counts by NPSDomain, never stored.
CREATE TABLE campaign_scores (
    campaign_id  text NOT NULL,
    shard        smallint NOT NULL,
    score        smallint NOT NULL CHECK (score BETWEEN 0 AND 10),
    votes        bigint NOT NULL,
    PRIMARY KEY (campaign_id, shard, score)
);

REVOKE ALL ON TABLE campaign_scores FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON TABLE campaign_scores TO nps_app;

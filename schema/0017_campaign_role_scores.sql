-- Read model (projection "votes"): current votes per role and score of a
-- campaign, per shard of the projection (sum them). A vote counts once in
-- each of its roles, so the roles of a campaign may sum to more than its votes.
CREATE TABLE campaign_role_scores (
    campaign_id  text NOT NULL,
    role         text NOT NULL,
    shard        smallint NOT NULL,
    score        smallint NOT NULL CHECK (score BETWEEN 0 AND 10),
    votes        bigint NOT NULL,
    PRIMARY KEY (campaign_id, role, shard, score)
);

REVOKE ALL ON TABLE campaign_role_scores FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON TABLE campaign_role_scores TO nps_app;

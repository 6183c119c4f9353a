-- Read model (projection "votes"): the trend. How the count of each score of
-- a campaign changed on each day (UTC) the log recorded votes: +1 for a new
-- vote, and -1/+1 when a vote changed. The running sum up to a day is the
-- distribution, and so the NPS, as it stood at the end of that day. Per
-- shard of the projection (sum them).
CREATE TABLE campaign_daily_scores (
    campaign_id  text NOT NULL,
    day          date NOT NULL,
    shard        smallint NOT NULL,
    score        smallint NOT NULL CHECK (score BETWEEN 0 AND 10),
    change       bigint NOT NULL,
    PRIMARY KEY (campaign_id, day, shard, score)
);

REVOKE ALL ON TABLE campaign_daily_scores FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON TABLE campaign_daily_scores TO nps_app;

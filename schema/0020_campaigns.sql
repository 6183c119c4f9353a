-- Read model (projection "campaigns"): every campaign announced, as last
-- announced, and when it was closed.
CREATE TABLE campaigns (
    campaign_id   text PRIMARY KEY,
    start_at      timestamptz NOT NULL,
    expire_at     timestamptz NOT NULL,
    roles         text[] NOT NULL,
    announced_at  timestamptz NOT NULL,
    closed_at     timestamptz
);

REVOKE ALL ON TABLE campaigns FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON TABLE campaigns TO nps_app;

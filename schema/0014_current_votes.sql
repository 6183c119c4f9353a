-- Read model (projection "votes"): the current content of every vote, one
-- row per key (campaign, workspace, identifier). A changed vote replaces its
-- row; a workspace never shares a row with another.
CREATE TABLE current_votes (
    campaign_id     text NOT NULL,
    workspace_id    text NOT NULL,
    identifier      text NOT NULL,
    score           smallint NOT NULL CHECK (score BETWEEN 0 AND 10),
    roles           jsonb NOT NULL,  -- as the vote carried them: a JSON array of strings
    comment         text,
    first_cast_at   timestamptz NOT NULL,
    changed_at      timestamptz NOT NULL,
    PRIMARY KEY (campaign_id, workspace_id, identifier)
) WITH (fillfactor = 90);  -- room for changed votes to be updated in place (HOT)

REVOKE ALL ON TABLE current_votes FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON TABLE current_votes TO nps_app;

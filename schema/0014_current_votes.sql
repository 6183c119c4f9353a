-- Read model (projection "votes"): the current content of every vote, one
-- row per key (campaign, workspace, identifier). A changed vote replaces its
-- row; a workspace never shares a row with another.
--
-- replaced_score, replaced_roles, replaced_at: the fold's own bookkeeping.
-- When a batch replaces a stored vote, the upsert keeps what it replaced
-- here and returns it, so the fold learns the old content from the same
-- index probe that writes the new one.
CREATE TABLE current_votes (
    campaign_id     text NOT NULL,
    workspace_id    text NOT NULL,
    identifier      text NOT NULL,
    score           smallint NOT NULL CHECK (score BETWEEN 0 AND 10),
    roles           jsonb NOT NULL,  -- as the vote carried them: a JSON array of strings
    comment         text,
    first_cast_at   timestamptz NOT NULL,
    changed_at      timestamptz NOT NULL,
    replaced_score  smallint,
    replaced_roles  jsonb,
    replaced_at     timestamptz,
    PRIMARY KEY (campaign_id, workspace_id, identifier)
) WITH (fillfactor = 90);  -- room for changed votes to be updated in place (HOT)

REVOKE ALL ON TABLE current_votes FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON TABLE current_votes TO nps_app;

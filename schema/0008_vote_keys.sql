-- The current content of every vote, by its key (campaign, workspace,
-- identifier). The results ingest compares each incoming vote with it: the
-- same content again is a repeat and writes nothing; a different content is
-- a new VoteCast. Write-side state, changed only by record_votes in the
-- transaction that appends, and rebuildable from the log alone.
CREATE TABLE vote_keys (
    campaign_id   text NOT NULL,
    workspace_id  text NOT NULL,
    identifier    text NOT NULL,
    fingerprint   uuid NOT NULL,  -- 128 bits of SHA-256 of the content
    event_id      uuid NOT NULL,
    PRIMARY KEY (campaign_id, workspace_id, identifier)
);

REVOKE ALL ON TABLE vote_keys FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE ON TABLE vote_keys TO nps_app;

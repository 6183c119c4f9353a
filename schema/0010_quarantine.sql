-- What the ingest could not accept, kept as it came so that nothing a
-- workspace sent is lost: an invalid vote (item_index set, raw = that item),
-- or a whole body that could not be read (item_index NULL). An operator lists
-- them, and replays an item once it is fixed or once its campaign exists.
CREATE TABLE quarantine (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    received_at   timestamptz NOT NULL DEFAULT now(),
    request_id    text NOT NULL,
    workspace_id  text,
    campaign_id   text,
    item_index    integer,
    raw           bytea NOT NULL,
    reason        text NOT NULL,
    -- 128 bits of SHA-256 of raw: the same thing quarantined again (an upload sent twice) is kept once.
    fingerprint   uuid NOT NULL,
    status        text NOT NULL DEFAULT 'held' CHECK (status IN ('held', 'replayed', 'discarded')),
    resolved_at   timestamptz
);

CREATE UNIQUE INDEX quarantine_once ON quarantine (workspace_id, campaign_id, fingerprint) NULLS NOT DISTINCT;
CREATE INDEX quarantine_held ON quarantine (received_at) WHERE status = 'held';

REVOKE ALL ON TABLE quarantine FROM PUBLIC;
GRANT SELECT, INSERT ON TABLE quarantine TO nps_app;
GRANT UPDATE (status, resolved_at) ON TABLE quarantine TO nps_app;

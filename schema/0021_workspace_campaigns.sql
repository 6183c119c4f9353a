-- Read model (projection "campaigns"): one workspace's way through one
-- campaign, for the funnel and delivery completeness. Its votes are counted
-- by the votes projection (workspace_campaign_scores); this one does not read
-- VoteCast at all, so it stays cheap however many votes arrive.
--
-- notified_at      first AdminNotified (the campaign was announced to its admins)
-- shown_at         first SurveyShown (its users were shown the banner)
-- reported_total   the largest `total` the workspace said it holds, over all
--                  its results uploads: the denominator of completeness
-- uploads, items_received, items_quarantined
--                  its results uploads and what they carried
CREATE TABLE workspace_campaigns (
    campaign_id        text NOT NULL,
    workspace_id       text NOT NULL,
    notified_at        timestamptz,
    shown_at           timestamptz,
    reported_total     bigint,
    uploads            bigint NOT NULL DEFAULT 0,
    items_received     bigint NOT NULL DEFAULT 0,
    items_quarantined  bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (campaign_id, workspace_id)
);

CREATE INDEX workspace_campaigns_workspace ON workspace_campaigns (workspace_id);

REVOKE ALL ON TABLE workspace_campaigns FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON TABLE workspace_campaigns TO nps_app;

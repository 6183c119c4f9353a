-- Read model (projection "campaigns"): every change of a workspace's NPS
-- setting, in log order. The funnel reads from it which notified workspaces
-- turned the survey off before a campaign started or while it ran.
CREATE TABLE setting_changes (
    workspace_id  text NOT NULL,
    position      bigint NOT NULL,
    changed_at    timestamptz NOT NULL,
    enabled       boolean NOT NULL,
    source        text NOT NULL,
    PRIMARY KEY (workspace_id, position)
);

REVOKE ALL ON TABLE setting_changes FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON TABLE setting_changes TO nps_app;

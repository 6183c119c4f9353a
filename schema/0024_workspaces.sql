-- Read model (projection "workspaces"): the workspace directory. Every
-- workspace the log knows of, registered or only reporting statistics.
--
-- statistics_*, version, deployment_*, total_users, active_users
--     from its last statistics report. Anyone may send a report without a
--     token, so once a workspace is registered only its verified reports
--     count here; active_users is the denominator of its response rate.
-- nps_enabled, setting_changed_at
--     its NPS survey setting as last recorded, and when that was
CREATE TABLE workspaces (
    workspace_id            text PRIMARY KEY,
    registered_at           timestamptz,
    statistics_reported_at  timestamptz,
    statistics_verified     boolean,
    version                 text,
    deployment_method       text,
    deployment_platform     text,
    total_users             bigint,
    active_users            bigint,
    nps_enabled             boolean,
    setting_changed_at      timestamptz
);

REVOKE ALL ON TABLE workspaces FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON TABLE workspaces TO nps_app;

-- project_workspaces: the fold of the workspaces read model, the workspace
-- directory (WorkspacesProjection.swift): folds the range (after, through]
-- (see event_batch_end). Statements run in log order of kinds that matter to
-- each other: registration first, since it decides which statistics reports
-- count (once a workspace is registered, only its verified reports do).
--
-- Changing this file changes the read model: bump the workspaces read
-- model's version (see schema/README.md).
--
-- Statistics facts come as WorkspaceProfileChanged (appended only when the
-- profile changes; the raw documents stay out of the log, in
-- statistics_documents) and, in older logs, as StatisticsReported: one
-- statement folds both types into the same columns, so the last event of a
-- workspace in the batch wins whichever its type. A profile event carries the
-- whole profile, as a report carried the whole document, and
-- statistics_reported_at is when the profile last changed.
--
-- History: 0025; this file (WorkspaceProfileChanged).
CREATE OR REPLACE FUNCTION project_workspaces(
    p_after_transaction    xid8,
    p_after_position       bigint,
    p_through_transaction  xid8,
    p_through_position     bigint
) RETURNS void
LANGUAGE plpgsql
-- The planner overestimates a batch's range by far and would JIT-compile
-- each statement, which costs more than the batch (see project_votes).
SET jit = off
AS $$
BEGIN
    INSERT INTO workspaces AS known (workspace_id, registered_at)
    SELECT e.payload->>'workspaceID', min(e.recorded_at)
      FROM event_log e
     WHERE (e.transaction_id, e.position) > (p_after_transaction, p_after_position)
       AND (e.transaction_id, e.position) <= (p_through_transaction, p_through_position)
       AND e.event_type = 'WorkspaceRegistered'
     GROUP BY 1
        ON CONFLICT (workspace_id) DO UPDATE
       SET registered_at = least(known.registered_at, excluded.registered_at);

    -- A StatisticsReported carries the whole document, a WorkspaceProfileChanged
    -- the profile: each column reads whichever the event has.
    INSERT INTO workspaces AS known
           (workspace_id, statistics_reported_at, statistics_verified, version,
            deployment_method, deployment_platform, total_users, active_users)
    SELECT DISTINCT ON (e.payload->>'workspaceID')
           e.payload->>'workspaceID', e.recorded_at, (e.payload->>'verified')::boolean,
           coalesce(e.payload->'profile'->>'version', e.payload->'document'->>'version'),
           coalesce(e.payload->'profile'->>'deploymentMethod', e.payload->'document'->'deploy'->>'method'),
           coalesce(e.payload->'profile'->>'deploymentPlatform', e.payload->'document'->'deploy'->>'platform'),
           jsonb_count(coalesce(e.payload->'profile'->'totalUsers', e.payload->'document'->'totalUsers')),
           jsonb_count(coalesce(e.payload->'profile'->'activeUsers', e.payload->'document'->'activeUsers'))
      FROM event_log e
      LEFT JOIN workspaces registered ON registered.workspace_id = e.payload->>'workspaceID'
     WHERE (e.transaction_id, e.position) > (p_after_transaction, p_after_position)
       AND (e.transaction_id, e.position) <= (p_through_transaction, p_through_position)
       AND e.event_type IN ('StatisticsReported', 'WorkspaceProfileChanged')
       AND ((e.payload->>'verified')::boolean OR registered.registered_at IS NULL
            OR registered.registered_at > e.recorded_at)
     ORDER BY e.payload->>'workspaceID', e.transaction_id DESC, e.position DESC
        ON CONFLICT (workspace_id) DO UPDATE
       SET statistics_reported_at = excluded.statistics_reported_at,
           statistics_verified = excluded.statistics_verified,
           version = excluded.version,
           deployment_method = excluded.deployment_method,
           deployment_platform = excluded.deployment_platform,
           total_users = excluded.total_users,
           active_users = excluded.active_users;

    INSERT INTO workspaces AS known (workspace_id, nps_enabled, setting_changed_at)
    SELECT DISTINCT ON (e.payload->>'workspaceID')
           e.payload->>'workspaceID', (e.payload->>'enabled')::boolean, e.recorded_at
      FROM event_log e
     WHERE (e.transaction_id, e.position) > (p_after_transaction, p_after_position)
       AND (e.transaction_id, e.position) <= (p_through_transaction, p_through_position)
       AND e.event_type = 'SettingToggled'
     ORDER BY e.payload->>'workspaceID', e.transaction_id DESC, e.position DESC
        ON CONFLICT (workspace_id) DO UPDATE
       SET nps_enabled = excluded.nps_enabled, setting_changed_at = excluded.setting_changed_at;
END
$$;

-- Privileges: the application role (nps_app) may call it; nobody else but the owner.
REVOKE ALL ON FUNCTION project_workspaces(xid8, bigint, xid8, bigint) FROM PUBLIC, nps_app;
GRANT EXECUTE ON FUNCTION project_workspaces(xid8, bigint, xid8, bigint) TO nps_app;

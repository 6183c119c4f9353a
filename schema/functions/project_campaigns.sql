-- project_campaigns: the fold of the campaigns read model
-- (CampaignsProjection.swift): folds the range (after, through] (see
-- event_batch_end) into campaigns, workspace_campaigns (with whether the
-- workspace opted out, and the funnel's counts over them, campaign_reach)
-- and setting_changes.
-- Every fold here is a first, a last, a largest or a sum, so the events of a
-- batch can be grouped before they are applied; each statement reads the
-- range again, which holds the same rows every time. Never reads VoteCast:
-- votes are the votes read model's, so this stays cheap however many votes
-- arrive.
--
-- Changing this file changes the read model: bump the campaigns read model's
-- version (see schema/README.md).
--
-- History: 0023; this file (campaign_reach, 0096; the opt-out decision probes each pair by its key,
-- read model version 3).
CREATE OR REPLACE FUNCTION project_campaigns(
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
    -- As last announced, and when first announced.
    INSERT INTO campaigns AS known (campaign_id, start_at, expire_at, roles, announced_at)
    SELECT DISTINCT ON (e.payload->>'campaignID')
           e.payload->>'campaignID', (e.payload->>'startAt')::timestamptz, (e.payload->>'expireAt')::timestamptz,
           ARRAY(SELECT jsonb_array_elements_text(e.payload->'roles')),
           min(e.recorded_at) OVER (PARTITION BY e.payload->>'campaignID')
      FROM event_log e
     WHERE (e.transaction_id, e.position) > (p_after_transaction, p_after_position)
       AND (e.transaction_id, e.position) <= (p_through_transaction, p_through_position)
       AND e.event_type = 'CampaignAnnounced'
     ORDER BY e.payload->>'campaignID', e.transaction_id DESC, e.position DESC
        ON CONFLICT (campaign_id) DO UPDATE
       SET start_at = excluded.start_at, expire_at = excluded.expire_at, roles = excluded.roles,
           announced_at = least(known.announced_at, excluded.announced_at);

    UPDATE campaigns known
       SET closed_at = closing.closed_at
      FROM (SELECT e.payload->>'campaignID' AS campaign_id, min(e.recorded_at) AS closed_at
              FROM event_log e
             WHERE (e.transaction_id, e.position) > (p_after_transaction, p_after_position)
               AND (e.transaction_id, e.position) <= (p_through_transaction, p_through_position)
               AND e.event_type = 'CampaignClosed'
             GROUP BY 1) AS closing
     WHERE known.campaign_id = closing.campaign_id
       AND known.closed_at IS NULL;

    -- Each workspace's way through each campaign, and the campaign's reach
    -- moved by the workspaces this batch brought in, notified or showed.
    WITH seen_now AS (
        SELECT e.payload->>'campaignID' AS campaign_id, e.payload->>'workspaceID' AS workspace_id,
               min(e.recorded_at) FILTER (WHERE e.event_type = 'AdminNotified') AS notified_at,
               min(e.recorded_at) FILTER (WHERE e.event_type = 'SurveyShown') AS shown_at,
               max((e.payload->>'total')::bigint) FILTER (WHERE e.event_type = 'ResultsReceived') AS reported_total,
               count(*) FILTER (WHERE e.event_type = 'ResultsReceived') AS uploads,
               coalesce(sum((e.payload->>'items')::bigint) FILTER (WHERE e.event_type = 'ResultsReceived'), 0)
                   AS items_received,
               coalesce(sum((e.payload->>'quarantined')::bigint) FILTER (WHERE e.event_type = 'ResultsReceived'), 0)
                   AS items_quarantined
          FROM event_log e
         WHERE (e.transaction_id, e.position) > (p_after_transaction, p_after_position)
           AND (e.transaction_id, e.position) <= (p_through_transaction, p_through_position)
           AND e.event_type IN ('AdminNotified', 'SurveyShown', 'ResultsReceived')
         GROUP BY 1, 2
    ),
    -- As they were before this batch: every part of one statement reads the same snapshot.
    seen_before AS (
        SELECT seen.campaign_id, seen.workspace_id, seen.notified_at, seen.shown_at
          FROM workspace_campaigns seen JOIN seen_now USING (campaign_id, workspace_id)
    ),
    seen_after AS (
        INSERT INTO workspace_campaigns AS seen
               (campaign_id, workspace_id, notified_at, shown_at, reported_total, uploads, items_received,
                items_quarantined)
        SELECT * FROM seen_now
            ON CONFLICT (campaign_id, workspace_id) DO UPDATE
           SET notified_at = least(seen.notified_at, excluded.notified_at),
               shown_at = least(seen.shown_at, excluded.shown_at),
               reported_total = greatest(seen.reported_total, excluded.reported_total),
               uploads = seen.uploads + excluded.uploads,
               items_received = seen.items_received + excluded.items_received,
               items_quarantined = seen.items_quarantined + excluded.items_quarantined
        RETURNING campaign_id, workspace_id, notified_at, shown_at
    )
    INSERT INTO campaign_reach AS reach (campaign_id, announced, notified, shown)
    SELECT after.campaign_id, count(*) FILTER (WHERE before.campaign_id IS NULL),
           count(*) FILTER (WHERE after.notified_at IS NOT NULL AND before.notified_at IS NULL),
           count(*) FILTER (WHERE after.shown_at IS NOT NULL AND before.shown_at IS NULL)
      FROM seen_after after
      LEFT JOIN seen_before before
        ON before.campaign_id = after.campaign_id AND before.workspace_id = after.workspace_id
     GROUP BY after.campaign_id
        ON CONFLICT (campaign_id) DO UPDATE
       SET announced = reach.announced + excluded.announced, notified = reach.notified + excluded.notified,
           shown = reach.shown + excluded.shown;

    INSERT INTO setting_changes (workspace_id, position, changed_at, enabled, source)
    SELECT e.payload->>'workspaceID', e.position, e.recorded_at, (e.payload->>'enabled')::boolean,
           e.payload->>'source'
      FROM event_log e
     WHERE (e.transaction_id, e.position) > (p_after_transaction, p_after_position)
       AND (e.transaction_id, e.position) <= (p_through_transaction, p_through_position)
       AND e.event_type = 'SettingToggled';

    -- Whether each workspace opted out of each campaign (campaign_funnel
    -- states the rule), decided again for the pairs this batch may have
    -- changed: those it brought in or notified, those of a workspace whose
    -- setting changed, and every workspace of a campaign announced again or
    -- closed. A pair whose answer moved moves its campaign's counts.
    WITH batch AS (
        SELECT e.event_type, e.payload->>'campaignID' AS campaign_id, e.payload->>'workspaceID' AS workspace_id
          FROM event_log e
         WHERE (e.transaction_id, e.position) > (p_after_transaction, p_after_position)
           AND (e.transaction_id, e.position) <= (p_through_transaction, p_through_position)
           AND e.event_type IN ('AdminNotified', 'SurveyShown', 'ResultsReceived', 'SettingToggled',
                                'CampaignAnnounced', 'CampaignClosed')
    ),
    affected AS (
        SELECT campaign_id, workspace_id FROM batch
         WHERE event_type IN ('AdminNotified', 'SurveyShown', 'ResultsReceived')
        UNION
        SELECT wc.campaign_id, wc.workspace_id
          FROM workspace_campaigns wc JOIN batch ON batch.workspace_id = wc.workspace_id
         WHERE batch.event_type = 'SettingToggled'
        UNION
        SELECT wc.campaign_id, wc.workspace_id
          FROM workspace_campaigns wc JOIN batch ON batch.campaign_id = wc.campaign_id
         WHERE batch.event_type IN ('CampaignAnnounced', 'CampaignClosed')
    ),
    decided AS (
        SELECT wc.campaign_id, wc.workspace_id,
               wc.opted_out_before_start AS was_before_start, wc.opted_out_during AS was_during,
               coalesce(wc.notified_at IS NOT NULL AND NOT at_start.enabled
                        AND at_start.changed_at >= wc.notified_at, false) AS before_start,
               EXISTS (SELECT FROM setting_changes s
                        WHERE s.workspace_id = wc.workspace_id AND NOT s.enabled AND s.changed_at >= c.start_at
                          AND s.changed_at < least(c.expire_at, c.closed_at)) AS during
          FROM affected
          -- One probe of the key per pair. As a plain join (and campaigns joined by the same
          -- campaign id) the planner, whose estimate of a campaign's workspaces lags a fleet's
          -- growth, probed by campaign alone and filtered all its workspaces for each pair: 13 ms a
          -- batch at 5,000 workspaces in bench e2e, 224 ms for one of 56 pairs, growing with the
          -- fleet. OFFSET 0 keeps the lookup from being flattened back into that join.
          CROSS JOIN LATERAL (SELECT * FROM workspace_campaigns pair
                               WHERE pair.campaign_id = affected.campaign_id
                                 AND pair.workspace_id = affected.workspace_id
                              OFFSET 0) AS wc
          JOIN campaigns c ON c.campaign_id = wc.campaign_id
          LEFT JOIN LATERAL (SELECT s.enabled, s.changed_at FROM setting_changes s
                              WHERE s.workspace_id = wc.workspace_id AND s.changed_at < c.start_at
                              ORDER BY s.position DESC LIMIT 1) AS at_start ON true
    ),
    moved AS (
        UPDATE workspace_campaigns wc
           SET opted_out_before_start = decided.before_start, opted_out_during = decided.during
          FROM decided
         WHERE wc.campaign_id = decided.campaign_id AND wc.workspace_id = decided.workspace_id
           AND (decided.before_start, decided.during) IS DISTINCT FROM (decided.was_before_start, decided.was_during)
        RETURNING decided.*
    )
    INSERT INTO campaign_reach AS reach (campaign_id, announced, notified, shown, opted_out_before_start,
                                         opted_out_during)
    SELECT campaign_id, 0, 0, 0, sum(before_start::int - was_before_start::int), sum(during::int - was_during::int)
      FROM moved
     GROUP BY campaign_id
        ON CONFLICT (campaign_id) DO UPDATE
       SET opted_out_before_start = reach.opted_out_before_start + excluded.opted_out_before_start,
           opted_out_during = reach.opted_out_during + excluded.opted_out_during;
END
$$;

-- Privileges: the application role (nps_app) may call it; nobody else but the owner.
REVOKE ALL ON FUNCTION project_campaigns(xid8, bigint, xid8, bigint) FROM PUBLIC, nps_app;
GRANT EXECUTE ON FUNCTION project_campaigns(xid8, bigint, xid8, bigint) TO nps_app;

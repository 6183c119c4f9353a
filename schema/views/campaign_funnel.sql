-- campaign_funnel: the funnel of each campaign, read from the campaigns read
-- model's tables and the votes read model's counts. Counts workspaces:
--
-- notified                admins were told of the campaign (AdminNotified)
-- shown                   users were shown the banner (SurveyShown)
-- voted                   holds at least one current vote (whether or not
--                         the campaigns read model has its row: the
--                         campaign list's votingWorkspaces)
-- opted_out_before_start  notified, and the NPS setting was off when the
--                         campaign started (turned off after the notice)
-- opted_out_during        the setting was turned off while the campaign ran
--                         (from its start to its expiry or closing)
-- announced               the campaign reached it in any way (a row of
--                         workspace_campaigns: notified, shown or reporting)
-- and, over the workspaces that reported how many votes they hold (a total
-- above 0), their current votes (reported_voters) and those totals summed
-- (reported_total): the campaign's delivery completeness is their ratio.
--
-- The query API does not read it: the folds keep the same figures as counts
-- (campaign_reach, campaign_voting, 0096), which cost the same however many
-- workspaces took part, where this view reads every one of them (0.35-0.5 s
-- at 100,000). It stays as the rule stated once over the rows, against which
-- tests hold those counts, and for operators.
-- A view, not a table: computed when read, so it has no read-model version.
-- Joined set-based rather than looked up workspace by workspace (LATERAL):
-- read for one campaign, PostgreSQL narrows each subquery to it (the
-- campaign_id equalities) and hashes 100,000 workspaces in a quarter of the
-- time the lookups took.
-- Columns may only be added at the end (CREATE OR REPLACE VIEW); anything
-- else needs a numbered migration that drops the view first.
--
-- History: 0026; this file (set-based, voted from voter_groups, 0092; no longer read by the API, 0096).
CREATE OR REPLACE VIEW campaign_funnel AS
SELECT c.campaign_id,
       count(wc.workspace_id) FILTER (WHERE wc.notified_at IS NOT NULL) AS notified,
       count(wc.workspace_id) FILTER (WHERE wc.shown_at IS NOT NULL) AS shown,
       (SELECT count(*) FROM (SELECT FROM voter_groups g WHERE g.campaign_id = c.campaign_id
                                GROUP BY g.workspace_id HAVING sum(g.votes) > 0) AS holding) AS voted,
       count(wc.workspace_id) FILTER (WHERE wc.notified_at IS NOT NULL AND at_start.enabled = false
                                        AND at_start.changed_at >= wc.notified_at) AS opted_out_before_start,
       count(wc.workspace_id) FILTER (WHERE during.workspace_id IS NOT NULL) AS opted_out_during,
       count(wc.workspace_id) AS announced,
       sum(coalesce(voted.voters, 0)) FILTER (WHERE wc.reported_total > 0)::bigint AS reported_voters,
       sum(wc.reported_total) FILTER (WHERE wc.reported_total > 0)::bigint AS reported_total
  FROM campaigns c
  LEFT JOIN workspace_campaigns wc ON wc.campaign_id = c.campaign_id
  LEFT JOIN (SELECT campaign_id, workspace_id, sum(votes) AS voters FROM voter_groups
              GROUP BY campaign_id, workspace_id HAVING sum(votes) > 0) AS voted
         ON voted.campaign_id = wc.campaign_id AND voted.workspace_id = wc.workspace_id
  -- The setting when the campaign started: its last change before the start.
  LEFT JOIN (SELECT DISTINCT ON (sc.campaign_id, s.workspace_id)
                    sc.campaign_id, s.workspace_id, s.enabled, s.changed_at
               FROM campaigns sc JOIN setting_changes s ON s.changed_at < sc.start_at
              ORDER BY sc.campaign_id, s.workspace_id, s.position DESC) AS at_start
         ON at_start.campaign_id = wc.campaign_id AND at_start.workspace_id = wc.workspace_id
  LEFT JOIN (SELECT DISTINCT sc.campaign_id, s.workspace_id
               FROM campaigns sc JOIN setting_changes s
                 ON NOT s.enabled AND s.changed_at >= sc.start_at
                AND s.changed_at < least(sc.expire_at, sc.closed_at)) AS during
         ON during.campaign_id = wc.campaign_id AND during.workspace_id = wc.workspace_id
 GROUP BY c.campaign_id;

-- Privileges: the application role reads it (the query API).
REVOKE ALL ON TABLE campaign_funnel FROM PUBLIC, nps_app;
GRANT SELECT ON TABLE campaign_funnel TO nps_app;

-- campaign_funnel: the funnel of each campaign, read from the campaigns read
-- model's tables and the votes read model's counts. Counts workspaces:
--
-- notified                admins were told of the campaign (AdminNotified)
-- shown                   users were shown the banner (SurveyShown)
-- voted                   holds at least one current vote
-- opted_out_before_start  notified, and the NPS setting was off when the
--                         campaign started (turned off after the notice)
-- opted_out_during        the setting was turned off while the campaign ran
--                         (from its start to its expiry or closing)
--
-- A view, not a table: computed when read, so it has no read-model version.
-- Columns may only be added at the end (CREATE OR REPLACE VIEW); anything
-- else needs a numbered migration that drops the view first.
--
-- History: 0026.
CREATE OR REPLACE VIEW campaign_funnel AS
SELECT c.campaign_id,
       count(wc.workspace_id) FILTER (WHERE wc.notified_at IS NOT NULL) AS notified,
       count(wc.workspace_id) FILTER (WHERE wc.shown_at IS NOT NULL) AS shown,
       count(wc.workspace_id) FILTER (WHERE votes.voted) AS voted,
       count(wc.workspace_id) FILTER (WHERE wc.notified_at IS NOT NULL AND at_start.enabled = false
                                        AND at_start.changed_at >= wc.notified_at) AS opted_out_before_start,
       count(wc.workspace_id) FILTER (WHERE during.turned_off) AS opted_out_during
  FROM campaigns c
  LEFT JOIN workspace_campaigns wc ON wc.campaign_id = c.campaign_id
  LEFT JOIN LATERAL (
        SELECT true AS voted
          FROM workspace_campaign_scores v
         WHERE v.campaign_id = wc.campaign_id AND v.workspace_id = wc.workspace_id AND v.votes > 0
         LIMIT 1) AS votes ON true
  LEFT JOIN LATERAL (
        SELECT s.enabled, s.changed_at
          FROM setting_changes s
         WHERE s.workspace_id = wc.workspace_id AND s.changed_at < c.start_at
         ORDER BY s.position DESC
         LIMIT 1) AS at_start ON true
  LEFT JOIN LATERAL (
        SELECT true AS turned_off
          FROM setting_changes s
         WHERE s.workspace_id = wc.workspace_id AND NOT s.enabled
           AND s.changed_at >= c.start_at AND s.changed_at < least(c.expire_at, c.closed_at)
         LIMIT 1) AS during ON true
 GROUP BY c.campaign_id;

-- Privileges: the application role reads it (the query API).
REVOKE ALL ON TABLE campaign_funnel FROM PUBLIC, nps_app;
GRANT SELECT ON TABLE campaign_funnel TO nps_app;

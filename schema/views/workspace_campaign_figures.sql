-- workspace_campaign_figures: one row per workspace and campaign it took part
-- in, with its distinct voters (its current votes), the two rates, and what
-- they are measured against. NPS and intervals come from the category
-- counts through NPSDomain, not from here.
--
-- response_rate          voters / active users of its last counted statistics report
-- delivery_completeness  voters / the largest total it said it holds
-- Either is NULL when its denominator is unknown or zero. Neither is capped
-- at 1: a rate above 1 says the denominator is stale, which a reader should see.
--
-- promoters, passives and detractors split its voters by NPS category, so
-- that the workspace breakdown can sort and page by NPS in the database. The
-- bounds (9-10, 0-6) are project_votes', which counts them into
-- workspace_tallies; the figures a reader sees are still computed by
-- NPSDomain from these counts. Read for one campaign, a join of three rows
-- a workspace; the workspace page reads its rows in the order of
-- workspace_tallies' indexes and joins this view for them alone.
--
-- Columns may only be added at the end (CREATE OR REPLACE VIEW); anything
-- else needs a numbered migration that drops the view first.
--
-- History: 0027; this file (voters and the categories from voter_groups, 0092;
-- the categories were the view workspace_campaign_categories, 0030, dropped in 0093;
-- from workspace_tallies, 0097).
CREATE OR REPLACE VIEW workspace_campaign_figures AS
SELECT wc.campaign_id, wc.workspace_id,
       coalesce(t.voters, 0) AS voters,
       w.active_users,
       wc.reported_total,
       coalesce(t.voters, 0)::float8 / nullif(w.active_users, 0) AS response_rate,
       coalesce(t.voters, 0)::float8 / nullif(wc.reported_total, 0) AS delivery_completeness,
       wc.notified_at, wc.shown_at,
       wc.uploads, wc.items_received, wc.items_quarantined,
       coalesce(t.promoters, 0) AS promoters,
       coalesce(t.voters - t.promoters - t.detractors, 0) AS passives,
       coalesce(t.detractors, 0) AS detractors
  FROM workspace_campaigns wc
  LEFT JOIN workspaces w ON w.workspace_id = wc.workspace_id
  LEFT JOIN workspace_tallies t ON t.campaign_id = wc.campaign_id AND t.workspace_id = wc.workspace_id;

-- Privileges: the application role reads it (the query API).
REVOKE ALL ON TABLE workspace_campaign_figures FROM PUBLIC, nps_app;
GRANT SELECT ON TABLE workspace_campaign_figures TO nps_app;

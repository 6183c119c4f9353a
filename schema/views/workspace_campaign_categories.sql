-- workspace_campaign_categories: the current votes of one workspace in one
-- campaign per NPS category, so the workspace breakdown can sort and page by
-- NPS in the database. The category bounds repeat NPSCategory (detractor
-- 0-6, passive 7-8, promoter 9-10) because a sort key must exist where the
-- rows are ordered; the figures a reader sees are still computed by NPSDomain
-- from these counts.
--
-- Columns may only be added at the end (CREATE OR REPLACE VIEW); anything
-- else needs a numbered migration that drops the view first.
--
-- History: 0030.
CREATE OR REPLACE VIEW workspace_campaign_categories AS
SELECT campaign_id, workspace_id,
       sum(votes)::bigint AS votes,
       coalesce(sum(votes) FILTER (WHERE score >= 9), 0)::bigint AS promoters,
       coalesce(sum(votes) FILTER (WHERE score BETWEEN 7 AND 8), 0)::bigint AS passives,
       coalesce(sum(votes) FILTER (WHERE score <= 6), 0)::bigint AS detractors
  FROM workspace_campaign_scores
 GROUP BY campaign_id, workspace_id;

-- Privileges: the application role reads it (the query API).
REVOKE ALL ON TABLE workspace_campaign_categories FROM PUBLIC, nps_app;
GRANT SELECT ON TABLE workspace_campaign_categories TO nps_app;

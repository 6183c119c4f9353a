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
-- Read from voter_groups, which the fold keeps with these counts: a row per
-- role set of a workspace rather than one per score.
--
-- History: 0030; this file (over voter_groups, 0092).
CREATE OR REPLACE VIEW workspace_campaign_categories AS
SELECT campaign_id, workspace_id,
       sum(votes)::bigint AS votes,
       sum(promoters)::bigint AS promoters,
       sum(votes - promoters - detractors)::bigint AS passives,
       sum(detractors)::bigint AS detractors
  FROM voter_groups
 GROUP BY campaign_id, workspace_id;

-- Privileges: the application role reads it (the query API).
REVOKE ALL ON TABLE workspace_campaign_categories FROM PUBLIC, nps_app;
GRANT SELECT ON TABLE workspace_campaign_categories TO nps_app;

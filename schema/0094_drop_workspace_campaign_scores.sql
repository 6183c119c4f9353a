-- workspace_campaign_scores (0016, the current votes of each workspace in a
-- campaign per score) is no longer folded: voter_groups (0092) holds each
-- workspace's votes with their categories, which every figure of a
-- workspace needs, and the workspace directory counts one workspace's
-- scores from current_votes when it is asked. Folding both cost every batch
-- two per-workspace upserts instead of one (docs/benchmarks.md, project).
--
-- The two views that read it until their files changed are dropped first;
-- deleting their rows from schema_repeatables makes the runner create them
-- again from their files (over voter_groups) after the migrations.
DROP VIEW campaign_funnel;
DROP VIEW workspace_campaign_figures;
DELETE FROM schema_repeatables
 WHERE name IN ('views/campaign_funnel.sql', 'views/workspace_campaign_figures.sql');
DROP TABLE workspace_campaign_scores;

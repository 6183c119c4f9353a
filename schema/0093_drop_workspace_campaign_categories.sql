-- workspace_campaign_categories (0030) is read by nothing: the workspace
-- breakdown reads its categories from workspace_campaign_figures, which sums
-- them from voter_groups (0092) in the lookup that counts the voters, rather
-- than joining a second view grouped over the same rows. Its file goes with
-- it, and so does its row in schema_repeatables.
DROP VIEW workspace_campaign_categories;
DELETE FROM schema_repeatables WHERE name = 'views/workspace_campaign_categories.sql';

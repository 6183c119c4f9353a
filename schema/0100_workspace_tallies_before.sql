-- workspace_tallies keeps, beside each workspace's voters and reported total,
-- what they were before the last batch that changed them, written by the
-- same upsert (functions/project_votes.sql): its RETURNING then gives the
-- funnel both sides of each workspace's move, where the fold probed the
-- table once per touched workspace for the before (0.33-0.39 s of a shard's
-- batch touching 100,000 workspaces). Bookkeeping, like current_votes' replaced_*
-- columns: they depend on where batches ended, and replay --verify and the
-- tests leave them out. Adding them rewrites nothing (constant defaults).
ALTER TABLE workspace_tallies
    ADD COLUMN voters_before bigint NOT NULL DEFAULT 0,
    ADD COLUMN reported_total_before bigint;

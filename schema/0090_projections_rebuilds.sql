-- How many times each projection's tables were rebuilt and swapped in by a
-- replay (ReadModelReplay adds one in the swap's transaction). The query
-- API's version tag (ReadModelVersionQuery) includes it: a replay after a
-- purge can end at the very checkpoint the live projection had reached, and
-- without it an answer cached (or an ETag handed out) before the swap, still
-- naming the purged workspace, would stay current.
ALTER TABLE projections ADD COLUMN rebuilds bigint NOT NULL DEFAULT 0;

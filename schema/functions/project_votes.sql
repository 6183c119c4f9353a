-- project_votes: the fold of the votes read model (VotesProjection.swift).
-- Shard p_shard of p_shards folds the VoteCast events of its workspaces
-- (hashtext(workspace id) modulo p_shards) in the range (after, through] (see
-- event_batch_end) into current_votes, the voter groups and the score counts, set-based, in one
-- statement. A key belongs to one workspace and so to one shard; the counts
-- pooled over workspaces keep a row per shard.
--
-- It also keeps, per workspace, its voters and their NPS categories and the
-- largest total it reported holding (workspace_tallies, the totals from the
-- shard's ResultsReceived events), which the workspace page reads in index
-- order; and the funnel's vote side: per campaign the workspaces holding a
-- vote, and the voters and totals of those that reported one
-- (campaign_voting), which move by each touched workspace's before and
-- after, so that nothing is counted when a summary is read. Each voter group
-- also says whether its workspace holds another (has_siblings, 0101): the
-- roles of such groups are the only ones a published record can hide, which
-- a page of the vote list reads instead of every workspace holding a role.
--
-- The ingest appends a VoteCast only for a new key or a changed content, so
-- every event replaces what its key held before, if anything. Each event
-- moves its key out of the old content's buckets (-1) and into the new
-- one's (+1), on the day of the event; 9, 3, 9 ends at 9 and the daily trend
-- sees each move on its own day. Where the old content comes from depends on
-- the version:
-- - version 4 says it ("replaces", which record_votes reads under the
--   stream's lock). The fold only adds and subtracts: it neither reads nor
--   writes a row per vote, and events of one key need no order within a
--   batch, because sums commute.
-- - versions 1 to 3 do not. Their old content is the previous event of the
--   same key in this batch, or else the vote current_votes holds for the
--   key, which the upsert of the key's last event returns (replaced_*).
--   current_votes holds the keys of these versions only; since version 4
--   the vote list reads the current votes through vote_keys (the view
--   listed_votes). A key's version 4 events all come after its older ones
--   (record_votes writes version 4 whatever its caller names, under the
--   stream's lock), so a key is never replaced through current_votes after
--   a version 4 event changed it.
--
-- A version 1 payload's roles are upcast (vote_cast_roles_v2) as they are
-- read, so the fold sees only version 2 shapes, as Swift readers do through
-- EventDecoder. A vote's campaign and workspace are read from its stream id,
-- votes/<campaign>/<workspace> (ids cannot contain "/"), whatever its
-- version: version 3 payloads leave them to it, and versions 1 and 2, which
-- name them too, were always written to that stream (PayloadUpcaster reads
-- them the same way). So one workspace id is hashed, and a workspace's votes
-- of any version fold in one shard.
--
-- A payload that cannot be folded (a score that is not 0-10, a missing id,
-- a vote whose stream id names no campaign or workspace) raises, and the
-- projector halts at that event.
--
-- Changing this file changes the read model: bump the votes read model's
-- version (see schema/README.md).
--
-- History: 0019; 0048 (VoteCast version 2: roles upcast in the fold, and a
-- transaction_id range the planner can use); this file (voter_groups, 0092, in
-- place of the per-score counts of each workspace, workspace_campaign_scores,
-- dropped in 0094: one per-workspace upsert a batch rather than two; VoteCast
-- version 3, its ids in the stream id; workspace_reports and campaign_voting, 0096;
-- workspace_tallies, with each workspace's voters, in place of workspace_reports, 0097;
-- VoteCast version 4 folded additively, current_votes for versions 1 to 3 only; the funnel's
-- before from the tallies' upsert, 0100, which computes the same tables and so kept the
-- read model's version; the moves summed once before the counts, the same tables too; each
-- group's has_siblings, 0101; each workspace's profile in a campaign and the counts per
-- segment, 0102; a workspace's first results in a batch read from the sums, not every event,
-- the same tables).
CREATE OR REPLACE FUNCTION project_votes(
    p_shard                integer,
    p_shards               integer,
    p_after_transaction    xid8,
    p_after_position       bigint,
    p_through_transaction  xid8,
    p_through_position     bigint
) RETURNS void
LANGUAGE sql
-- A batch is a narrow range of a large log, which the planner overestimates
-- by an order of magnitude (row comparisons): it would JIT-compile the
-- statement, which takes longer than the batch.
SET jit = off
AS $$
    -- The batch's events this shard folds, read in one pass over the range: its VoteCasts (ids
    -- from the stream id) and its ResultsReceived (ids from the payload; the totals the shard's
    -- workspaces reported holding). What only the older versions' path reads is left null for
    -- version 4, which keeps the rows this CTE holds small (a batch of a million events spilled
    -- to disk with them).
    WITH batch_events AS (
        SELECT e.event_type = 'VoteCast' AS is_vote,
               CASE WHEN e.schema_version < 4 THEN e.transaction_id END AS transaction_id,
               CASE WHEN e.schema_version < 4 THEN e.position END AS position,
               e.schema_version,
               ids.campaign_id, ids.workspace_id,
               CASE WHEN e.schema_version < 4 THEN e.payload->>'identifier' END AS identifier,
               (e.payload->>'score')::smallint AS score,
               CASE WHEN e.schema_version = 1 THEN vote_cast_roles_v2(e.payload->'roles')
                    ELSE e.payload->'roles' END AS roles,
               CASE WHEN e.schema_version < 4 THEN e.payload->>'comment' END AS comment,
               e.payload->'replaces' AS replaces,
               CASE WHEN e.event_type = 'ResultsReceived' THEN (e.payload->>'total')::bigint END AS total,
               e.recorded_at, e.transaction_id AS at_transaction
          FROM event_log e
         CROSS JOIN LATERAL (
               SELECT CASE WHEN e.event_type = 'VoteCast' THEN nullif(split_part(e.stream_id, '/', 2), '')
                           ELSE e.payload->>'campaignID' END,
                      CASE WHEN e.event_type = 'VoteCast' THEN nullif(split_part(e.stream_id, '/', 3), '')
                           ELSE e.payload->>'workspaceID' END) AS ids(campaign_id, workspace_id)
         WHERE (e.transaction_id, e.position) > (p_after_transaction, p_after_position)
           AND (e.transaction_id, e.position) <= (p_through_transaction, p_through_position)
           -- Implied by the row comparisons, but the planner estimates those poorly: without it,
           -- on a log of 10 million events it scanned the whole log for every batch.
           AND e.transaction_id BETWEEN p_after_transaction AND p_through_transaction
           AND e.event_type IN ('VoteCast', 'ResultsReceived')
           -- coalesce: a vote of no workspace must reach a shard, whose insert then raises, not be
           -- skipped (an upload of none, which no workspace holds, is).
           AND (hashtext(CASE WHEN e.event_type = 'VoteCast' THEN coalesce(ids.workspace_id, '')
                              ELSE ids.workspace_id END) & 2147483647) % p_shards = p_shard
    ),
    in_key_order AS (
        SELECT v.*,
               lag(v.score) OVER key_history AS earlier_score,
               lag(v.roles) OVER key_history AS earlier_roles,
               lead(v.position) OVER key_history IS NULL AS is_last,
               first_value(v.recorded_at) OVER key_history AS first_recorded_at
          FROM batch_events v
         WHERE v.is_vote AND v.schema_version < 4
        WINDOW key_history AS (PARTITION BY v.campaign_id, v.workspace_id, v.identifier
                               ORDER BY v.transaction_id, v.position)
    ),
    stored AS (
        INSERT INTO current_votes AS stored
               (campaign_id, workspace_id, identifier, score, roles, comment, first_cast_at, changed_at)
        SELECT campaign_id, workspace_id, identifier, score, roles, comment, first_recorded_at, recorded_at
          FROM in_key_order
         WHERE is_last
            ON CONFLICT (campaign_id, workspace_id, identifier) DO UPDATE
           SET score = excluded.score, roles = excluded.roles, comment = excluded.comment,
               changed_at = excluded.changed_at,
               replaced_score = stored.score, replaced_roles = stored.roles, replaced_at = excluded.first_cast_at
        RETURNING campaign_id, workspace_id, replaced_score, replaced_roles, replaced_at
    ),
    -- The moves of the header.
    -- Each move carries its event's transaction (none for a vote current_votes held, whose event in
    -- this batch makes a move of its own), for the workspace's first results (batch_firsts).
    moves AS (
        SELECT campaign_id, workspace_id, roles, (recorded_at AT TIME ZONE 'UTC')::date AS day, score, 1 AS change,
               at_transaction
          FROM in_key_order
        UNION ALL
        SELECT campaign_id, workspace_id, earlier_roles, (recorded_at AT TIME ZONE 'UTC')::date, earlier_score, -1,
               at_transaction
          FROM in_key_order WHERE earlier_score IS NOT NULL
        UNION ALL
        SELECT campaign_id, workspace_id, replaced_roles, (replaced_at AT TIME ZONE 'UTC')::date, replaced_score, -1,
               NULL::xid8
          FROM stored WHERE replaced_score IS NOT NULL
        UNION ALL
        SELECT campaign_id, workspace_id, roles, (recorded_at AT TIME ZONE 'UTC')::date, score, 1, at_transaction
          FROM batch_events WHERE is_vote AND schema_version >= 4
        UNION ALL
        -- A "replaces" without a score or roles raises on the counts' keys, which may not be null.
        SELECT campaign_id, workspace_id, replaces->'roles', (recorded_at AT TIME ZONE 'UTC')::date,
               (replaces->>'score')::smallint, -1, at_transaction
          FROM batch_events WHERE is_vote AND schema_version >= 4 AND replaces IS NOT NULL
    ),
    -- The moves summed once, at the finest grain any count below needs; each count sums these sums.
    -- A workspace holding many votes in a batch (a replay's large batch; an upload brings a
    -- workspace's votes together) has few groups: a shard's half of ten million events over 100,000
    -- workspaces is 5.5 million moves in 1.1 million sums, and the five counts no longer each read
    -- (nor PostgreSQL keep) every move. Where most moves are groups of their own (a million events
    -- dealt round-robin over 100,000 workspaces: 500,550 moves, 417,116 sums), this pass is extra
    -- work, 3-25 % slower (docs/benchmarks.md, "replay").
    sums AS (
        SELECT campaign_id, workspace_id, roles, day, score, sum(change)::integer AS change,
               min(at_transaction) AS first_transaction
          FROM moves GROUP BY campaign_id, workspace_id, roles, day, score
    ),
    batch_groups AS (
        SELECT campaign_id, workspace_id, roles, sum(change) AS votes,
               coalesce(sum(change) FILTER (WHERE score >= 9), 0) AS promoters,
               coalesce(sum(change) FILTER (WHERE score <= 6), 0) AS detractors
          FROM sums GROUP BY campaign_id, workspace_id, roles
    ),
    -- Each touched workspace's role sets in this batch, and the group rows it held before (none,
    -- one and its roles, or more): a look-up per workspace, not per group.
    batch_workspaces AS (
        SELECT touched.campaign_id, touched.workspace_id, touched.sets, held.row_count, held.only_roles
          FROM (SELECT campaign_id, workspace_id, count(*) AS sets FROM batch_groups GROUP BY 1, 2) AS touched
         CROSS JOIN LATERAL (
               SELECT count(*) AS row_count, (array_agg(g.roles))[1] AS only_roles
                 FROM (SELECT roles FROM voter_groups
                        WHERE campaign_id = touched.campaign_id AND workspace_id = touched.workspace_id
                        LIMIT 2) AS g) AS held
    ),
    -- A group has siblings once its workspace holds another group row (0101): another group in
    -- this batch, or one folded before. A row is never deleted but by a purge, so the flag only
    -- turns on, whatever the batches.
    group_counts AS (
        INSERT INTO voter_groups AS counted
               (campaign_id, workspace_id, roles, votes, promoters, detractors, has_siblings)
        SELECT b.campaign_id, b.workspace_id, b.roles, b.votes, b.promoters, b.detractors,
               w.sets > 1 OR w.row_count > 1 OR (w.row_count = 1 AND w.only_roles <> b.roles)
          FROM batch_groups b
          JOIN batch_workspaces w ON w.campaign_id = b.campaign_id AND w.workspace_id = b.workspace_id
            ON CONFLICT (campaign_id, workspace_id, roles) DO UPDATE
           SET votes = counted.votes + excluded.votes, promoters = counted.promoters + excluded.promoters,
               detractors = counted.detractors + excluded.detractors,
               has_siblings = counted.has_siblings OR excluded.has_siblings
    ),
    -- A workspace's one group folded before gains a sibling when this batch brings others and
    -- leaves that one alone (a group this batch touched was set by the upsert above; a statement
    -- cannot change a row twice).
    lone_groups_joined AS (
        UPDATE voter_groups g
           SET has_siblings = true
          FROM batch_workspaces w
         WHERE w.row_count = 1 AND g.campaign_id = w.campaign_id AND g.workspace_id = w.workspace_id
           AND g.roles = w.only_roles AND NOT g.has_siblings
           AND NOT EXISTS (SELECT FROM batch_groups b
                            WHERE b.campaign_id = w.campaign_id AND b.workspace_id = w.workspace_id
                              AND b.roles = w.only_roles)
    ),
    campaign_counts AS (
        INSERT INTO campaign_scores AS counted (campaign_id, shard, score, votes)
        SELECT campaign_id, p_shard, score, sum(change) FROM sums GROUP BY campaign_id, score
            ON CONFLICT (campaign_id, shard, score) DO UPDATE SET votes = counted.votes + excluded.votes
    ),
    -- Each role set's moves summed before its roles are taken apart: a few role sets, not a
    -- set-returning call per move.
    role_counts AS (
        INSERT INTO campaign_role_scores AS counted (campaign_id, role, shard, score, votes)
        SELECT role_sets.campaign_id, role, p_shard, role_sets.score, sum(role_sets.change)
          FROM (SELECT campaign_id, roles, score, sum(change) AS change FROM sums GROUP BY 1, 2, 3) AS role_sets,
               jsonb_array_elements_text(role_sets.roles) AS role
         GROUP BY role_sets.campaign_id, role, role_sets.score
            ON CONFLICT (campaign_id, role, shard, score) DO UPDATE SET votes = counted.votes + excluded.votes
    ),
    -- The totals this shard's workspaces reported holding (an upload's ResultsReceived).
    reported AS (
        SELECT campaign_id, workspace_id, max(total) AS total, min(at_transaction) AS first_transaction
          FROM batch_events WHERE NOT is_vote
         GROUP BY 1, 2
    ),
    -- Each workspace this batch touched: how its voters and their categories moved, and what it
    -- reported.
    workspace_changes AS (
        SELECT coalesce(voted.campaign_id, reported.campaign_id) AS campaign_id,
               coalesce(voted.workspace_id, reported.workspace_id) AS workspace_id,
               coalesce(voted.voters, 0) AS voters, coalesce(voted.promoters, 0) AS promoters,
               coalesce(voted.detractors, 0) AS detractors, reported.total
          FROM (SELECT campaign_id, workspace_id, sum(change) AS voters,
                       coalesce(sum(change) FILTER (WHERE score >= 9), 0) AS promoters,
                       coalesce(sum(change) FILTER (WHERE score <= 6), 0) AS detractors
                  FROM sums GROUP BY 1, 2) AS voted
          FULL JOIN reported ON reported.campaign_id = voted.campaign_id
                            AND reported.workspace_id = voted.workspace_id
    ),
    -- Each touched workspace's upsert returns it as it was before this batch and as it leaves it:
    -- one row per workspace, which no other shard writes. (Probing the table for the before
    -- instead cost a lookup per workspace; joining such a probe to this RETURNING, PostgreSQL,
    -- which can estimate neither, re-ran the probe once per workspace: 13 s for a batch touching
    -- 10,000.)
    workspace_moves AS (
        INSERT INTO workspace_tallies AS kept
               (campaign_id, workspace_id, voters, promoters, detractors, reported_total, voters_before,
                reported_total_before)
        SELECT campaign_id, workspace_id, voters, promoters, detractors, total, 0, NULL FROM workspace_changes
            ON CONFLICT (campaign_id, workspace_id) DO UPDATE
           SET voters = kept.voters + excluded.voters, promoters = kept.promoters + excluded.promoters,
               detractors = kept.detractors + excluded.detractors,
               reported_total = greatest(kept.reported_total, excluded.reported_total),
               voters_before = kept.voters, reported_total_before = kept.reported_total
        RETURNING campaign_id, workspace_id, voters_before, voters AS voters_after,
                  reported_total_before AS total_before, reported_total AS total_after,
                  promoters AS promoters_after, detractors AS detractors_after
    ),
    -- The profile each touched workspace's votes count under in its campaign (docs/segments.md),
    -- fixed at its first results for the campaign: the last verified WorkspaceProfileChanged of the
    -- workspace in a transaction before theirs. (A results upload appends no profile, so no profile
    -- shares its transaction; the transaction alone orders them, a hash aggregate rather than a
    -- sort of the batch.) Every event up to the batch's end has committed (event_batch_end), so a
    -- replay finds the same one. Read from the sums and the reports rather than every event: a
    -- replay's batch holds millions of events of a hundred thousand workspaces.
    batch_firsts AS (
        SELECT campaign_id, workspace_id, min(first_transaction) AS at_transaction
          FROM (SELECT campaign_id, workspace_id, first_transaction FROM sums
                UNION ALL
                SELECT campaign_id, workspace_id, first_transaction FROM reported) AS firsts
         GROUP BY campaign_id, workspace_id
    ),
    attributed AS (
        INSERT INTO campaign_workspace_profiles
               (campaign_id, workspace_id, version, major_version, deployment, edition, size_band, industry,
                org_size, country, language)
        SELECT f.campaign_id, f.workspace_id, s.version, s.major_version, s.deployment, s.edition, s.size_band,
               s.industry, s.org_size, s.country, s.language
          FROM batch_firsts f
          LEFT JOIN LATERAL (SELECT p.payload FROM event_log p
                              WHERE p.stream_id = 'profile/' || f.workspace_id
                                AND p.event_type = 'WorkspaceProfileChanged'
                                AND (p.payload->>'verified')::boolean
                                AND p.transaction_id < f.at_transaction
                              ORDER BY p.transaction_id DESC, p.position DESC LIMIT 1) AS last ON true
          LEFT JOIN LATERAL profile_segments(last.payload) AS s ON true
         WHERE NOT EXISTS (SELECT FROM campaign_workspace_profiles kept
                            WHERE kept.campaign_id = f.campaign_id AND kept.workspace_id = f.workspace_id)
        RETURNING *
    ),
    -- Materialized: joined to a RETURNING, whose rows PostgreSQL cannot estimate, an inlined look-up
    -- would run again for every workspace (see workspace_moves).
    attribution AS MATERIALIZED (
        SELECT * FROM attributed
        UNION ALL
        SELECT kept.* FROM campaign_workspace_profiles kept
          JOIN batch_firsts f ON f.campaign_id = kept.campaign_id AND f.workspace_id = kept.workspace_id
    ),
    -- Each touched workspace leaves its segments' row of its voters before this batch and joins the
    -- row of its voters after; a workspace of no voters is in none.
    segment_moves AS (
        SELECT m.campaign_id, d.dimension, d.value, side.voters, side.sign,
               side.promoters, side.detractors
          FROM workspace_moves m
          JOIN workspace_changes c ON c.campaign_id = m.campaign_id AND c.workspace_id = m.workspace_id
          JOIN attribution a ON a.campaign_id = m.campaign_id AND a.workspace_id = m.workspace_id
         CROSS JOIN LATERAL (VALUES (m.voters_before, -1, m.promoters_after - c.promoters,
                                     m.detractors_after - c.detractors),
                                    (m.voters_after, 1, m.promoters_after, m.detractors_after))
               AS side(voters, sign, promoters, detractors)
         CROSS JOIN LATERAL segment_values(a.version, a.major_version, a.deployment, a.edition, a.size_band,
                                           a.industry, a.org_size, a.country, a.language) AS d
         WHERE side.voters > 0 AND (m.voters_before <> m.voters_after OR c.promoters <> 0 OR c.detractors <> 0)
    ),
    segment_counts AS (
        INSERT INTO segment_tallies AS counted
               (campaign_id, dimension, value, voters, shard, workspaces, promoters, detractors, net_squares,
                net_times_votes)
        SELECT campaign_id, dimension, value, voters, p_shard, sum(sign), sum(sign * promoters),
               sum(sign * detractors), sum(sign * (promoters - detractors) * (promoters - detractors)),
               sum(sign * (promoters - detractors) * voters)
          FROM segment_moves
         GROUP BY campaign_id, dimension, value, voters
            ON CONFLICT (campaign_id, dimension, voters, value, shard) DO UPDATE
           SET workspaces = counted.workspaces + excluded.workspaces,
               promoters = counted.promoters + excluded.promoters,
               detractors = counted.detractors + excluded.detractors,
               net_squares = counted.net_squares + excluded.net_squares,
               net_times_votes = counted.net_times_votes + excluded.net_times_votes
    ),
    -- The funnel's counts move by what changed in each workspace; every campaign whose voter
    -- groups this batch may have moved counts one more batch.
    voting_counts AS (
        INSERT INTO campaign_voting AS counted
               (campaign_id, shard, voting_workspaces, reported_voters, reported_total)
        SELECT campaign_id, p_shard,
               sum((voters_after > 0)::int - (voters_before > 0)::int),
               sum(CASE WHEN total_after > 0 THEN voters_after ELSE 0 END
                   - CASE WHEN total_before > 0 THEN voters_before ELSE 0 END),
               sum(CASE WHEN total_after > 0 THEN total_after ELSE 0 END
                   - CASE WHEN total_before > 0 THEN total_before ELSE 0 END)
          FROM workspace_moves
         GROUP BY campaign_id
            ON CONFLICT (campaign_id, shard) DO UPDATE
           SET voting_workspaces = counted.voting_workspaces + excluded.voting_workspaces,
               reported_voters = counted.reported_voters + excluded.reported_voters,
               reported_total = counted.reported_total + excluded.reported_total,
               batches = counted.batches + 1
    )
    INSERT INTO campaign_daily_scores AS counted (campaign_id, day, shard, score, change)
    SELECT campaign_id, day, p_shard, score, sum(change) FROM sums GROUP BY campaign_id, day, score
        ON CONFLICT (campaign_id, day, shard, score) DO UPDATE SET change = counted.change + excluded.change;

    -- A segment row no workspace holds any more (its workspaces moved on to more voters) goes, so the
    -- rows do not depend on which voter counts the batches passed through.
    DELETE FROM segment_tallies WHERE shard = p_shard AND workspaces = 0;
$$;

-- Privileges: the application role (nps_app) may call it; nobody else but the owner.
REVOKE ALL ON FUNCTION project_votes(integer, integer, xid8, bigint, xid8, bigint) FROM PUBLIC, nps_app;
GRANT EXECUTE ON FUNCTION project_votes(integer, integer, xid8, bigint, xid8, bigint) TO nps_app;

-- Projection "votes": folds the VoteCast events of the range (after, through]
-- (see event_batch_end) into current_votes and the score counts, set-based,
-- in one statement.
--
-- The ingest appends a VoteCast only for a new key or a changed content, so
-- every event replaces what its key held before: the previous event of the
-- same key in this batch, or else the stored row. Each event moves its key
-- out of the old score's bucket (-1) and into the new one (+1); a key that
-- changed several times within the batch is summed event by event, so 9, 3,
-- 9 ends at 9 and the daily trend sees each move on its own day.
--
-- A payload that cannot be folded (a score that is not 0-10, a missing id)
-- raises, and the projector halts at that event.
CREATE FUNCTION project_votes(
    p_after_transaction    xid8,
    p_after_position       bigint,
    p_through_transaction  xid8,
    p_through_position     bigint
) RETURNS void
LANGUAGE sql
-- A batch is a narrow range of a large log, which the planner overestimates
-- by an order of magnitude (row comparisons): it would JIT-compile the
-- statement (slower than the batch itself) and hash all of current_votes
-- instead of probing it for the batch's keys.
SET jit = off
SET enable_hashjoin = off
SET enable_mergejoin = off
AS $$
    WITH cast_votes AS (
        SELECT e.transaction_id, e.position,
               e.payload->>'campaignID' AS campaign_id,
               e.payload->>'workspaceID' AS workspace_id,
               e.payload->>'identifier' AS identifier,
               (e.payload->>'score')::smallint AS score,
               e.payload->'roles' AS roles,
               e.payload->>'comment' AS comment,
               e.recorded_at
          FROM event_log e
         WHERE (e.transaction_id, e.position) > (p_after_transaction, p_after_position)
           AND (e.transaction_id, e.position) <= (p_through_transaction, p_through_position)
           AND e.event_type = 'VoteCast'
    ),
    in_key_order AS (
        SELECT v.*,
               lag(v.score) OVER key_history AS earlier_score,
               lag(v.roles) OVER key_history AS earlier_roles,
               lag(v.position) OVER key_history IS NULL AS is_first,
               lead(v.position) OVER key_history IS NULL AS is_last,
               first_value(v.recorded_at) OVER key_history AS first_recorded_at
          FROM cast_votes v
        WINDOW key_history AS (PARTITION BY v.campaign_id, v.workspace_id, v.identifier
                               ORDER BY v.transaction_id, v.position)
    ),
    changes AS (
        SELECT k.campaign_id, k.workspace_id, k.identifier, k.score, k.roles, k.comment, k.recorded_at,
               k.is_last, k.first_recorded_at,
               CASE WHEN k.is_first THEN stored.score ELSE k.earlier_score END AS previous_score,
               CASE WHEN k.is_first THEN stored.roles ELSE k.earlier_roles END AS previous_roles,
               (k.recorded_at AT TIME ZONE 'UTC')::date AS day
          FROM in_key_order k
          LEFT JOIN current_votes stored
            ON k.is_first
           AND stored.campaign_id = k.campaign_id
           AND stored.workspace_id = k.workspace_id
           AND stored.identifier = k.identifier
    ),
    score_moves AS (
        SELECT campaign_id, workspace_id, day, score, 1 AS change FROM changes
        UNION ALL
        SELECT campaign_id, workspace_id, day, previous_score, -1 FROM changes WHERE previous_score IS NOT NULL
    ),
    role_moves AS (
        SELECT campaign_id, jsonb_array_elements_text(roles) AS role, score, 1 AS change FROM changes
        UNION ALL
        SELECT campaign_id, jsonb_array_elements_text(previous_roles), previous_score, -1
          FROM changes WHERE previous_score IS NOT NULL
    ),
    campaign_counts AS (
        INSERT INTO campaign_scores AS counted (campaign_id, score, votes)
        SELECT campaign_id, score, sum(change) FROM score_moves GROUP BY campaign_id, score
            ON CONFLICT (campaign_id, score) DO UPDATE SET votes = counted.votes + excluded.votes
    ),
    workspace_counts AS (
        INSERT INTO workspace_campaign_scores AS counted (campaign_id, workspace_id, score, votes)
        SELECT campaign_id, workspace_id, score, sum(change) FROM score_moves
         GROUP BY campaign_id, workspace_id, score
            ON CONFLICT (campaign_id, workspace_id, score) DO UPDATE SET votes = counted.votes + excluded.votes
    ),
    role_counts AS (
        INSERT INTO campaign_role_scores AS counted (campaign_id, role, score, votes)
        SELECT campaign_id, role, score, sum(change) FROM role_moves GROUP BY campaign_id, role, score
            ON CONFLICT (campaign_id, role, score) DO UPDATE SET votes = counted.votes + excluded.votes
    ),
    daily_counts AS (
        INSERT INTO campaign_daily_scores AS counted (campaign_id, day, score, change)
        SELECT campaign_id, day, score, sum(change) FROM score_moves GROUP BY campaign_id, day, score
            ON CONFLICT (campaign_id, day, score) DO UPDATE SET change = counted.change + excluded.change
    )
    INSERT INTO current_votes AS stored
           (campaign_id, workspace_id, identifier, score, roles, comment, first_cast_at, changed_at)
    SELECT campaign_id, workspace_id, identifier, score, roles, comment, first_recorded_at, recorded_at
      FROM changes
     WHERE is_last
        ON CONFLICT (campaign_id, workspace_id, identifier) DO UPDATE
       SET score = excluded.score, roles = excluded.roles, comment = excluded.comment,
           changed_at = excluded.changed_at
$$;

REVOKE ALL ON FUNCTION project_votes(xid8, bigint, xid8, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION project_votes(xid8, bigint, xid8, bigint) TO nps_app;

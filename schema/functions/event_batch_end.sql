-- event_batch_end: where the next batch of a reader at a checkpoint ends: the
-- number of events in it and the last one's (transaction id, position).
--
-- Same rule as read_events: only rows of transactions older than the
-- snapshot's xmin, so every event up to the returned end has committed or
-- never will, and the range (checkpoint, end] can be read again by any later
-- statement and holds exactly the same rows. Projectors apply such a range
-- with several set-based statements without copying it. Served by the
-- (transaction_id, position) index alone; no payload is read.
--
-- A full batch (p_limit events or more after the checkpoint) ends where
-- p_limit - 1 index entries are skipped; a shorter one at the last visible
-- event (the index read backwards), with its events counted. Counting them
-- with a window and sorting them for the last, on the path of every
-- catch-up batch (BatchSizing), took 0.48-0.54 s for a full batch of a
-- million against 0.24-0.27 s now; a short one of 995,000 takes 0.40-0.47 s
-- (0.51-0.56 s), reading the index twice.
--
-- History: 0012; this file (the full batch by OFFSET).
CREATE OR REPLACE FUNCTION event_batch_end(
    p_after_transaction  xid8,
    p_after_position     bigint,
    p_limit              integer
) RETURNS TABLE (events integer, last_transaction xid8, last_position bigint)
LANGUAGE sql STABLE AS $$
    -- Inlined into each use below (NOT MATERIALIZED), so each reads the index only as far as it needs.
    WITH visible AS NOT MATERIALIZED (
        SELECT e.transaction_id, e.position
          FROM event_log e
         WHERE (e.transaction_id, e.position) > (p_after_transaction, p_after_position)
           AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
    ),
    full_batch AS (
        SELECT p_limit AS events, transaction_id, position
          FROM visible ORDER BY transaction_id, position OFFSET p_limit - 1 LIMIT 1
    )
    SELECT events, transaction_id, position FROM full_batch
    UNION ALL
    SELECT (SELECT count(*)::integer FROM visible), last.transaction_id, last.position
      FROM (SELECT transaction_id, position FROM visible ORDER BY transaction_id DESC, position DESC LIMIT 1) AS last
     WHERE NOT EXISTS (SELECT FROM full_batch)
$$;

-- Privileges: the application role (nps_app) may call it; nobody else but the owner.
REVOKE ALL ON FUNCTION event_batch_end(xid8, bigint, integer) FROM PUBLIC, nps_app;
GRANT EXECUTE ON FUNCTION event_batch_end(xid8, bigint, integer) TO nps_app;

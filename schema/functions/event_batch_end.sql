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
-- with a window and sorting them for the last took 0.4-0.5 s at a million,
-- four times the index scan itself, on the path of every catch-up batch
-- (BatchSizing).
--
-- History: 0012; this file (the full batch by OFFSET).
CREATE OR REPLACE FUNCTION event_batch_end(
    p_after_transaction  xid8,
    p_after_position     bigint,
    p_limit              integer
) RETURNS TABLE (events integer, last_transaction xid8, last_position bigint)
LANGUAGE sql STABLE AS $$
    WITH full_batch AS (
        SELECT p_limit AS events, e.transaction_id, e.position
          FROM event_log e
         WHERE (e.transaction_id, e.position) > (p_after_transaction, p_after_position)
           AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
         ORDER BY e.transaction_id, e.position
        OFFSET p_limit - 1 LIMIT 1
    )
    SELECT events, transaction_id, position FROM full_batch
    UNION ALL
    SELECT (SELECT count(*)::integer
              FROM event_log e
             WHERE (e.transaction_id, e.position) > (p_after_transaction, p_after_position)
               AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())),
           last.transaction_id, last.position
      FROM (SELECT e.transaction_id, e.position
              FROM event_log e
             WHERE (e.transaction_id, e.position) > (p_after_transaction, p_after_position)
               AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
             ORDER BY e.transaction_id DESC, e.position DESC
             LIMIT 1) AS last
     WHERE NOT EXISTS (SELECT FROM full_batch)
$$;

-- Privileges: the application role (nps_app) may call it; nobody else but the owner.
REVOKE ALL ON FUNCTION event_batch_end(xid8, bigint, integer) FROM PUBLIC, nps_app;
GRANT EXECUTE ON FUNCTION event_batch_end(xid8, bigint, integer) TO nps_app;

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
-- History: 0012.
CREATE OR REPLACE FUNCTION event_batch_end(
    p_after_transaction  xid8,
    p_after_position     bigint,
    p_limit              integer
) RETURNS TABLE (events integer, last_transaction xid8, last_position bigint)
LANGUAGE sql STABLE AS $$
    SELECT count(*) OVER ()::integer, b.transaction_id, b.position
      FROM (SELECT e.transaction_id, e.position
              FROM event_log e
             WHERE (e.transaction_id, e.position) > (p_after_transaction, p_after_position)
               AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
             ORDER BY e.transaction_id, e.position
             LIMIT p_limit) AS b
     ORDER BY b.transaction_id DESC, b.position DESC
     LIMIT 1
$$;

-- Privileges: the application role (nps_app) may call it; nobody else but the owner.
REVOKE ALL ON FUNCTION event_batch_end(xid8, bigint, integer) FROM PUBLIC, nps_app;
GRANT EXECUTE ON FUNCTION event_batch_end(xid8, bigint, integer) TO nps_app;

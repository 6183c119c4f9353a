-- read_events: reads the log forward from a checkpoint without ever skipping
-- an event.
--
-- Positions are taken at insert but become visible at commit, so "position >
-- last seen" jumps over a row whose transaction commits late. Instead we read
-- only rows written by transactions older than the oldest one still running
-- (pg_snapshot_xmin of the current snapshot): every such transaction has ended,
-- so no row can appear behind the checkpoint later. Rows are ordered and
-- checkpointed by (transaction_id, position), which the index serves.
--
-- A transaction held open anywhere in the cluster holds readers back (they
-- wait, they do not skip); event_log_lag shows it.
--
-- History: 0005.
CREATE OR REPLACE FUNCTION read_events(
    p_after_transaction  xid8,
    p_after_position     bigint,
    p_limit              integer
) RETURNS SETOF event_log
LANGUAGE sql STABLE AS $$
    SELECT *
      FROM event_log e
     WHERE (e.transaction_id, e.position) > (p_after_transaction, p_after_position)
       AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
     ORDER BY e.transaction_id, e.position
     LIMIT p_limit
$$;

-- Privileges: the application role (nps_app) may call it; nobody else but the owner.
REVOKE ALL ON FUNCTION read_events(xid8, bigint, integer) FROM PUBLIC, nps_app;
GRANT EXECUTE ON FUNCTION read_events(xid8, bigint, integer) TO nps_app;

-- event_log_lag: how far a reader at a checkpoint is behind the committed head
-- of the log: the number of committed events after it and the age of the
-- oldest of them (the projectors' lag in events and in seconds).
--
-- History: 0006.
CREATE OR REPLACE FUNCTION event_log_lag(
    p_after_transaction  xid8,
    p_after_position     bigint
) RETURNS TABLE (events bigint, oldest_unread_at timestamptz)
LANGUAGE sql STABLE AS $$
    SELECT count(*), min(e.recorded_at)
      FROM event_log e
     WHERE (e.transaction_id, e.position) > (p_after_transaction, p_after_position)
$$;

-- Privileges: the application role (nps_app) may call it; nobody else but the owner.
REVOKE ALL ON FUNCTION event_log_lag(xid8, bigint) FROM PUBLIC, nps_app;
GRANT EXECUTE ON FUNCTION event_log_lag(xid8, bigint) TO nps_app;

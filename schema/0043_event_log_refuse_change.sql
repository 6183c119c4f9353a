-- Replaces the trigger function of 0003 (the log and, since 0042, the purge
-- audit refuse UPDATE, DELETE and TRUNCATE for every role) with its one
-- exception: a DELETE on event_log inside a transaction that has recorded a
-- purge in event_log_purges, which only purge_workspace (0045) does. Which
-- rows such a DELETE may take is checked row by row (0044).
CREATE OR REPLACE FUNCTION event_log_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND TG_TABLE_NAME = 'event_log'
       AND EXISTS (SELECT FROM event_log_purges p WHERE p.transaction_id = pg_current_xact_id()) THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'NP002',
              HINT = 'events are immutable; append a compensating event instead (privacy erasure: workspaces purge)';
END
$$;

REVOKE ALL ON FUNCTION event_log_refuse_change() FROM PUBLIC;

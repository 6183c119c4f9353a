-- event_log_refuse_change: the log is never changed after the fact, whoever
-- asks. UPDATE, DELETE and TRUNCATE on event_log and on its purge audit
-- event_log_purges raise SQLSTATE NP002 for every role, the owner included
-- (the application role also lacks the privileges): enforced in the
-- database, not only by convention.
--
-- The one exception: a DELETE on event_log inside a transaction that has
-- recorded a purge in event_log_purges, which only purge_workspace does.
-- Which rows such a DELETE may take is checked row by row
-- (event_log_purge_scope.sql). The audit itself has no exception.
--
-- History: 0003 (function, event_log's triggers); 0042 (event_log_purges's
-- triggers); 0043 (the purge exception).
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

CREATE OR REPLACE TRIGGER event_log_no_update_or_delete
    BEFORE UPDATE OR DELETE ON event_log
    FOR EACH STATEMENT EXECUTE FUNCTION event_log_refuse_change();

CREATE OR REPLACE TRIGGER event_log_no_truncate
    BEFORE TRUNCATE ON event_log
    FOR EACH STATEMENT EXECUTE FUNCTION event_log_refuse_change();

CREATE OR REPLACE TRIGGER event_log_purges_no_update_or_delete
    BEFORE UPDATE OR DELETE ON event_log_purges
    FOR EACH STATEMENT EXECUTE FUNCTION event_log_refuse_change();

CREATE OR REPLACE TRIGGER event_log_purges_no_truncate
    BEFORE TRUNCATE ON event_log_purges
    FOR EACH STATEMENT EXECUTE FUNCTION event_log_refuse_change();

-- Privileges: a trigger function is run by its triggers, never called; no role is granted it.
REVOKE ALL ON FUNCTION event_log_refuse_change() FROM PUBLIC, nps_app;

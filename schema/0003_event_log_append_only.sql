-- The log is never changed after the fact, whoever asks: UPDATE, DELETE and
-- TRUNCATE raise for every role, the owner included. (The application role
-- also lacks the privileges.) Privacy erasure gets its own audited function.
CREATE FUNCTION event_log_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'event_log is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'NP002',
              HINT = 'events are immutable; append a compensating event instead';
END
$$;

CREATE TRIGGER event_log_no_update_or_delete
    BEFORE UPDATE OR DELETE ON event_log
    FOR EACH STATEMENT EXECUTE FUNCTION event_log_refuse_change();

CREATE TRIGGER event_log_no_truncate
    BEFORE TRUNCATE ON event_log
    FOR EACH STATEMENT EXECUTE FUNCTION event_log_refuse_change();

REVOKE ALL ON FUNCTION event_log_refuse_change() FROM PUBLIC;

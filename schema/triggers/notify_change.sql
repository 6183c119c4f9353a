-- notify_change: NOTIFY nps_changes, '<topic>' in the transaction that
-- changes what processes keep in memory (ChangeNotifications.swift), so that
-- every collector process drops its copy when the change commits, whoever
-- made it (the admin API, the command line, a purge, an operator's SQL).
--
-- Topics:
--   tokens     any UPDATE or DELETE of api_tokens (a revocation, a purge);
--              an INSERT changes no copy (an unknown token is never kept)
--   campaigns  an event appended to the `campaigns` stream
--   read_models any change of `projections` (a projector's batch moves its
--              checkpoint, a replay swaps a rebuilt model in) and a purge
--              (event_log_purges): what the read-model version is made of
--              (Sources/Projections/Queries/ReadModelVersion.swift)
--
-- PostgreSQL folds identical notifications of one transaction into one, so
-- a statement trigger on a bulk revocation sends one.
--
-- History: new in this file (no migration created an earlier version).
CREATE OR REPLACE FUNCTION notify_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('nps_changes', TG_ARGV[0]);
    RETURN NULL;
END
$$;

CREATE OR REPLACE TRIGGER api_tokens_notify_change
    AFTER UPDATE OR DELETE OR TRUNCATE ON api_tokens
    FOR EACH STATEMENT EXECUTE FUNCTION notify_change('tokens');

CREATE OR REPLACE TRIGGER event_log_notify_campaign_change
    AFTER INSERT ON event_log
    FOR EACH ROW WHEN (NEW.stream_id = 'campaigns')
    EXECUTE FUNCTION notify_change('campaigns');

CREATE OR REPLACE TRIGGER projections_notify_change
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON projections
    FOR EACH STATEMENT EXECUTE FUNCTION notify_change('read_models');

CREATE OR REPLACE TRIGGER event_log_purges_notify_change
    AFTER INSERT ON event_log_purges
    FOR EACH STATEMENT EXECUTE FUNCTION notify_change('read_models');

-- Privileges: a trigger function is run by its triggers, never called; no role is granted it.
REVOKE ALL ON FUNCTION notify_change() FROM PUBLIC, nps_app;

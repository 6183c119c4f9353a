-- The audit of privacy erasures: one row per purge of a workspace's events
-- from the log, written by purge_workspace (0045) before it deletes
-- anything. The log lets a DELETE through only in a transaction that has
-- such a row (event_log_refuse_change, 0043), and only for the events of the
-- workspace the row names (event_log_purge_scope, 0044); so nothing leaves
-- the log without a permanent record of who, when and why, even when the
-- owner role deletes by hand. Append-only like the log itself.
--
-- transaction_id  the purging transaction: what the log's triggers look for
-- tombstone_id    the WorkspacePurged event the purge appended (how many events, in its payload)
CREATE TABLE event_log_purges (
    transaction_id  xid8 PRIMARY KEY DEFAULT pg_current_xact_id(),
    workspace_id    text NOT NULL,
    requested_by    text NOT NULL,
    tombstone_id    uuid NOT NULL,
    purged_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TRIGGER event_log_purges_no_update_or_delete
    BEFORE UPDATE OR DELETE ON event_log_purges
    FOR EACH STATEMENT EXECUTE FUNCTION event_log_refuse_change();

CREATE TRIGGER event_log_purges_no_truncate
    BEFORE TRUNCATE ON event_log_purges
    FOR EACH STATEMENT EXECUTE FUNCTION event_log_refuse_change();

REVOKE ALL ON TABLE event_log_purges FROM PUBLIC;
-- Operators and the API may read the audit; only purge_workspace writes it.
GRANT SELECT ON TABLE event_log_purges TO nps_app;

-- Each stream's head: its last version and where its last event is
-- (issue 17: ≤ 500 bytes per vote in the log).
--
-- The unique index on (stream_id, stream_version) cost 150 bytes per vote:
-- a vote stream (votes/<campaign>/<workspace>) grows at its own end, which
-- is in the middle of the index, so every upload split leaves of 51-byte keys
-- into halves. Its two jobs move here:
--   - the guard of a stream's numbering (from 1, without gaps or repeats):
--     the trigger event_log_stream_heads (triggers/event_log_stream_heads.sql)
--     moves a stream's head only from the version just below an insert's
--     first one, under the head row's lock, whoever inserts;
--   - a stream's current version and last event (append_events,
--     EventLog.lookUp): one probe of this table's key.
-- A plain index on stream_id remains for reading a stream: B-tree
-- deduplication stores a stream's events as one key and a list of row
-- addresses, a few bytes a vote.
CREATE TABLE stream_heads (
    stream_id      text PRIMARY KEY,
    version        bigint NOT NULL CHECK (version >= 1),
    last_position  bigint NOT NULL
);

INSERT INTO stream_heads (stream_id, version, last_position)
SELECT DISTINCT ON (stream_id) stream_id, stream_version, position
  FROM event_log
 ORDER BY stream_id, stream_version DESC;

-- The heads are the trigger's to write (SECURITY DEFINER); the server reads them.
REVOKE ALL ON TABLE stream_heads FROM PUBLIC;
GRANT SELECT ON TABLE stream_heads TO nps_app;

CREATE INDEX event_log_stream ON event_log (stream_id);
ALTER TABLE event_log DROP CONSTRAINT event_log_stream_version_key;

-- The trigger, with a function that refuses every insert until the
-- repeatable file replaces it (after the migrations): an event inserted by a
-- later migration would otherwise leave its stream's head behind, and the
-- next append would number from there. Such a migration must append after
-- the file is applied, not in this folder's order.
CREATE FUNCTION event_log_stream_heads() RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
BEGIN
    RAISE EXCEPTION 'event_log_stream_heads: replaced by triggers/event_log_stream_heads.sql';
END
$$;
REVOKE ALL ON FUNCTION event_log_stream_heads() FROM PUBLIC, nps_app;

CREATE TRIGGER event_log_stream_heads
    AFTER INSERT ON event_log
    REFERENCING NEW TABLE AS appended
    FOR EACH STATEMENT EXECUTE FUNCTION event_log_stream_heads();

-- event_log_stream_heads: moves the head of every stream a statement
-- inserted into (stream_heads, schema/0098_stream_heads.sql), and refuses the
-- statement when that would break a stream's numbering: its versions must
-- run from the head's version + 1 (1 for a new stream) without gaps or
-- repeats. It is the guard the unique index on (stream_id, stream_version)
-- was until 0098, for every writer: append_events, and an owner's or a
-- benchmark's INSERT or COPY.
--
-- Concurrent inserts into one stream meet on its head row: the UPDATE waits
-- for the other transaction and then finds the head moved (no row matches),
-- the INSERT of a new stream's head waits and then conflicts. Either way the
-- statement raises unique_violation and writes nothing. (append_events
-- serialises its callers before that, with the stream's advisory lock, and
-- reads the head after it.)
--
-- SECURITY DEFINER: only this function (and the owner's purge) writes the
-- heads; the server may read them.
--
-- History: 0098 (a placeholder that refused every insert); this file.
CREATE OR REPLACE FUNCTION event_log_stream_heads() RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
DECLARE
    v_stream text;
    v_first bigint;
    v_last bigint;
BEGIN
    WITH batch AS (
        SELECT a.stream_id,
               min(a.stream_version) AS first_version,
               max(a.stream_version) AS last_version,
               count(*) = count(DISTINCT a.stream_version)
                   AND max(a.stream_version) - min(a.stream_version) + 1 = count(*) AS numbered,
               (array_agg(a.position ORDER BY a.stream_version DESC))[1] AS last_position
          FROM appended a
         GROUP BY a.stream_id
    ), moved AS (
        UPDATE stream_heads h
           SET version = b.last_version, last_position = b.last_position
          FROM batch b
         WHERE h.stream_id = b.stream_id AND h.version = b.first_version - 1 AND b.numbered
        RETURNING h.stream_id
    ), started AS (
        INSERT INTO stream_heads (stream_id, version, last_position)
        SELECT b.stream_id, b.last_version, b.last_position
          FROM batch b
         WHERE b.first_version = 1 AND b.numbered
            ON CONFLICT (stream_id) DO NOTHING
        RETURNING stream_id
    )
    SELECT b.stream_id, b.first_version, b.last_version INTO v_stream, v_first, v_last
      FROM batch b
     WHERE NOT EXISTS (SELECT FROM moved m WHERE m.stream_id = b.stream_id)
       AND NOT EXISTS (SELECT FROM started s WHERE s.stream_id = b.stream_id)
     ORDER BY b.stream_id
     LIMIT 1;

    IF v_stream IS NOT NULL THEN
        RAISE EXCEPTION 'event_log: versions % to % of stream % do not follow its last version without gaps or repeats',
            v_first, v_last, v_stream
            USING ERRCODE = 'unique_violation', CONSTRAINT = 'stream_heads_pkey';
    END IF;
    RETURN NULL;
END
$$;

-- 0098 created the trigger; kept here so that this file shows the whole of it.
CREATE OR REPLACE TRIGGER event_log_stream_heads
    AFTER INSERT ON event_log
    REFERENCING NEW TABLE AS appended
    FOR EACH STATEMENT EXECUTE FUNCTION event_log_stream_heads();

-- Privileges: a trigger function is run by its triggers, never called; no role is granted it.
REVOKE ALL ON FUNCTION event_log_stream_heads() FROM PUBLIC, nps_app;

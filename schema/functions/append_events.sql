-- append_events: appends a batch of events to one stream, in one round trip
-- for the caller (the arrays are the batch, in order).
--
-- p_expected_version: NULL appends wherever the stream is; 0 requires that the
-- stream has no events; n requires that its last version is n. A mismatch
-- raises SQLSTATE NP001 (WrongExpectedVersion in Swift) and writes nothing.
--
-- An event id already in the log is a repeat: it is reported with its original
-- position and not written again. A batch made only of repeats succeeds
-- whatever the expected version, so that a retried append is harmless.
--
-- p_report false returns no rows: a caller that discards them (record_votes)
-- saves a probe of the event id index per event.
--
-- Appends to one stream are serialised by a transaction-level advisory lock
-- (class 2, key hashtext(stream)); each statement below takes a fresh snapshot
-- after the lock is granted, so the version it reads is the committed one.
-- That version is the stream's head (stream_heads, moved by the trigger
-- event_log_stream_heads, which also refuses a numbering that does not
-- follow it, should anyone insert around this function).
-- Sends NOTIFY nps_event_log so that waiting readers wake. Notifying commits
-- take one lock per database through their flush; sending it after the commit
-- instead was measured and not kept (docs/benchmarks.md, "e2e").
--
-- History: 0004; this file reads the stream's version from stream_heads (0098)
-- instead of max(stream_version) over the dropped (stream_id, stream_version) index;
-- p_report (0099).
CREATE OR REPLACE FUNCTION append_events(
    p_stream_id         text,
    p_expected_version  bigint,
    p_event_ids         uuid[],
    p_event_types       text[],
    p_schema_versions   smallint[],
    p_payloads          jsonb[],
    p_metadata          jsonb[],
    p_report            boolean DEFAULT true
) RETURNS TABLE (event_id uuid, log_position bigint, stream_version bigint, is_repeat boolean)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    v_current_version bigint;
    v_new_count integer;
BEGIN
    IF cardinality(p_event_ids) IS DISTINCT FROM cardinality(p_event_types)
       OR cardinality(p_event_ids) IS DISTINCT FROM cardinality(p_schema_versions)
       OR cardinality(p_event_ids) IS DISTINCT FROM cardinality(p_payloads)
       OR cardinality(p_event_ids) IS DISTINCT FROM cardinality(p_metadata) THEN
        RAISE EXCEPTION 'append_events: the arrays of one batch must have the same length'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF (SELECT count(DISTINCT id) FROM unnest(p_event_ids) AS id) <> cardinality(p_event_ids) THEN
        RAISE EXCEPTION 'append_events: the same event id appears twice in one batch'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;

    PERFORM pg_advisory_xact_lock(2, hashtext(p_stream_id));

    SELECT count(*) INTO v_new_count
      FROM unnest(p_event_ids) AS incoming(id)
     WHERE NOT EXISTS (SELECT FROM event_log e WHERE e.event_id = incoming.id);

    IF v_new_count > 0 THEN
        SELECT coalesce(max(h.version), 0) INTO v_current_version
          FROM stream_heads h WHERE h.stream_id = p_stream_id;

        IF p_expected_version IS NOT NULL AND p_expected_version <> v_current_version THEN
            RAISE EXCEPTION 'wrong expected version for stream %: expected %, found %',
                p_stream_id, p_expected_version, v_current_version
                USING ERRCODE = 'NP001', DETAIL = v_current_version::text;
        END IF;

        INSERT INTO event_log (event_id, stream_id, stream_version, event_type, schema_version, payload, metadata)
        SELECT incoming.id, p_stream_id,
               v_current_version + row_number() OVER (ORDER BY incoming.ordinal),
               incoming.event_type, incoming.schema_version, incoming.payload, incoming.metadata
          FROM unnest(p_event_ids, p_event_types, p_schema_versions, p_payloads, p_metadata)
               WITH ORDINALITY AS incoming(id, event_type, schema_version, payload, metadata, ordinal)
         WHERE NOT EXISTS (SELECT FROM event_log e WHERE e.event_id = incoming.id)
         ORDER BY incoming.ordinal;

        PERFORM pg_notify('nps_event_log', '');
    END IF;

    IF p_report THEN
        RETURN QUERY
        SELECT e.event_id, e.position, e.stream_version, e.transaction_id <> pg_current_xact_id()
          FROM unnest(p_event_ids) WITH ORDINALITY AS incoming(id, ordinal)
          JOIN event_log e ON e.event_id = incoming.id
         ORDER BY incoming.ordinal;
    END IF;
END
$$;

-- Privileges: the application role (nps_app) may call it; nobody else but the owner.
REVOKE ALL ON FUNCTION append_events(text, bigint, uuid[], text[], smallint[], jsonb[], jsonb[], boolean) FROM PUBLIC, nps_app;
GRANT EXECUTE ON FUNCTION append_events(text, bigint, uuid[], text[], smallint[], jsonb[], jsonb[], boolean) TO nps_app;

-- record_votes: records one results batch of one workspace for one campaign.
-- Appends a VoteCast (of schema version p_schema_version, VoteCast.schemaVersion
-- in Swift) for every vote whose content differs from the stored one
-- (vote_keys), skips the rest as repeats, and moves vote_keys to the new
-- content. Should an identifier appear twice in one batch (Rocket.Chat keeps
-- one vote per identifier, so it should not), its last item counts and the
-- earlier ones are repeats: a batch sent again is then always a repeat.
--
-- p_fingerprints identify a vote's content (score, roles, comment); the
-- caller computes them. Returns, per item in the order given, whether it was
-- a repeat.
--
-- Runs under the stream's advisory lock (the same one append_events takes),
-- so two uploads of the same workspace and campaign are decided one after
-- the other and a vote is never counted twice.
--
-- p_metadata (sender and request) goes on every appended vote, unless
-- p_receipt_id names a ResultsReceived not in the log yet: the caller appends
-- it next, in this transaction and stream, and it carries them (VoteBatch), so
-- the votes get '{}'. Decided under the lock: a concurrent upload of the same
-- body has either appended that ResultsReceived and committed, or not begun.
--
-- A vote that changes a stored one says what it replaced: its payload gets
-- "replaces": {score, roles}, read from the stored vote's own event
-- (vote_keys.event_id; roles upcast as vote_cast_roles_v2 does). That is
-- VoteCast version 4, written whatever version the caller names if older:
-- the function adds what version 4 adds. The votes fold then only adds and
-- subtracts counts, without keeping or reading each key's current vote
-- (project_votes). Decided under the stream's lock, so "replaces" is the
-- vote the previous VoteCast of this key carried, whatever order the
-- transactions commit in. A stored key whose event cannot be read raises
-- (nothing is appended): a change that does not say what it replaced would
-- be counted twice.
--
-- History: 0009 (always wrote schema version 1); 0049 dropped that one and
-- added p_schema_version (2 since roles are a sorted set, 3 since the
-- payload leaves campaign and workspace to the stream id); 0095 added
-- p_receipt_id; this file: version 4, "replaces"; append_events' p_report false
-- (0099), since nothing here reads what it returns.
CREATE OR REPLACE FUNCTION record_votes(
    p_stream_id     text,
    p_campaign_id   text,
    p_workspace_id  text,
    p_identifiers   text[],
    p_fingerprints  uuid[],
    p_event_ids     uuid[],
    p_payloads      jsonb[],
    p_metadata      jsonb,
    p_schema_version smallint,
    p_receipt_id    uuid
) RETURNS TABLE (item bigint, is_repeat boolean)
LANGUAGE plpgsql AS $$
DECLARE
    v_repeat boolean[];
    v_replaces jsonb[];
    v_unreadable text;
    v_metadata jsonb;
BEGIN
    IF coalesce(cardinality(p_identifiers), 0) = 0 THEN
        RETURN;
    END IF;

    PERFORM pg_advisory_xact_lock(2, hashtext(p_stream_id));

    v_metadata := CASE WHEN p_receipt_id IS NOT NULL
                            AND NOT EXISTS (SELECT FROM event_log WHERE event_id = p_receipt_id)
                       THEN '{}' ELSE p_metadata END;

    SELECT array_agg(decided.is_repeat ORDER BY decided.item),
           array_agg(replaced.vote ORDER BY decided.item),
           min(decided.identifier) FILTER (WHERE NOT decided.is_repeat AND decided.stored_event IS NOT NULL
                                             AND replaced.vote IS NULL)
      INTO v_repeat, v_replaces, v_unreadable
      FROM (SELECT incoming.item, incoming.identifier,
                   row_number() OVER (PARTITION BY incoming.identifier ORDER BY incoming.item DESC) > 1
                   OR incoming.fingerprint IS NOT DISTINCT FROM stored.fingerprint AS is_repeat,
                   stored.event_id AS stored_event
              FROM unnest(p_identifiers, p_fingerprints) WITH ORDINALITY AS incoming(identifier, fingerprint, item)
              LEFT JOIN vote_keys stored
                ON stored.campaign_id = p_campaign_id
               AND stored.workspace_id = p_workspace_id
               AND stored.identifier = incoming.identifier) AS decided
      -- What a change replaced, read for changes alone (a repeat replaces nothing).
      LEFT JOIN LATERAL (
            SELECT jsonb_build_object(
                       'score', e.payload->'score',
                       'roles', CASE WHEN e.schema_version = 1 THEN vote_cast_roles_v2(e.payload->'roles')
                                     ELSE e.payload->'roles' END) AS vote
              FROM event_log e
             WHERE NOT decided.is_repeat AND e.event_id = decided.stored_event) AS replaced ON true;

    IF v_unreadable IS NOT NULL THEN
        RAISE EXCEPTION 'record_votes: the stored vote of identifier % in stream % has no readable VoteCast',
            v_unreadable, p_stream_id;
    END IF;

    PERFORM append_events(
        p_stream_id, NULL,
        array_agg(incoming.event_id ORDER BY incoming.item),
        array_fill('VoteCast'::text, ARRAY[count(*)::int]),
        array_fill(greatest(p_schema_version, 4::smallint), ARRAY[count(*)::int]),
        array_agg(CASE WHEN v_replaces[incoming.item] IS NULL THEN incoming.payload
                       ELSE incoming.payload || jsonb_build_object('replaces', v_replaces[incoming.item]) END
                  ORDER BY incoming.item),
        array_fill(v_metadata, ARRAY[count(*)::int]),
        false)
      FROM unnest(p_event_ids, p_payloads) WITH ORDINALITY AS incoming(event_id, payload, item)
     WHERE NOT v_repeat[incoming.item]
    HAVING count(*) > 0;

    INSERT INTO vote_keys AS stored (campaign_id, workspace_id, identifier, fingerprint, event_id)
    SELECT p_campaign_id, p_workspace_id, incoming.identifier, incoming.fingerprint, incoming.event_id
      FROM unnest(p_identifiers, p_fingerprints, p_event_ids)
           WITH ORDINALITY AS incoming(identifier, fingerprint, event_id, item)
     WHERE NOT v_repeat[incoming.item]
        ON CONFLICT (campaign_id, workspace_id, identifier)
        DO UPDATE SET fingerprint = excluded.fingerprint, event_id = excluded.event_id;

    RETURN QUERY SELECT i::bigint, v_repeat[i] FROM generate_subscripts(v_repeat, 1) AS i ORDER BY i;
END
$$;

-- Privileges: the application role (nps_app) may call it; nobody else but the owner.
REVOKE ALL ON FUNCTION record_votes(text, text, text, text[], uuid[], uuid[], jsonb[], jsonb, smallint, uuid) FROM PUBLIC, nps_app;
GRANT EXECUTE ON FUNCTION record_votes(text, text, text, text[], uuid[], uuid[], jsonb[], jsonb, smallint, uuid) TO nps_app;

--
-- Name: append_events(text, bigint, uuid[], text[], smallint[], jsonb[], jsonb[], boolean); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.append_events(p_stream_id text, p_expected_version bigint, p_event_ids uuid[], p_event_types text[], p_schema_versions smallint[], p_payloads jsonb[], p_metadata jsonb[], p_report boolean DEFAULT true) RETURNS TABLE(event_id uuid, log_position bigint, stream_version bigint, is_repeat boolean)
    LANGUAGE plpgsql
    AS $$
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

--
-- Name: begin_workspace_ingest(text, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.begin_workspace_ingest(p_workspace_id text, p_recorded_at text) RETURNS boolean
    LANGUAGE plpgsql
    AS $$
BEGIN
    PERFORM pg_advisory_xact_lock_shared(5, hashtext(p_workspace_id));
    PERFORM set_config('nps.simulated_now', coalesce(p_recorded_at, ''), true);
    RETURN EXISTS (SELECT FROM api_tokens WHERE workspace_id = p_workspace_id AND revoked_at IS NULL);
END
$$;

--
-- Name: event_batch_end(xid8, bigint, integer); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.event_batch_end(p_after_transaction xid8, p_after_position bigint, p_limit integer) RETURNS TABLE(events integer, last_transaction xid8, last_position bigint)
    LANGUAGE sql STABLE
    AS $$
    -- Inlined into each use below (NOT MATERIALIZED), so each reads the index only as far as it needs.
    WITH visible AS NOT MATERIALIZED (
        SELECT e.transaction_id, e.position
          FROM event_log e
         WHERE (e.transaction_id, e.position) > (p_after_transaction, p_after_position)
           AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
    ),
    full_batch AS (
        SELECT p_limit AS events, transaction_id, position
          FROM visible ORDER BY transaction_id, position OFFSET p_limit - 1 LIMIT 1
    )
    SELECT events, transaction_id, position FROM full_batch
    UNION ALL
    SELECT (SELECT count(*)::integer FROM visible), last.transaction_id, last.position
      FROM (SELECT transaction_id, position FROM visible ORDER BY transaction_id DESC, position DESC LIMIT 1) AS last
     WHERE NOT EXISTS (SELECT FROM full_batch)
$$;

--
-- Name: event_log_lag(xid8, bigint); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.event_log_lag(p_after_transaction xid8, p_after_position bigint) RETURNS TABLE(events bigint, oldest_unread_at timestamp with time zone)
    LANGUAGE sql STABLE
    AS $$
    SELECT count(*), min(e.recorded_at)
      FROM event_log e
     WHERE (e.transaction_id, e.position) > (p_after_transaction, p_after_position)
$$;

--
-- Name: event_log_purge_scope(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.event_log_purge_scope() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF OLD.event_type = 'WorkspacePurged' OR NOT EXISTS (
        SELECT FROM event_log_purges p
         WHERE p.transaction_id = pg_current_xact_id() AND p.workspace_id = event_workspace_id(OLD.stream_id, OLD.payload)) THEN
        RAISE EXCEPTION 'event % is not an event of the workspace being purged', OLD.position
            USING ERRCODE = 'NP002';
    END IF;
    RETURN OLD;
END
$$;

--
-- Name: event_log_refuse_change(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.event_log_refuse_change() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
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

--
-- Name: event_log_stream_heads(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.event_log_stream_heads() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
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

--
-- Name: event_recording_time(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.event_recording_time() RETURNS timestamp with time zone
    LANGUAGE sql STABLE
    AS $$
    SELECT coalesce(nullif(current_setting('nps.simulated_now', true), '')::timestamptz, now())
$$;

--
-- Name: event_workspace_id(text, jsonb); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.event_workspace_id(p_stream_id text, p_payload jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE
    AS $$
    SELECT coalesce(p_payload->>'workspaceID',
                    CASE WHEN p_stream_id LIKE 'votes/%' THEN nullif(split_part(p_stream_id, '/', 3), '') END)
$$;

--
-- Name: jsonb_count(jsonb); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.jsonb_count(p_value jsonb) RETURNS bigint
    LANGUAGE sql IMMUTABLE
    AS $$
    SELECT CASE
        WHEN jsonb_typeof(p_value) = 'number'
         AND p_value::numeric BETWEEN 0 AND 9007199254740992
         AND p_value::numeric = trunc(p_value::numeric)
        THEN p_value::numeric::bigint
    END
$$;

--
-- Name: notify_change(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.notify_change() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    PERFORM pg_notify('nps_changes', TG_ARGV[0]);
    RETURN NULL;
END
$$;

--
-- Name: profile_segments(jsonb); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.profile_segments(p_payload jsonb) RETURNS TABLE(version text, major_version text, deployment text, edition text, size_band text, industry text, org_size text, country text, language text)
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT substring(p.version FROM '^(\d+\.\d+)'), substring(p.version FROM '^(\d+)'),
           nullif(concat_ws('/', left(p.method, 64), left(p.platform, 64)), ''),
           p.edition,
           CASE WHEN p.active_users IS NULL THEN NULL
                WHEN p.active_users <= 10 THEN '1-10'
                WHEN p.active_users <= 50 THEN '11-50'
                WHEN p.active_users <= 250 THEN '51-250'
                WHEN p.active_users <= 1000 THEN '251-1000'
                WHEN p.active_users <= 5000 THEN '1001-5000'
                ELSE '5001+' END,
           left(p.industry, 64), left(p.org_size, 64), left(p.country, 64), left(p.language, 64)
      FROM (SELECT p_payload->'profile'->>'version' AS version,
                   p_payload->'profile'->>'deploymentMethod' AS method,
                   p_payload->'profile'->>'deploymentPlatform' AS platform,
                   p_payload->'profile'->>'edition' AS edition,
                   jsonb_count(p_payload->'profile'->'activeUsers') AS active_users,
                   p_payload->'profile'->>'industry' AS industry,
                   p_payload->'profile'->>'orgSize' AS org_size,
                   p_payload->'profile'->>'country' AS country,
                   p_payload->'profile'->>'language' AS language) AS p
$$;

--
-- Name: project_campaigns(xid8, bigint, xid8, bigint); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.project_campaigns(p_after_transaction xid8, p_after_position bigint, p_through_transaction xid8, p_through_position bigint) RETURNS void
    LANGUAGE plpgsql
    SET jit TO 'off'
    AS $$
BEGIN
    -- As last announced, and when first announced.
    INSERT INTO campaigns AS known (campaign_id, start_at, expire_at, roles, announced_at)
    SELECT DISTINCT ON (e.payload->>'campaignID')
           e.payload->>'campaignID', (e.payload->>'startAt')::timestamptz, (e.payload->>'expireAt')::timestamptz,
           ARRAY(SELECT jsonb_array_elements_text(e.payload->'roles')),
           min(e.recorded_at) OVER (PARTITION BY e.payload->>'campaignID')
      FROM event_log e
     WHERE (e.transaction_id, e.position) > (p_after_transaction, p_after_position)
       AND (e.transaction_id, e.position) <= (p_through_transaction, p_through_position)
       AND e.event_type = 'CampaignAnnounced'
     ORDER BY e.payload->>'campaignID', e.transaction_id DESC, e.position DESC
        ON CONFLICT (campaign_id) DO UPDATE
       SET start_at = excluded.start_at, expire_at = excluded.expire_at, roles = excluded.roles,
           announced_at = least(known.announced_at, excluded.announced_at);

    UPDATE campaigns known
       SET closed_at = closing.closed_at
      FROM (SELECT e.payload->>'campaignID' AS campaign_id, min(e.recorded_at) AS closed_at
              FROM event_log e
             WHERE (e.transaction_id, e.position) > (p_after_transaction, p_after_position)
               AND (e.transaction_id, e.position) <= (p_through_transaction, p_through_position)
               AND e.event_type = 'CampaignClosed'
             GROUP BY 1) AS closing
     WHERE known.campaign_id = closing.campaign_id
       AND known.closed_at IS NULL;

    -- Each workspace's way through each campaign, and the campaign's reach
    -- moved by the workspaces this batch brought in, notified or showed.
    WITH seen_now AS (
        SELECT e.payload->>'campaignID' AS campaign_id, e.payload->>'workspaceID' AS workspace_id,
               min(e.recorded_at) FILTER (WHERE e.event_type = 'AdminNotified') AS notified_at,
               min(e.recorded_at) FILTER (WHERE e.event_type = 'SurveyShown') AS shown_at,
               max((e.payload->>'total')::bigint) FILTER (WHERE e.event_type = 'ResultsReceived') AS reported_total,
               count(*) FILTER (WHERE e.event_type = 'ResultsReceived') AS uploads,
               coalesce(sum((e.payload->>'items')::bigint) FILTER (WHERE e.event_type = 'ResultsReceived'), 0)
                   AS items_received,
               coalesce(sum((e.payload->>'quarantined')::bigint) FILTER (WHERE e.event_type = 'ResultsReceived'), 0)
                   AS items_quarantined
          FROM event_log e
         WHERE (e.transaction_id, e.position) > (p_after_transaction, p_after_position)
           AND (e.transaction_id, e.position) <= (p_through_transaction, p_through_position)
           AND e.event_type IN ('AdminNotified', 'SurveyShown', 'ResultsReceived')
         GROUP BY 1, 2
    ),
    -- As they were before this batch: every part of one statement reads the same snapshot.
    seen_before AS (
        SELECT seen.campaign_id, seen.workspace_id, seen.notified_at, seen.shown_at
          FROM workspace_campaigns seen JOIN seen_now USING (campaign_id, workspace_id)
    ),
    seen_after AS (
        INSERT INTO workspace_campaigns AS seen
               (campaign_id, workspace_id, notified_at, shown_at, reported_total, uploads, items_received,
                items_quarantined)
        SELECT * FROM seen_now
            ON CONFLICT (campaign_id, workspace_id) DO UPDATE
           SET notified_at = least(seen.notified_at, excluded.notified_at),
               shown_at = least(seen.shown_at, excluded.shown_at),
               reported_total = greatest(seen.reported_total, excluded.reported_total),
               uploads = seen.uploads + excluded.uploads,
               items_received = seen.items_received + excluded.items_received,
               items_quarantined = seen.items_quarantined + excluded.items_quarantined
        RETURNING campaign_id, workspace_id, notified_at, shown_at
    )
    INSERT INTO campaign_reach AS reach (campaign_id, announced, notified, shown)
    SELECT after.campaign_id, count(*) FILTER (WHERE before.campaign_id IS NULL),
           count(*) FILTER (WHERE after.notified_at IS NOT NULL AND before.notified_at IS NULL),
           count(*) FILTER (WHERE after.shown_at IS NOT NULL AND before.shown_at IS NULL)
      FROM seen_after after
      LEFT JOIN seen_before before
        ON before.campaign_id = after.campaign_id AND before.workspace_id = after.workspace_id
     GROUP BY after.campaign_id
        ON CONFLICT (campaign_id) DO UPDATE
       SET announced = reach.announced + excluded.announced, notified = reach.notified + excluded.notified,
           shown = reach.shown + excluded.shown;

    INSERT INTO setting_changes (workspace_id, position, changed_at, enabled, source)
    SELECT e.payload->>'workspaceID', e.position, e.recorded_at, (e.payload->>'enabled')::boolean,
           e.payload->>'source'
      FROM event_log e
     WHERE (e.transaction_id, e.position) > (p_after_transaction, p_after_position)
       AND (e.transaction_id, e.position) <= (p_through_transaction, p_through_position)
       AND e.event_type = 'SettingToggled';

    -- Whether each workspace opted out of each campaign (campaign_funnel
    -- states the rule), decided again for the pairs this batch may have
    -- changed: those it brought in or notified, those of a workspace whose
    -- setting changed, and every workspace of a campaign announced again or
    -- closed. A pair whose answer moved moves its campaign's counts.
    WITH batch AS (
        SELECT e.event_type, e.payload->>'campaignID' AS campaign_id, e.payload->>'workspaceID' AS workspace_id
          FROM event_log e
         WHERE (e.transaction_id, e.position) > (p_after_transaction, p_after_position)
           AND (e.transaction_id, e.position) <= (p_through_transaction, p_through_position)
           AND e.event_type IN ('AdminNotified', 'SurveyShown', 'ResultsReceived', 'SettingToggled',
                                'CampaignAnnounced', 'CampaignClosed')
    ),
    affected AS (
        SELECT campaign_id, workspace_id FROM batch
         WHERE event_type IN ('AdminNotified', 'SurveyShown', 'ResultsReceived')
        UNION
        SELECT wc.campaign_id, wc.workspace_id
          FROM workspace_campaigns wc JOIN batch ON batch.workspace_id = wc.workspace_id
         WHERE batch.event_type = 'SettingToggled'
        UNION
        SELECT wc.campaign_id, wc.workspace_id
          FROM workspace_campaigns wc JOIN batch ON batch.campaign_id = wc.campaign_id
         WHERE batch.event_type IN ('CampaignAnnounced', 'CampaignClosed')
    ),
    decided AS (
        SELECT wc.campaign_id, wc.workspace_id,
               wc.opted_out_before_start AS was_before_start, wc.opted_out_during AS was_during,
               coalesce(wc.notified_at IS NOT NULL AND NOT at_start.enabled
                        AND at_start.changed_at >= wc.notified_at, false) AS before_start,
               EXISTS (SELECT FROM setting_changes s
                        WHERE s.workspace_id = wc.workspace_id AND NOT s.enabled AND s.changed_at >= c.start_at
                          AND s.changed_at < least(c.expire_at, c.closed_at)) AS during
          FROM affected
          -- One probe of the key per pair. As a plain join (and campaigns joined by the same
          -- campaign id) the planner, whose estimate of a campaign's workspaces lags a fleet's
          -- growth, probed by campaign alone and filtered all its workspaces for each pair: 13 ms a
          -- batch at 5,000 workspaces in bench e2e, 224 ms for one of 56 pairs, growing with the
          -- fleet. OFFSET 0 keeps the lookup from being flattened back into that join.
          CROSS JOIN LATERAL (SELECT * FROM workspace_campaigns pair
                               WHERE pair.campaign_id = affected.campaign_id
                                 AND pair.workspace_id = affected.workspace_id
                              OFFSET 0) AS wc
          JOIN campaigns c ON c.campaign_id = wc.campaign_id
          LEFT JOIN LATERAL (SELECT s.enabled, s.changed_at FROM setting_changes s
                              WHERE s.workspace_id = wc.workspace_id AND s.changed_at < c.start_at
                              ORDER BY s.position DESC LIMIT 1) AS at_start ON true
    ),
    moved AS (
        UPDATE workspace_campaigns wc
           SET opted_out_before_start = decided.before_start, opted_out_during = decided.during
          FROM decided
         WHERE wc.campaign_id = decided.campaign_id AND wc.workspace_id = decided.workspace_id
           AND (decided.before_start, decided.during) IS DISTINCT FROM (decided.was_before_start, decided.was_during)
        RETURNING decided.*
    )
    INSERT INTO campaign_reach AS reach (campaign_id, announced, notified, shown, opted_out_before_start,
                                         opted_out_during)
    SELECT campaign_id, 0, 0, 0, sum(before_start::int - was_before_start::int), sum(during::int - was_during::int)
      FROM moved
     GROUP BY campaign_id
        ON CONFLICT (campaign_id) DO UPDATE
       SET opted_out_before_start = reach.opted_out_before_start + excluded.opted_out_before_start,
           opted_out_during = reach.opted_out_during + excluded.opted_out_during;
END
$$;

--
-- Name: project_votes(integer, integer, xid8, bigint, xid8, bigint); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.project_votes(p_shard integer, p_shards integer, p_after_transaction xid8, p_after_position bigint, p_through_transaction xid8, p_through_position bigint) RETURNS void
    LANGUAGE sql
    SET jit TO 'off'
    AS $$
    -- The batch's events this shard folds, read in one pass over the range: its VoteCasts (ids
    -- from the stream id) and its ResultsReceived (ids from the payload; the totals the shard's
    -- workspaces reported holding). What only the older versions' path reads is left null for
    -- version 4, which keeps the rows this CTE holds small (a batch of a million events spilled
    -- to disk with them).
    WITH batch_events AS (
        SELECT e.event_type = 'VoteCast' AS is_vote,
               CASE WHEN e.schema_version < 4 THEN e.transaction_id END AS transaction_id,
               CASE WHEN e.schema_version < 4 THEN e.position END AS position,
               e.schema_version,
               ids.campaign_id, ids.workspace_id,
               CASE WHEN e.schema_version < 4 THEN e.payload->>'identifier' END AS identifier,
               (e.payload->>'score')::smallint AS score,
               CASE WHEN e.schema_version = 1 THEN vote_cast_roles_v2(e.payload->'roles')
                    ELSE e.payload->'roles' END AS roles,
               CASE WHEN e.schema_version < 4 THEN e.payload->>'comment' END AS comment,
               e.payload->'replaces' AS replaces,
               CASE WHEN e.event_type = 'ResultsReceived' THEN (e.payload->>'total')::bigint END AS total,
               e.recorded_at, e.transaction_id AS at_transaction
          FROM event_log e
         CROSS JOIN LATERAL (
               SELECT CASE WHEN e.event_type = 'VoteCast' THEN nullif(split_part(e.stream_id, '/', 2), '')
                           ELSE e.payload->>'campaignID' END,
                      CASE WHEN e.event_type = 'VoteCast' THEN nullif(split_part(e.stream_id, '/', 3), '')
                           ELSE e.payload->>'workspaceID' END) AS ids(campaign_id, workspace_id)
         WHERE (e.transaction_id, e.position) > (p_after_transaction, p_after_position)
           AND (e.transaction_id, e.position) <= (p_through_transaction, p_through_position)
           -- Implied by the row comparisons, but the planner estimates those poorly: without it,
           -- on a log of 10 million events it scanned the whole log for every batch.
           AND e.transaction_id BETWEEN p_after_transaction AND p_through_transaction
           AND e.event_type IN ('VoteCast', 'ResultsReceived')
           -- coalesce: a vote of no workspace must reach a shard, whose insert then raises, not be
           -- skipped (an upload of none, which no workspace holds, is).
           AND (hashtext(CASE WHEN e.event_type = 'VoteCast' THEN coalesce(ids.workspace_id, '')
                              ELSE ids.workspace_id END) & 2147483647) % p_shards = p_shard
    ),
    in_key_order AS (
        SELECT v.*,
               lag(v.score) OVER key_history AS earlier_score,
               lag(v.roles) OVER key_history AS earlier_roles,
               lead(v.position) OVER key_history IS NULL AS is_last,
               first_value(v.recorded_at) OVER key_history AS first_recorded_at
          FROM batch_events v
         WHERE v.is_vote AND v.schema_version < 4
        WINDOW key_history AS (PARTITION BY v.campaign_id, v.workspace_id, v.identifier
                               ORDER BY v.transaction_id, v.position)
    ),
    stored AS (
        INSERT INTO current_votes AS stored
               (campaign_id, workspace_id, identifier, score, roles, comment, first_cast_at, changed_at)
        SELECT campaign_id, workspace_id, identifier, score, roles, comment, first_recorded_at, recorded_at
          FROM in_key_order
         WHERE is_last
            ON CONFLICT (campaign_id, workspace_id, identifier) DO UPDATE
           SET score = excluded.score, roles = excluded.roles, comment = excluded.comment,
               changed_at = excluded.changed_at,
               replaced_score = stored.score, replaced_roles = stored.roles, replaced_at = excluded.first_cast_at
        RETURNING campaign_id, workspace_id, replaced_score, replaced_roles, replaced_at
    ),
    -- The moves of the header.
    -- Each move carries its event's transaction (none for a vote current_votes held, whose event in
    -- this batch makes a move of its own), for the workspace's first results (batch_firsts).
    moves AS (
        SELECT campaign_id, workspace_id, roles, (recorded_at AT TIME ZONE 'UTC')::date AS day, score, 1 AS change,
               at_transaction
          FROM in_key_order
        UNION ALL
        SELECT campaign_id, workspace_id, earlier_roles, (recorded_at AT TIME ZONE 'UTC')::date, earlier_score, -1,
               at_transaction
          FROM in_key_order WHERE earlier_score IS NOT NULL
        UNION ALL
        SELECT campaign_id, workspace_id, replaced_roles, (replaced_at AT TIME ZONE 'UTC')::date, replaced_score, -1,
               NULL::xid8
          FROM stored WHERE replaced_score IS NOT NULL
        UNION ALL
        SELECT campaign_id, workspace_id, roles, (recorded_at AT TIME ZONE 'UTC')::date, score, 1, at_transaction
          FROM batch_events WHERE is_vote AND schema_version >= 4
        UNION ALL
        -- A "replaces" without a score or roles raises on the counts' keys, which may not be null.
        SELECT campaign_id, workspace_id, replaces->'roles', (recorded_at AT TIME ZONE 'UTC')::date,
               (replaces->>'score')::smallint, -1, at_transaction
          FROM batch_events WHERE is_vote AND schema_version >= 4 AND replaces IS NOT NULL
    ),
    -- The moves summed once, at the finest grain any count below needs; each count sums these sums.
    -- A workspace holding many votes in a batch (a replay's large batch; an upload brings a
    -- workspace's votes together) has few groups: a shard's half of ten million events over 100,000
    -- workspaces is 5.5 million moves in 1.1 million sums, and the five counts no longer each read
    -- (nor PostgreSQL keep) every move. Where most moves are groups of their own (a million events
    -- dealt round-robin over 100,000 workspaces: 500,550 moves, 417,116 sums), this pass is extra
    -- work, 3-25 % slower (docs/benchmarks.md, "replay").
    sums AS (
        SELECT campaign_id, workspace_id, roles, day, score, sum(change)::integer AS change,
               min(at_transaction) AS first_transaction
          FROM moves GROUP BY campaign_id, workspace_id, roles, day, score
    ),
    batch_groups AS (
        SELECT campaign_id, workspace_id, roles, sum(change) AS votes,
               coalesce(sum(change) FILTER (WHERE score >= 9), 0) AS promoters,
               coalesce(sum(change) FILTER (WHERE score <= 6), 0) AS detractors
          FROM sums GROUP BY campaign_id, workspace_id, roles
    ),
    -- Each touched workspace's role sets in this batch, and the group rows it held before (none,
    -- one and its roles, or more): a look-up per workspace, not per group.
    batch_workspaces AS (
        SELECT touched.campaign_id, touched.workspace_id, touched.sets, held.row_count, held.only_roles
          FROM (SELECT campaign_id, workspace_id, count(*) AS sets FROM batch_groups GROUP BY 1, 2) AS touched
         CROSS JOIN LATERAL (
               SELECT count(*) AS row_count, (array_agg(g.roles))[1] AS only_roles
                 FROM (SELECT roles FROM voter_groups
                        WHERE campaign_id = touched.campaign_id AND workspace_id = touched.workspace_id
                        LIMIT 2) AS g) AS held
    ),
    -- A group has siblings once its workspace holds another group row (0101): another group in
    -- this batch, or one folded before. A row is never deleted but by a purge, so the flag only
    -- turns on, whatever the batches.
    group_counts AS (
        INSERT INTO voter_groups AS counted
               (campaign_id, workspace_id, roles, votes, promoters, detractors, has_siblings)
        SELECT b.campaign_id, b.workspace_id, b.roles, b.votes, b.promoters, b.detractors,
               w.sets > 1 OR w.row_count > 1 OR (w.row_count = 1 AND w.only_roles <> b.roles)
          FROM batch_groups b
          JOIN batch_workspaces w ON w.campaign_id = b.campaign_id AND w.workspace_id = b.workspace_id
            ON CONFLICT (campaign_id, workspace_id, roles) DO UPDATE
           SET votes = counted.votes + excluded.votes, promoters = counted.promoters + excluded.promoters,
               detractors = counted.detractors + excluded.detractors,
               has_siblings = counted.has_siblings OR excluded.has_siblings
    ),
    -- A workspace's one group folded before gains a sibling when this batch brings others and
    -- leaves that one alone (a group this batch touched was set by the upsert above; a statement
    -- cannot change a row twice).
    lone_groups_joined AS (
        UPDATE voter_groups g
           SET has_siblings = true
          FROM batch_workspaces w
         WHERE w.row_count = 1 AND g.campaign_id = w.campaign_id AND g.workspace_id = w.workspace_id
           AND g.roles = w.only_roles AND NOT g.has_siblings
           AND NOT EXISTS (SELECT FROM batch_groups b
                            WHERE b.campaign_id = w.campaign_id AND b.workspace_id = w.workspace_id
                              AND b.roles = w.only_roles)
    ),
    campaign_counts AS (
        INSERT INTO campaign_scores AS counted (campaign_id, shard, score, votes)
        SELECT campaign_id, p_shard, score, sum(change) FROM sums GROUP BY campaign_id, score
            ON CONFLICT (campaign_id, shard, score) DO UPDATE SET votes = counted.votes + excluded.votes
    ),
    -- Each role set's moves summed before its roles are taken apart: a few role sets, not a
    -- set-returning call per move.
    role_counts AS (
        INSERT INTO campaign_role_scores AS counted (campaign_id, role, shard, score, votes)
        SELECT role_sets.campaign_id, role, p_shard, role_sets.score, sum(role_sets.change)
          FROM (SELECT campaign_id, roles, score, sum(change) AS change FROM sums GROUP BY 1, 2, 3) AS role_sets,
               jsonb_array_elements_text(role_sets.roles) AS role
         GROUP BY role_sets.campaign_id, role, role_sets.score
            ON CONFLICT (campaign_id, role, shard, score) DO UPDATE SET votes = counted.votes + excluded.votes
    ),
    -- The totals this shard's workspaces reported holding (an upload's ResultsReceived).
    reported AS (
        SELECT campaign_id, workspace_id, max(total) AS total, min(at_transaction) AS first_transaction
          FROM batch_events WHERE NOT is_vote
         GROUP BY 1, 2
    ),
    -- Each workspace this batch touched: how its voters and their categories moved, and what it
    -- reported.
    workspace_changes AS (
        SELECT coalesce(voted.campaign_id, reported.campaign_id) AS campaign_id,
               coalesce(voted.workspace_id, reported.workspace_id) AS workspace_id,
               coalesce(voted.voters, 0) AS voters, coalesce(voted.promoters, 0) AS promoters,
               coalesce(voted.detractors, 0) AS detractors, reported.total
          FROM (SELECT campaign_id, workspace_id, sum(change) AS voters,
                       coalesce(sum(change) FILTER (WHERE score >= 9), 0) AS promoters,
                       coalesce(sum(change) FILTER (WHERE score <= 6), 0) AS detractors
                  FROM sums GROUP BY 1, 2) AS voted
          FULL JOIN reported ON reported.campaign_id = voted.campaign_id
                            AND reported.workspace_id = voted.workspace_id
    ),
    -- Each touched workspace's upsert returns it as it was before this batch and as it leaves it:
    -- one row per workspace, which no other shard writes. (Probing the table for the before
    -- instead cost a lookup per workspace; joining such a probe to this RETURNING, PostgreSQL,
    -- which can estimate neither, re-ran the probe once per workspace: 13 s for a batch touching
    -- 10,000.)
    workspace_moves AS (
        INSERT INTO workspace_tallies AS kept
               (campaign_id, workspace_id, voters, promoters, detractors, reported_total, voters_before,
                reported_total_before)
        SELECT campaign_id, workspace_id, voters, promoters, detractors, total, 0, NULL FROM workspace_changes
            ON CONFLICT (campaign_id, workspace_id) DO UPDATE
           SET voters = kept.voters + excluded.voters, promoters = kept.promoters + excluded.promoters,
               detractors = kept.detractors + excluded.detractors,
               reported_total = greatest(kept.reported_total, excluded.reported_total),
               voters_before = kept.voters, reported_total_before = kept.reported_total
        RETURNING campaign_id, workspace_id, voters_before, voters AS voters_after,
                  reported_total_before AS total_before, reported_total AS total_after,
                  promoters AS promoters_after, detractors AS detractors_after
    ),
    -- The profile each touched workspace's votes count under in its campaign (docs/segments.md),
    -- fixed at its first results for the campaign: the last verified WorkspaceProfileChanged of the
    -- workspace in a transaction before theirs. (A results upload appends no profile, so no profile
    -- shares its transaction; the transaction alone orders them, a hash aggregate rather than a
    -- sort of the batch.) Every event up to the batch's end has committed (event_batch_end), so a
    -- replay finds the same one. Read from the sums and the reports rather than every event: a
    -- replay's batch holds millions of events of a hundred thousand workspaces.
    batch_firsts AS (
        SELECT campaign_id, workspace_id, min(first_transaction) AS at_transaction
          FROM (SELECT campaign_id, workspace_id, first_transaction FROM sums
                UNION ALL
                SELECT campaign_id, workspace_id, first_transaction FROM reported) AS firsts
         GROUP BY campaign_id, workspace_id
    ),
    attributed AS (
        INSERT INTO campaign_workspace_profiles
               (campaign_id, workspace_id, version, major_version, deployment, edition, size_band, industry,
                org_size, country, language)
        SELECT f.campaign_id, f.workspace_id, s.version, s.major_version, s.deployment, s.edition, s.size_band,
               s.industry, s.org_size, s.country, s.language
          FROM batch_firsts f
          LEFT JOIN LATERAL (SELECT p.payload FROM event_log p
                              WHERE p.stream_id = 'profile/' || f.workspace_id
                                AND p.event_type = 'WorkspaceProfileChanged'
                                AND (p.payload->>'verified')::boolean
                                AND p.transaction_id < f.at_transaction
                              ORDER BY p.transaction_id DESC, p.position DESC LIMIT 1) AS last ON true
          LEFT JOIN LATERAL profile_segments(last.payload) AS s ON true
         WHERE NOT EXISTS (SELECT FROM campaign_workspace_profiles kept
                            WHERE kept.campaign_id = f.campaign_id AND kept.workspace_id = f.workspace_id)
        RETURNING *
    ),
    -- Materialized: joined to a RETURNING, whose rows PostgreSQL cannot estimate, an inlined look-up
    -- would run again for every workspace (see workspace_moves).
    attribution AS MATERIALIZED (
        SELECT * FROM attributed
        UNION ALL
        SELECT kept.* FROM campaign_workspace_profiles kept
          JOIN batch_firsts f ON f.campaign_id = kept.campaign_id AND f.workspace_id = kept.workspace_id
    ),
    -- Each touched workspace leaves its segments' row of its voters before this batch and joins the
    -- row of its voters after; a workspace of no voters is in none.
    segment_moves AS (
        SELECT m.campaign_id, d.dimension, d.value, side.voters, side.sign,
               side.promoters, side.detractors
          FROM workspace_moves m
          JOIN workspace_changes c ON c.campaign_id = m.campaign_id AND c.workspace_id = m.workspace_id
          JOIN attribution a ON a.campaign_id = m.campaign_id AND a.workspace_id = m.workspace_id
         CROSS JOIN LATERAL (VALUES (m.voters_before, -1, m.promoters_after - c.promoters,
                                     m.detractors_after - c.detractors),
                                    (m.voters_after, 1, m.promoters_after, m.detractors_after))
               AS side(voters, sign, promoters, detractors)
         CROSS JOIN LATERAL segment_values(a.version, a.major_version, a.deployment, a.edition, a.size_band,
                                           a.industry, a.org_size, a.country, a.language) AS d
         WHERE side.voters > 0 AND (m.voters_before <> m.voters_after OR c.promoters <> 0 OR c.detractors <> 0)
    ),
    segment_counts AS (
        INSERT INTO segment_tallies AS counted
               (campaign_id, dimension, value, voters, shard, workspaces, promoters, detractors, net_squares,
                net_times_votes)
        SELECT campaign_id, dimension, value, voters, p_shard, sum(sign), sum(sign * promoters),
               sum(sign * detractors), sum(sign * (promoters - detractors) * (promoters - detractors)),
               sum(sign * (promoters - detractors) * voters)
          FROM segment_moves
         GROUP BY campaign_id, dimension, value, voters
            ON CONFLICT (campaign_id, dimension, voters, value, shard) DO UPDATE
           SET workspaces = counted.workspaces + excluded.workspaces,
               promoters = counted.promoters + excluded.promoters,
               detractors = counted.detractors + excluded.detractors,
               net_squares = counted.net_squares + excluded.net_squares,
               net_times_votes = counted.net_times_votes + excluded.net_times_votes
    ),
    -- The funnel's counts move by what changed in each workspace; every campaign whose voter
    -- groups this batch may have moved counts one more batch.
    voting_counts AS (
        INSERT INTO campaign_voting AS counted
               (campaign_id, shard, voting_workspaces, reported_voters, reported_total)
        SELECT campaign_id, p_shard,
               sum((voters_after > 0)::int - (voters_before > 0)::int),
               sum(CASE WHEN total_after > 0 THEN voters_after ELSE 0 END
                   - CASE WHEN total_before > 0 THEN voters_before ELSE 0 END),
               sum(CASE WHEN total_after > 0 THEN total_after ELSE 0 END
                   - CASE WHEN total_before > 0 THEN total_before ELSE 0 END)
          FROM workspace_moves
         GROUP BY campaign_id
            ON CONFLICT (campaign_id, shard) DO UPDATE
           SET voting_workspaces = counted.voting_workspaces + excluded.voting_workspaces,
               reported_voters = counted.reported_voters + excluded.reported_voters,
               reported_total = counted.reported_total + excluded.reported_total,
               batches = counted.batches + 1
    )
    INSERT INTO campaign_daily_scores AS counted (campaign_id, day, shard, score, change)
    SELECT campaign_id, day, p_shard, score, sum(change) FROM sums GROUP BY campaign_id, day, score
        ON CONFLICT (campaign_id, day, shard, score) DO UPDATE SET change = counted.change + excluded.change;

    -- A segment row no workspace holds any more (its workspaces moved on to more voters) goes, so the
    -- rows do not depend on which voter counts the batches passed through.
    DELETE FROM segment_tallies WHERE shard = p_shard AND workspaces = 0;
$$;

--
-- Name: project_workspaces(xid8, bigint, xid8, bigint); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.project_workspaces(p_after_transaction xid8, p_after_position bigint, p_through_transaction xid8, p_through_position bigint) RETURNS void
    LANGUAGE plpgsql
    SET jit TO 'off'
    AS $$
BEGIN
    INSERT INTO workspaces AS known (workspace_id, registered_at)
    SELECT e.payload->>'workspaceID', min(e.recorded_at)
      FROM event_log e
     WHERE (e.transaction_id, e.position) > (p_after_transaction, p_after_position)
       AND (e.transaction_id, e.position) <= (p_through_transaction, p_through_position)
       AND e.event_type = 'WorkspaceRegistered'
     GROUP BY 1
        ON CONFLICT (workspace_id) DO UPDATE
       SET registered_at = least(known.registered_at, excluded.registered_at);

    -- A StatisticsReported carries the whole document, a WorkspaceProfileChanged
    -- the profile: each column reads whichever the event has.
    INSERT INTO workspaces AS known
           (workspace_id, statistics_reported_at, statistics_verified, version,
            deployment_method, deployment_platform, total_users, active_users)
    SELECT DISTINCT ON (e.payload->>'workspaceID')
           e.payload->>'workspaceID', e.recorded_at, (e.payload->>'verified')::boolean,
           coalesce(e.payload->'profile'->>'version', e.payload->'document'->>'version'),
           coalesce(e.payload->'profile'->>'deploymentMethod', e.payload->'document'->'deploy'->>'method'),
           coalesce(e.payload->'profile'->>'deploymentPlatform', e.payload->'document'->'deploy'->>'platform'),
           jsonb_count(coalesce(e.payload->'profile'->'totalUsers', e.payload->'document'->'totalUsers')),
           jsonb_count(coalesce(e.payload->'profile'->'activeUsers', e.payload->'document'->'activeUsers'))
      FROM event_log e
      LEFT JOIN workspaces registered ON registered.workspace_id = e.payload->>'workspaceID'
     WHERE (e.transaction_id, e.position) > (p_after_transaction, p_after_position)
       AND (e.transaction_id, e.position) <= (p_through_transaction, p_through_position)
       AND e.event_type IN ('StatisticsReported', 'WorkspaceProfileChanged')
       AND ((e.payload->>'verified')::boolean OR registered.registered_at IS NULL
            OR registered.registered_at > e.recorded_at)
     ORDER BY e.payload->>'workspaceID', e.transaction_id DESC, e.position DESC
        ON CONFLICT (workspace_id) DO UPDATE
       SET statistics_reported_at = excluded.statistics_reported_at,
           statistics_verified = excluded.statistics_verified,
           version = excluded.version,
           deployment_method = excluded.deployment_method,
           deployment_platform = excluded.deployment_platform,
           total_users = excluded.total_users,
           active_users = excluded.active_users;

    INSERT INTO workspaces AS known (workspace_id, nps_enabled, setting_changed_at)
    SELECT DISTINCT ON (e.payload->>'workspaceID')
           e.payload->>'workspaceID', (e.payload->>'enabled')::boolean, e.recorded_at
      FROM event_log e
     WHERE (e.transaction_id, e.position) > (p_after_transaction, p_after_position)
       AND (e.transaction_id, e.position) <= (p_through_transaction, p_through_position)
       AND e.event_type = 'SettingToggled'
     ORDER BY e.payload->>'workspaceID', e.transaction_id DESC, e.position DESC
        ON CONFLICT (workspace_id) DO UPDATE
       SET nps_enabled = excluded.nps_enabled, setting_changed_at = excluded.setting_changed_at;
END
$$;

--
-- Name: purge_workspace(text, text, uuid, jsonb); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.purge_workspace(p_workspace_id text, p_requested_by text, p_tombstone_id uuid, p_metadata jsonb) RETURNS TABLE(purged_events bigint, tombstone_position bigint)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
DECLARE
    v_purged bigint;
BEGIN
    PERFORM pg_advisory_xact_lock(5, hashtext(p_workspace_id));

    INSERT INTO event_log_purges (workspace_id, requested_by, tombstone_id)
    VALUES (p_workspace_id, p_requested_by, p_tombstone_id);

    WITH purged AS (
        DELETE FROM event_log e
         WHERE event_workspace_id(e.stream_id, e.payload) = p_workspace_id AND e.event_type <> 'WorkspacePurged'
        RETURNING e.stream_id
    ), emptied AS (
        DELETE FROM stream_heads h
         WHERE h.stream_id IN (SELECT stream_id FROM purged)
           AND NOT EXISTS (SELECT FROM event_log e
                            WHERE e.stream_id = h.stream_id AND e.event_type = 'WorkspacePurged')
    )
    SELECT count(*) INTO v_purged FROM purged;

    DELETE FROM vote_keys k WHERE k.workspace_id = p_workspace_id;
    DELETE FROM quarantine q WHERE q.workspace_id = p_workspace_id;
    DELETE FROM landing_contacts c WHERE c.workspace_id = p_workspace_id;
    DELETE FROM statistics_documents d WHERE d.workspace_id = p_workspace_id;
    UPDATE api_tokens t SET revoked_at = now() WHERE t.workspace_id = p_workspace_id AND t.revoked_at IS NULL;

    RETURN QUERY
    SELECT v_purged, appended.log_position
      FROM append_events(
               'workspace/' || p_workspace_id, NULL, ARRAY[p_tombstone_id], ARRAY['WorkspacePurged'],
               ARRAY[1::smallint],
               ARRAY[jsonb_build_object('workspaceID', p_workspace_id, 'purgedEvents', v_purged,
                                        'requestedBy', p_requested_by)],
               ARRAY[p_metadata]) AS appended;
END
$$;

--
-- Name: event_log; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.event_log (
    "position" bigint NOT NULL,
    transaction_id xid8 DEFAULT pg_current_xact_id() NOT NULL,
    event_id uuid NOT NULL,
    stream_id text NOT NULL,
    stream_version bigint NOT NULL,
    event_type text NOT NULL,
    schema_version smallint NOT NULL,
    payload jsonb NOT NULL,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    recorded_at timestamp with time zone DEFAULT public.event_recording_time() NOT NULL,
    CONSTRAINT event_log_schema_version_check CHECK ((schema_version >= 1)),
    CONSTRAINT event_log_stream_version_check CHECK ((stream_version >= 1))
);

--
-- Name: read_events(xid8, bigint, integer); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.read_events(p_after_transaction xid8, p_after_position bigint, p_limit integer) RETURNS SETOF public.event_log
    LANGUAGE sql STABLE
    AS $$
    SELECT *
      FROM event_log e
     WHERE (e.transaction_id, e.position) > (p_after_transaction, p_after_position)
       AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
     ORDER BY e.transaction_id, e.position
     LIMIT p_limit
$$;

--
-- Name: record_votes(text, text, text, text[], uuid[], uuid[], jsonb[], jsonb, smallint, uuid); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.record_votes(p_stream_id text, p_campaign_id text, p_workspace_id text, p_identifiers text[], p_fingerprints uuid[], p_event_ids uuid[], p_payloads jsonb[], p_metadata jsonb, p_schema_version smallint, p_receipt_id uuid) RETURNS TABLE(item bigint, is_repeat boolean)
    LANGUAGE plpgsql
    AS $$
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

--
-- Name: replay_copy_indexes(text, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.replay_copy_indexes(p_table text, p_schema text) RETURNS void
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_source regclass := format('public.%I', p_table)::regclass;
    v_item record;
BEGIN
    -- pg_get_indexdef names the table schema-qualified ("... ON public.t USING ..."); the copy's is p_schema.
    FOR v_item IN
        SELECT pg_get_indexdef(i.indexrelid) AS definition
          FROM pg_index i
          JOIN pg_class index_class ON index_class.oid = i.indexrelid
         WHERE i.indrelid = v_source
           AND NOT EXISTS (SELECT FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = v_source)
           AND NOT EXISTS (SELECT FROM pg_indexes copied
                            WHERE copied.schemaname = p_schema AND copied.tablename = p_table
                              AND copied.indexname = index_class.relname)
         ORDER BY i.indexrelid
    LOOP
        EXECUTE regexp_replace(v_item.definition, ' ON public\.', format(' ON %I.', p_schema));
    END LOOP;
END
$$;

--
-- Name: replay_copy_table(text, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.replay_copy_table(p_table text, p_schema text) RETURNS void
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_source regclass := format('public.%I', p_table)::regclass;
    v_options text;
    v_item record;
BEGIN
    SELECT coalesce(' WITH (' || array_to_string(c.reloptions, ', ') || ')', '') INTO v_options
      FROM pg_class c WHERE c.oid = v_source;
    EXECUTE format(
        'CREATE TABLE %I.%I (LIKE public.%I INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING GENERATED '
        'INCLUDING IDENTITY INCLUDING STORAGE)%s',
        p_schema, p_table, p_table, v_options);

    FOR v_item IN
        SELECT c.conname, pg_get_constraintdef(c.oid) AS definition
          FROM pg_constraint c
         WHERE c.conrelid = v_source AND c.contype IN ('p', 'u', 'x')
         ORDER BY c.conname
    LOOP
        EXECUTE format('ALTER TABLE %I.%I ADD CONSTRAINT %I %s', p_schema, p_table, v_item.conname, v_item.definition);
    END LOOP;

    FOR v_item IN
        SELECT acl.privilege_type, CASE acl.grantee WHEN 0 THEN 'PUBLIC' ELSE quote_ident(r.rolname) END AS grantee
          FROM pg_class c
         CROSS JOIN LATERAL aclexplode(c.relacl) AS acl
          LEFT JOIN pg_roles r ON r.oid = acl.grantee
         WHERE c.oid = v_source AND acl.grantee <> c.relowner
    LOOP
        EXECUTE format('GRANT %s ON TABLE %I.%I TO %s', v_item.privilege_type, p_schema, p_table, v_item.grantee);
    END LOOP;
END
$$;

--
-- Name: replay_swap(text, text[]); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.replay_swap(p_schema text, p_tables text[]) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'public', 'pg_catalog'
    AS $$
DECLARE
    v_retired text := p_schema || '_retired';
    v_table text;
    v_index integer;
    v_view_names text[];
    v_view_definitions text[];
BEGIN
    SELECT coalesce(array_agg(dependent.name ORDER BY dependent.oid), '{}'),
           coalesce(array_agg(dependent.definition ORDER BY dependent.oid), '{}')
      INTO v_view_names, v_view_definitions
      FROM (SELECT DISTINCT v.oid, v.relname::text AS name, rtrim(pg_get_viewdef(v.oid), ';') AS definition
              FROM pg_depend d
              JOIN pg_rewrite rw ON rw.oid = d.objid
              JOIN pg_class v ON v.oid = rw.ev_class
             WHERE d.classid = 'pg_rewrite'::regclass
               AND d.refclassid = 'pg_class'::regclass
               AND d.refobjid IN (SELECT format('public.%I', t)::regclass FROM unnest(p_tables) AS t)
               AND v.relkind = 'v'
               AND v.relnamespace = 'public'::regnamespace) AS dependent;

    EXECUTE format('CREATE SCHEMA %I', v_retired);
    FOREACH v_table IN ARRAY p_tables LOOP
        EXECUTE format('ALTER TABLE public.%I SET SCHEMA %I', v_table, v_retired);
        EXECUTE format('ALTER TABLE %I.%I SET SCHEMA public', p_schema, v_table);
    END LOOP;

    FOR v_index IN 1 .. cardinality(v_view_names) LOOP
        EXECUTE format('CREATE OR REPLACE VIEW public.%I AS %s', v_view_names[v_index], v_view_definitions[v_index]);
    END LOOP;

    FOREACH v_table IN ARRAY p_tables LOOP
        EXECUTE format('DROP TABLE %I.%I', v_retired, v_table);
    END LOOP;
    EXECUTE format('DROP SCHEMA %I', v_retired);

    EXECUTE format(
        'INSERT INTO public.projections AS live (name, version, transaction_id, position, events_applied)
         SELECT name, version, transaction_id, position, events_applied FROM %I.projections
             ON CONFLICT (name) DO UPDATE
            SET version = excluded.version, transaction_id = excluded.transaction_id,
                position = excluded.position, events_applied = excluded.events_applied,
                halted_position = NULL, halted_event_id = NULL, halted_error = NULL, halted_at = NULL,
                updated_at = now()', p_schema);
    EXECUTE format('DROP TABLE %I.projections', p_schema);
    EXECUTE format('DROP SCHEMA %I', p_schema);
END
$$;

--
-- Name: segment_values(text, text, text, text, text, text, text, text, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.segment_values(p_version text, p_major_version text, p_deployment text, p_edition text, p_size_band text, p_industry text, p_org_size text, p_country text, p_language text) RETURNS TABLE(dimension text, value text)
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    VALUES ('version', coalesce(p_version, '')), ('major', coalesce(p_major_version, '')),
           ('deployment', coalesce(p_deployment, '')), ('edition', coalesce(p_edition, '')),
           ('size', coalesce(p_size_band, '')), ('industry', coalesce(p_industry, '')),
           ('orgSize', coalesce(p_org_size, '')), ('country', coalesce(p_country, '')),
           ('language', coalesce(p_language, ''))
$$;

--
-- Name: sorted_role_set(jsonb); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.sorted_role_set(p_roles jsonb) RETURNS jsonb
    LANGUAGE sql IMMUTABLE
    AS $$
    SELECT coalesce(jsonb_agg(role ORDER BY role COLLATE "C"), '[]'::jsonb)
      FROM (SELECT DISTINCT jsonb_array_elements_text(p_roles) AS role) AS roles
$$;

--
-- Name: vote_cast_roles_v2(jsonb); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.vote_cast_roles_v2(p_roles jsonb) RETURNS jsonb
    LANGUAGE sql IMMUTABLE
    AS $$
    SELECT CASE
        WHEN jsonb_typeof(p_roles) <> 'array' OR jsonb_array_length(p_roles) < 2 THEN p_roles
        WHEN jsonb_array_length(p_roles) > 2 THEN sorted_role_set(p_roles)
        WHEN p_roles->>0 = p_roles->>1 THEN p_roles - 1
        -- The first role moved to the end. (jsonb_insert, not jsonb_build_array: that one is only
        -- STABLE, and the planner inlines no IMMUTABLE function that calls it.)
        WHEN (p_roles->>0) COLLATE "C" > (p_roles->>1) COLLATE "C" THEN jsonb_insert(p_roles - 0, '{-1}', p_roles->0, true)
        ELSE p_roles
    END
$$;

--
-- Name: workspace_is_published(bigint, text, bigint, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.workspace_is_published(p_voters bigint, p_workspace_id text, p_published_from bigint, p_complement text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT p_voters >= p_published_from AND p_workspace_id IS DISTINCT FROM p_complement
$$;

--
-- Name: workspace_pool(text, bigint, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.workspace_pool(p_campaign_id text, p_published_from bigint, p_complement text) RETURNS SETOF text
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$
    SELECT workspace_id FROM workspace_tallies
     WHERE campaign_id = p_campaign_id AND voters BETWEEN 1 AND p_published_from - 1
    UNION ALL
    SELECT p_complement WHERE p_complement IS NOT NULL
$$;

--
-- Name: api_tokens; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.api_tokens (
    id uuid NOT NULL,
    token_hash bytea NOT NULL,
    scope text NOT NULL,
    workspace_id text,
    label text DEFAULT ''::text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    revoked_at timestamp with time zone,
    CONSTRAINT api_tokens_check CHECK (((scope = 'workspace'::text) = (workspace_id IS NOT NULL))),
    CONSTRAINT api_tokens_scope_check CHECK ((scope = ANY (ARRAY['workspace'::text, 'analyst'::text, 'admin'::text]))),
    CONSTRAINT api_tokens_token_hash_check CHECK ((octet_length(token_hash) = 32))
);

--
-- Name: campaign_daily_scores; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.campaign_daily_scores (
    campaign_id text NOT NULL,
    day date NOT NULL,
    shard smallint NOT NULL,
    score smallint NOT NULL,
    change bigint NOT NULL,
    CONSTRAINT campaign_daily_scores_score_check CHECK (((score >= 0) AND (score <= 10)))
);

--
-- Name: campaigns; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.campaigns (
    campaign_id text NOT NULL,
    start_at timestamp with time zone NOT NULL,
    expire_at timestamp with time zone NOT NULL,
    roles text[] NOT NULL,
    announced_at timestamp with time zone NOT NULL,
    closed_at timestamp with time zone
);

--
-- Name: setting_changes; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.setting_changes (
    workspace_id text NOT NULL,
    "position" bigint NOT NULL,
    changed_at timestamp with time zone NOT NULL,
    enabled boolean NOT NULL,
    source text NOT NULL
);

--
-- Name: voter_groups; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.voter_groups (
    campaign_id text NOT NULL,
    workspace_id text NOT NULL,
    roles jsonb NOT NULL,
    votes bigint NOT NULL,
    promoters bigint NOT NULL,
    detractors bigint NOT NULL,
    has_siblings boolean DEFAULT false NOT NULL
)
WITH (fillfactor='70');

--
-- Name: workspace_campaigns; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.workspace_campaigns (
    campaign_id text NOT NULL,
    workspace_id text NOT NULL,
    notified_at timestamp with time zone,
    shown_at timestamp with time zone,
    reported_total bigint,
    uploads bigint DEFAULT 0 NOT NULL,
    items_received bigint DEFAULT 0 NOT NULL,
    items_quarantined bigint DEFAULT 0 NOT NULL,
    opted_out_before_start boolean DEFAULT false NOT NULL,
    opted_out_during boolean DEFAULT false NOT NULL
);

--
-- Name: campaign_funnel; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.campaign_funnel AS
 SELECT c.campaign_id,
    count(wc.workspace_id) FILTER (WHERE (wc.notified_at IS NOT NULL)) AS notified,
    count(wc.workspace_id) FILTER (WHERE (wc.shown_at IS NOT NULL)) AS shown,
    ( SELECT count(*) AS count
           FROM ( SELECT
                   FROM public.voter_groups g
                  WHERE (g.campaign_id = c.campaign_id)
                  GROUP BY g.workspace_id
                 HAVING (sum(g.votes) > (0)::numeric)) holding) AS voted,
    count(wc.workspace_id) FILTER (WHERE ((wc.notified_at IS NOT NULL) AND (at_start.enabled = false) AND (at_start.changed_at >= wc.notified_at))) AS opted_out_before_start,
    count(wc.workspace_id) FILTER (WHERE (during.workspace_id IS NOT NULL)) AS opted_out_during,
    count(wc.workspace_id) AS announced,
    (sum(COALESCE(voted.voters, (0)::numeric)) FILTER (WHERE (wc.reported_total > 0)))::bigint AS reported_voters,
    (sum(wc.reported_total) FILTER (WHERE (wc.reported_total > 0)))::bigint AS reported_total
   FROM ((((public.campaigns c
     LEFT JOIN public.workspace_campaigns wc ON ((wc.campaign_id = c.campaign_id)))
     LEFT JOIN ( SELECT voter_groups.campaign_id,
            voter_groups.workspace_id,
            sum(voter_groups.votes) AS voters
           FROM public.voter_groups
          GROUP BY voter_groups.campaign_id, voter_groups.workspace_id
         HAVING (sum(voter_groups.votes) > (0)::numeric)) voted ON (((voted.campaign_id = wc.campaign_id) AND (voted.workspace_id = wc.workspace_id))))
     LEFT JOIN ( SELECT DISTINCT ON (sc.campaign_id, s.workspace_id) sc.campaign_id,
            s.workspace_id,
            s.enabled,
            s.changed_at
           FROM (public.campaigns sc
             JOIN public.setting_changes s ON ((s.changed_at < sc.start_at)))
          ORDER BY sc.campaign_id, s.workspace_id, s."position" DESC) at_start ON (((at_start.campaign_id = wc.campaign_id) AND (at_start.workspace_id = wc.workspace_id))))
     LEFT JOIN ( SELECT DISTINCT sc.campaign_id,
            s.workspace_id
           FROM (public.campaigns sc
             JOIN public.setting_changes s ON (((NOT s.enabled) AND (s.changed_at >= sc.start_at) AND (s.changed_at < LEAST(sc.expire_at, sc.closed_at)))))) during ON (((during.campaign_id = wc.campaign_id) AND (during.workspace_id = wc.workspace_id))))
  GROUP BY c.campaign_id;

--
-- Name: campaign_reach; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.campaign_reach (
    campaign_id text NOT NULL,
    announced bigint NOT NULL,
    notified bigint NOT NULL,
    shown bigint NOT NULL,
    opted_out_before_start bigint DEFAULT 0 NOT NULL,
    opted_out_during bigint DEFAULT 0 NOT NULL
);

--
-- Name: campaign_role_scores; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.campaign_role_scores (
    campaign_id text NOT NULL,
    role text NOT NULL,
    shard smallint NOT NULL,
    score smallint NOT NULL,
    votes bigint NOT NULL,
    CONSTRAINT campaign_role_scores_score_check CHECK (((score >= 0) AND (score <= 10)))
);

--
-- Name: campaign_scores; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.campaign_scores (
    campaign_id text NOT NULL,
    shard smallint NOT NULL,
    score smallint NOT NULL,
    votes bigint NOT NULL,
    CONSTRAINT campaign_scores_score_check CHECK (((score >= 0) AND (score <= 10)))
);

--
-- Name: campaign_voting; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.campaign_voting (
    campaign_id text NOT NULL,
    shard smallint NOT NULL,
    voting_workspaces bigint NOT NULL,
    reported_voters bigint NOT NULL,
    reported_total bigint NOT NULL,
    batches bigint DEFAULT 1 NOT NULL
);

--
-- Name: campaign_workspace_profiles; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.campaign_workspace_profiles (
    campaign_id text NOT NULL,
    workspace_id text NOT NULL,
    version text,
    major_version text,
    deployment text,
    edition text,
    size_band text,
    industry text,
    org_size text,
    country text,
    language text
);

--
-- Name: current_votes; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.current_votes (
    campaign_id text NOT NULL,
    workspace_id text NOT NULL,
    identifier text NOT NULL,
    score smallint NOT NULL,
    roles jsonb NOT NULL,
    comment text,
    first_cast_at timestamp with time zone NOT NULL,
    changed_at timestamp with time zone NOT NULL,
    replaced_score smallint,
    replaced_roles jsonb,
    replaced_at timestamp with time zone,
    CONSTRAINT current_votes_score_check CHECK (((score >= 0) AND (score <= 10)))
)
WITH (fillfactor='90');

--
-- Name: dashboard_sessions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.dashboard_sessions (
    session_hash bytea NOT NULL,
    token_id uuid NOT NULL,
    created_at timestamp with time zone NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    revoked_at timestamp with time zone,
    CONSTRAINT dashboard_sessions_session_hash_check CHECK ((octet_length(session_hash) = 32))
);

--
-- Name: event_log_position_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.event_log ALTER COLUMN "position" ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.event_log_position_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: event_log_purges; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.event_log_purges (
    transaction_id xid8 DEFAULT pg_current_xact_id() NOT NULL,
    workspace_id text NOT NULL,
    requested_by text NOT NULL,
    tombstone_id uuid NOT NULL,
    purged_at timestamp with time zone DEFAULT now() NOT NULL
);

--
-- Name: landing_contacts; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.landing_contacts (
    campaign_id text NOT NULL,
    workspace_id text NOT NULL,
    identifier text NOT NULL,
    first_name text,
    last_name text,
    email text,
    consented_at timestamp with time zone DEFAULT now() NOT NULL
);

--
-- Name: landing_page_key; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.landing_page_key (
    id boolean DEFAULT true NOT NULL,
    key bytea NOT NULL,
    CONSTRAINT landing_page_key_id_check CHECK (id)
);

--
-- Name: projections; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.projections (
    name text NOT NULL,
    version integer NOT NULL,
    transaction_id xid8 DEFAULT '0'::xid8 NOT NULL,
    "position" bigint DEFAULT 0 NOT NULL,
    events_applied bigint DEFAULT 0 NOT NULL,
    halted_position bigint,
    halted_event_id uuid,
    halted_error text,
    halted_at timestamp with time zone,
    owner text,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    rebuilds bigint DEFAULT 0 NOT NULL,
    CONSTRAINT projections_version_check CHECK ((version >= 1))
);

--
-- Name: vote_keys; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.vote_keys (
    campaign_id text NOT NULL,
    workspace_id text NOT NULL,
    identifier text NOT NULL,
    fingerprint uuid NOT NULL,
    event_id uuid NOT NULL
);

--
-- Name: listed_votes; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.listed_votes AS
 SELECT k.campaign_id,
    k.workspace_id,
    k.identifier,
    e.score,
    e.roles,
    e.comment,
    e.changed_at
   FROM (public.vote_keys k
     CROSS JOIN LATERAL ( SELECT ((e_1.payload ->> 'score'::text))::smallint AS score,
                CASE
                    WHEN (e_1.schema_version = 1) THEN public.vote_cast_roles_v2((e_1.payload -> 'roles'::text))
                    ELSE (e_1.payload -> 'roles'::text)
                END AS roles,
            (e_1.payload ->> 'comment'::text) AS comment,
            e_1.recorded_at AS changed_at
           FROM public.event_log e_1
          WHERE ((e_1.event_id = k.event_id) AND ((e_1.transaction_id, e_1."position") <= ( SELECT p.transaction_id,
                    p."position"
                   FROM public.projections p
                  WHERE (p.name ~~ 'votes/%'::text)
                  ORDER BY p.transaction_id, p."position"
                 LIMIT 1)))
         OFFSET 0) e);

--
-- Name: quarantine; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.quarantine (
    id bigint NOT NULL,
    received_at timestamp with time zone DEFAULT now() NOT NULL,
    request_id text NOT NULL,
    workspace_id text,
    campaign_id text,
    item_index integer,
    raw bytea NOT NULL,
    reason text NOT NULL,
    fingerprint uuid NOT NULL,
    status text DEFAULT 'held'::text NOT NULL,
    resolved_at timestamp with time zone,
    CONSTRAINT quarantine_status_check CHECK ((status = ANY (ARRAY['held'::text, 'replayed'::text, 'discarded'::text])))
);

--
-- Name: quarantine_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.quarantine ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.quarantine_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: schema_migrations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.schema_migrations (
    version integer NOT NULL,
    name text NOT NULL,
    checksum text NOT NULL,
    applied_at timestamp with time zone DEFAULT now() NOT NULL
);

--
-- Name: schema_repeatables; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.schema_repeatables (
    name text NOT NULL,
    checksum text NOT NULL,
    applied_at timestamp with time zone DEFAULT now() NOT NULL
);

--
-- Name: segment_tallies; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.segment_tallies (
    campaign_id text NOT NULL,
    dimension text NOT NULL,
    value text NOT NULL,
    voters bigint NOT NULL,
    shard integer NOT NULL,
    workspaces bigint NOT NULL,
    promoters bigint NOT NULL,
    detractors bigint NOT NULL,
    net_squares bigint NOT NULL,
    net_times_votes bigint NOT NULL
);

--
-- Name: statistics_documents; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.statistics_documents (
    workspace_id text NOT NULL,
    report_id uuid NOT NULL,
    verified boolean NOT NULL,
    received_at timestamp with time zone NOT NULL,
    document jsonb NOT NULL
);

--
-- Name: stream_heads; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.stream_heads (
    stream_id text NOT NULL,
    version bigint NOT NULL,
    last_position bigint NOT NULL,
    CONSTRAINT stream_heads_version_check CHECK ((version >= 1))
);

--
-- Name: workspace_tallies; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.workspace_tallies (
    campaign_id text NOT NULL,
    workspace_id text NOT NULL,
    reported_total bigint,
    voters bigint DEFAULT 0 NOT NULL,
    promoters bigint DEFAULT 0 NOT NULL,
    detractors bigint DEFAULT 0 NOT NULL,
    voters_before bigint DEFAULT 0 NOT NULL,
    reported_total_before bigint
);

--
-- Name: workspaces; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.workspaces (
    workspace_id text NOT NULL,
    registered_at timestamp with time zone,
    statistics_reported_at timestamp with time zone,
    statistics_verified boolean,
    version text,
    deployment_method text,
    deployment_platform text,
    total_users bigint,
    active_users bigint,
    nps_enabled boolean,
    setting_changed_at timestamp with time zone
);

--
-- Name: workspace_campaign_figures; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.workspace_campaign_figures AS
 SELECT wc.campaign_id,
    wc.workspace_id,
    COALESCE(t.voters, (0)::bigint) AS voters,
    w.active_users,
    wc.reported_total,
    ((COALESCE(t.voters, (0)::bigint))::double precision / (NULLIF(w.active_users, 0))::double precision) AS response_rate,
    ((COALESCE(t.voters, (0)::bigint))::double precision / (NULLIF(wc.reported_total, 0))::double precision) AS delivery_completeness,
    wc.notified_at,
    wc.shown_at,
    wc.uploads,
    wc.items_received,
    wc.items_quarantined,
    COALESCE(t.promoters, (0)::bigint) AS promoters,
    COALESCE(((t.voters - t.promoters) - t.detractors), (0)::bigint) AS passives,
    COALESCE(t.detractors, (0)::bigint) AS detractors
   FROM ((public.workspace_campaigns wc
     LEFT JOIN public.workspaces w ON ((w.workspace_id = wc.workspace_id)))
     LEFT JOIN public.workspace_tallies t ON (((t.campaign_id = wc.campaign_id) AND (t.workspace_id = wc.workspace_id))));

--
-- Name: api_tokens api_tokens_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.api_tokens
    ADD CONSTRAINT api_tokens_pkey PRIMARY KEY (id);

--
-- Name: api_tokens api_tokens_token_hash_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.api_tokens
    ADD CONSTRAINT api_tokens_token_hash_key UNIQUE (token_hash);

--
-- Name: campaign_daily_scores campaign_daily_scores_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.campaign_daily_scores
    ADD CONSTRAINT campaign_daily_scores_pkey PRIMARY KEY (campaign_id, day, shard, score);

--
-- Name: campaign_reach campaign_reach_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.campaign_reach
    ADD CONSTRAINT campaign_reach_pkey PRIMARY KEY (campaign_id);

--
-- Name: campaign_role_scores campaign_role_scores_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.campaign_role_scores
    ADD CONSTRAINT campaign_role_scores_pkey PRIMARY KEY (campaign_id, role, shard, score);

--
-- Name: campaign_scores campaign_scores_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.campaign_scores
    ADD CONSTRAINT campaign_scores_pkey PRIMARY KEY (campaign_id, shard, score);

--
-- Name: campaign_voting campaign_voting_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.campaign_voting
    ADD CONSTRAINT campaign_voting_pkey PRIMARY KEY (campaign_id, shard);

--
-- Name: campaign_workspace_profiles campaign_workspace_profiles_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.campaign_workspace_profiles
    ADD CONSTRAINT campaign_workspace_profiles_pkey PRIMARY KEY (campaign_id, workspace_id);

--
-- Name: campaigns campaigns_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.campaigns
    ADD CONSTRAINT campaigns_pkey PRIMARY KEY (campaign_id);

--
-- Name: current_votes current_votes_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.current_votes
    ADD CONSTRAINT current_votes_pkey PRIMARY KEY (campaign_id, workspace_id, identifier);

--
-- Name: dashboard_sessions dashboard_sessions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.dashboard_sessions
    ADD CONSTRAINT dashboard_sessions_pkey PRIMARY KEY (session_hash);

--
-- Name: event_log event_log_event_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.event_log
    ADD CONSTRAINT event_log_event_id_key UNIQUE (event_id);

--
-- Name: event_log event_log_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.event_log
    ADD CONSTRAINT event_log_pkey PRIMARY KEY ("position");

--
-- Name: event_log_purges event_log_purges_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.event_log_purges
    ADD CONSTRAINT event_log_purges_pkey PRIMARY KEY (transaction_id);

--
-- Name: landing_contacts landing_contacts_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.landing_contacts
    ADD CONSTRAINT landing_contacts_pkey PRIMARY KEY (campaign_id, workspace_id, identifier);

--
-- Name: landing_page_key landing_page_key_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.landing_page_key
    ADD CONSTRAINT landing_page_key_pkey PRIMARY KEY (id);

--
-- Name: projections projections_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.projections
    ADD CONSTRAINT projections_pkey PRIMARY KEY (name);

--
-- Name: quarantine quarantine_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.quarantine
    ADD CONSTRAINT quarantine_pkey PRIMARY KEY (id);

--
-- Name: schema_migrations schema_migrations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.schema_migrations
    ADD CONSTRAINT schema_migrations_pkey PRIMARY KEY (version);

--
-- Name: schema_repeatables schema_repeatables_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.schema_repeatables
    ADD CONSTRAINT schema_repeatables_pkey PRIMARY KEY (name);

--
-- Name: segment_tallies segment_tallies_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.segment_tallies
    ADD CONSTRAINT segment_tallies_pkey PRIMARY KEY (campaign_id, dimension, voters, value, shard);

--
-- Name: setting_changes setting_changes_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.setting_changes
    ADD CONSTRAINT setting_changes_pkey PRIMARY KEY (workspace_id, "position");

--
-- Name: statistics_documents statistics_documents_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.statistics_documents
    ADD CONSTRAINT statistics_documents_pkey PRIMARY KEY (workspace_id, report_id);

--
-- Name: stream_heads stream_heads_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.stream_heads
    ADD CONSTRAINT stream_heads_pkey PRIMARY KEY (stream_id);

--
-- Name: vote_keys vote_keys_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.vote_keys
    ADD CONSTRAINT vote_keys_pkey PRIMARY KEY (campaign_id, workspace_id, identifier);

--
-- Name: voter_groups voter_groups_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.voter_groups
    ADD CONSTRAINT voter_groups_pkey PRIMARY KEY (campaign_id, workspace_id, roles);

--
-- Name: workspace_campaigns workspace_campaigns_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.workspace_campaigns
    ADD CONSTRAINT workspace_campaigns_pkey PRIMARY KEY (campaign_id, workspace_id);

--
-- Name: workspace_tallies workspace_tallies_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.workspace_tallies
    ADD CONSTRAINT workspace_tallies_pkey PRIMARY KEY (campaign_id, workspace_id);

--
-- Name: workspaces workspaces_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.workspaces
    ADD CONSTRAINT workspaces_pkey PRIMARY KEY (workspace_id);

--
-- Name: api_tokens_workspace; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX api_tokens_workspace ON public.api_tokens USING btree (workspace_id) WHERE (workspace_id IS NOT NULL);

--
-- Name: event_log_read_order; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX event_log_read_order ON public.event_log USING btree (transaction_id, "position");

--
-- Name: event_log_stream; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX event_log_stream ON public.event_log USING btree (stream_id);

--
-- Name: quarantine_held; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX quarantine_held ON public.quarantine USING btree (received_at) WHERE (status = 'held'::text);

--
-- Name: quarantine_once; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX quarantine_once ON public.quarantine USING btree (workspace_id, campaign_id, fingerprint) NULLS NOT DISTINCT;

--
-- Name: segment_tallies_empty; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX segment_tallies_empty ON public.segment_tallies USING btree (shard) WHERE (workspaces = 0);

--
-- Name: statistics_documents_received_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX statistics_documents_received_at ON public.statistics_documents USING btree (received_at);

--
-- Name: voter_groups_with_siblings; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX voter_groups_with_siblings ON public.voter_groups USING btree (campaign_id, roles) WHERE has_siblings;

--
-- Name: workspace_campaigns_workspace; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX workspace_campaigns_workspace ON public.workspace_campaigns USING btree (workspace_id);

--
-- Name: workspace_tallies_by_nps; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX workspace_tallies_by_nps ON public.workspace_tallies USING btree (campaign_id, ((((100 * (promoters - detractors)))::double precision / (NULLIF(voters, 0))::double precision)), workspace_id COLLATE "C");

--
-- Name: workspace_tallies_by_nps_desc; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX workspace_tallies_by_nps_desc ON public.workspace_tallies USING btree (campaign_id, ((((100 * (promoters - detractors)))::double precision / (NULLIF(voters, 0))::double precision)) DESC, workspace_id COLLATE "C");

--
-- Name: workspace_tallies_by_voters; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX workspace_tallies_by_voters ON public.workspace_tallies USING btree (campaign_id, voters, workspace_id COLLATE "C");

--
-- Name: workspace_tallies_by_voters_desc; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX workspace_tallies_by_voters_desc ON public.workspace_tallies USING btree (campaign_id, voters DESC, workspace_id COLLATE "C");

--
-- Name: api_tokens api_tokens_notify_change; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER api_tokens_notify_change AFTER DELETE OR UPDATE OR TRUNCATE ON public.api_tokens FOR EACH STATEMENT EXECUTE FUNCTION public.notify_change('tokens');

--
-- Name: event_log event_log_no_truncate; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER event_log_no_truncate BEFORE TRUNCATE ON public.event_log FOR EACH STATEMENT EXECUTE FUNCTION public.event_log_refuse_change();

--
-- Name: event_log event_log_no_update_or_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER event_log_no_update_or_delete BEFORE DELETE OR UPDATE ON public.event_log FOR EACH STATEMENT EXECUTE FUNCTION public.event_log_refuse_change();

--
-- Name: event_log event_log_notify_campaign_change; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER event_log_notify_campaign_change AFTER INSERT ON public.event_log FOR EACH ROW WHEN ((new.stream_id = 'campaigns'::text)) EXECUTE FUNCTION public.notify_change('campaigns');

--
-- Name: event_log event_log_purge_only_its_workspace; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER event_log_purge_only_its_workspace BEFORE DELETE ON public.event_log FOR EACH ROW EXECUTE FUNCTION public.event_log_purge_scope();

--
-- Name: event_log_purges event_log_purges_no_truncate; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER event_log_purges_no_truncate BEFORE TRUNCATE ON public.event_log_purges FOR EACH STATEMENT EXECUTE FUNCTION public.event_log_refuse_change();

--
-- Name: event_log_purges event_log_purges_no_update_or_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER event_log_purges_no_update_or_delete BEFORE DELETE OR UPDATE ON public.event_log_purges FOR EACH STATEMENT EXECUTE FUNCTION public.event_log_refuse_change();

--
-- Name: event_log_purges event_log_purges_notify_change; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER event_log_purges_notify_change AFTER INSERT ON public.event_log_purges FOR EACH STATEMENT EXECUTE FUNCTION public.notify_change('read_models');

--
-- Name: event_log event_log_stream_heads; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER event_log_stream_heads AFTER INSERT ON public.event_log REFERENCING NEW TABLE AS appended FOR EACH STATEMENT EXECUTE FUNCTION public.event_log_stream_heads();

--
-- Name: projections projections_notify_change; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER projections_notify_change AFTER INSERT OR DELETE OR UPDATE OR TRUNCATE ON public.projections FOR EACH STATEMENT EXECUTE FUNCTION public.notify_change('read_models');

--
-- Name: dashboard_sessions dashboard_sessions_token_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.dashboard_sessions
    ADD CONSTRAINT dashboard_sessions_token_id_fkey FOREIGN KEY (token_id) REFERENCES public.api_tokens(id);

--
-- Name: FUNCTION append_events(p_stream_id text, p_expected_version bigint, p_event_ids uuid[], p_event_types text[], p_schema_versions smallint[], p_payloads jsonb[], p_metadata jsonb[], p_report boolean); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.append_events(p_stream_id text, p_expected_version bigint, p_event_ids uuid[], p_event_types text[], p_schema_versions smallint[], p_payloads jsonb[], p_metadata jsonb[], p_report boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION public.append_events(p_stream_id text, p_expected_version bigint, p_event_ids uuid[], p_event_types text[], p_schema_versions smallint[], p_payloads jsonb[], p_metadata jsonb[], p_report boolean) TO nps_app;

--
-- Name: FUNCTION begin_workspace_ingest(p_workspace_id text, p_recorded_at text); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.begin_workspace_ingest(p_workspace_id text, p_recorded_at text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.begin_workspace_ingest(p_workspace_id text, p_recorded_at text) TO nps_app;

--
-- Name: FUNCTION event_batch_end(p_after_transaction xid8, p_after_position bigint, p_limit integer); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.event_batch_end(p_after_transaction xid8, p_after_position bigint, p_limit integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.event_batch_end(p_after_transaction xid8, p_after_position bigint, p_limit integer) TO nps_app;

--
-- Name: FUNCTION event_log_lag(p_after_transaction xid8, p_after_position bigint); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.event_log_lag(p_after_transaction xid8, p_after_position bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION public.event_log_lag(p_after_transaction xid8, p_after_position bigint) TO nps_app;

--
-- Name: FUNCTION event_log_purge_scope(); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.event_log_purge_scope() FROM PUBLIC;

--
-- Name: FUNCTION event_log_refuse_change(); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.event_log_refuse_change() FROM PUBLIC;

--
-- Name: FUNCTION event_log_stream_heads(); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.event_log_stream_heads() FROM PUBLIC;

--
-- Name: FUNCTION event_recording_time(); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.event_recording_time() FROM PUBLIC;
GRANT ALL ON FUNCTION public.event_recording_time() TO nps_app;

--
-- Name: FUNCTION event_workspace_id(p_stream_id text, p_payload jsonb); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.event_workspace_id(p_stream_id text, p_payload jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION public.event_workspace_id(p_stream_id text, p_payload jsonb) TO nps_app;

--
-- Name: FUNCTION jsonb_count(p_value jsonb); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.jsonb_count(p_value jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION public.jsonb_count(p_value jsonb) TO nps_app;

--
-- Name: FUNCTION notify_change(); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.notify_change() FROM PUBLIC;

--
-- Name: FUNCTION profile_segments(p_payload jsonb); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.profile_segments(p_payload jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION public.profile_segments(p_payload jsonb) TO nps_app;

--
-- Name: FUNCTION project_campaigns(p_after_transaction xid8, p_after_position bigint, p_through_transaction xid8, p_through_position bigint); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.project_campaigns(p_after_transaction xid8, p_after_position bigint, p_through_transaction xid8, p_through_position bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION public.project_campaigns(p_after_transaction xid8, p_after_position bigint, p_through_transaction xid8, p_through_position bigint) TO nps_app;

--
-- Name: FUNCTION project_votes(p_shard integer, p_shards integer, p_after_transaction xid8, p_after_position bigint, p_through_transaction xid8, p_through_position bigint); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.project_votes(p_shard integer, p_shards integer, p_after_transaction xid8, p_after_position bigint, p_through_transaction xid8, p_through_position bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION public.project_votes(p_shard integer, p_shards integer, p_after_transaction xid8, p_after_position bigint, p_through_transaction xid8, p_through_position bigint) TO nps_app;

--
-- Name: FUNCTION project_workspaces(p_after_transaction xid8, p_after_position bigint, p_through_transaction xid8, p_through_position bigint); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.project_workspaces(p_after_transaction xid8, p_after_position bigint, p_through_transaction xid8, p_through_position bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION public.project_workspaces(p_after_transaction xid8, p_after_position bigint, p_through_transaction xid8, p_through_position bigint) TO nps_app;

--
-- Name: FUNCTION purge_workspace(p_workspace_id text, p_requested_by text, p_tombstone_id uuid, p_metadata jsonb); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.purge_workspace(p_workspace_id text, p_requested_by text, p_tombstone_id uuid, p_metadata jsonb) FROM PUBLIC;

--
-- Name: TABLE event_log; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT ON TABLE public.event_log TO nps_app;

--
-- Name: FUNCTION read_events(p_after_transaction xid8, p_after_position bigint, p_limit integer); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.read_events(p_after_transaction xid8, p_after_position bigint, p_limit integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.read_events(p_after_transaction xid8, p_after_position bigint, p_limit integer) TO nps_app;

--
-- Name: FUNCTION record_votes(p_stream_id text, p_campaign_id text, p_workspace_id text, p_identifiers text[], p_fingerprints uuid[], p_event_ids uuid[], p_payloads jsonb[], p_metadata jsonb, p_schema_version smallint, p_receipt_id uuid); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.record_votes(p_stream_id text, p_campaign_id text, p_workspace_id text, p_identifiers text[], p_fingerprints uuid[], p_event_ids uuid[], p_payloads jsonb[], p_metadata jsonb, p_schema_version smallint, p_receipt_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION public.record_votes(p_stream_id text, p_campaign_id text, p_workspace_id text, p_identifiers text[], p_fingerprints uuid[], p_event_ids uuid[], p_payloads jsonb[], p_metadata jsonb, p_schema_version smallint, p_receipt_id uuid) TO nps_app;

--
-- Name: FUNCTION replay_copy_indexes(p_table text, p_schema text); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.replay_copy_indexes(p_table text, p_schema text) FROM PUBLIC;

--
-- Name: FUNCTION replay_copy_table(p_table text, p_schema text); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.replay_copy_table(p_table text, p_schema text) FROM PUBLIC;

--
-- Name: FUNCTION replay_swap(p_schema text, p_tables text[]); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.replay_swap(p_schema text, p_tables text[]) FROM PUBLIC;

--
-- Name: FUNCTION segment_values(p_version text, p_major_version text, p_deployment text, p_edition text, p_size_band text, p_industry text, p_org_size text, p_country text, p_language text); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.segment_values(p_version text, p_major_version text, p_deployment text, p_edition text, p_size_band text, p_industry text, p_org_size text, p_country text, p_language text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.segment_values(p_version text, p_major_version text, p_deployment text, p_edition text, p_size_band text, p_industry text, p_org_size text, p_country text, p_language text) TO nps_app;

--
-- Name: FUNCTION sorted_role_set(p_roles jsonb); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.sorted_role_set(p_roles jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION public.sorted_role_set(p_roles jsonb) TO nps_app;

--
-- Name: FUNCTION vote_cast_roles_v2(p_roles jsonb); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.vote_cast_roles_v2(p_roles jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION public.vote_cast_roles_v2(p_roles jsonb) TO nps_app;

--
-- Name: FUNCTION workspace_is_published(p_voters bigint, p_workspace_id text, p_published_from bigint, p_complement text); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.workspace_is_published(p_voters bigint, p_workspace_id text, p_published_from bigint, p_complement text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.workspace_is_published(p_voters bigint, p_workspace_id text, p_published_from bigint, p_complement text) TO nps_app;

--
-- Name: FUNCTION workspace_pool(p_campaign_id text, p_published_from bigint, p_complement text); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.workspace_pool(p_campaign_id text, p_published_from bigint, p_complement text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.workspace_pool(p_campaign_id text, p_published_from bigint, p_complement text) TO nps_app;

--
-- Name: TABLE api_tokens; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT ON TABLE public.api_tokens TO nps_app;

--
-- Name: COLUMN api_tokens.revoked_at; Type: ACL; Schema: public; Owner: -
--

GRANT UPDATE(revoked_at) ON TABLE public.api_tokens TO nps_app;

--
-- Name: TABLE campaign_daily_scores; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,TRUNCATE,UPDATE ON TABLE public.campaign_daily_scores TO nps_app;

--
-- Name: TABLE campaigns; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,TRUNCATE,UPDATE ON TABLE public.campaigns TO nps_app;

--
-- Name: TABLE setting_changes; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,TRUNCATE,UPDATE ON TABLE public.setting_changes TO nps_app;

--
-- Name: TABLE voter_groups; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,TRUNCATE,UPDATE ON TABLE public.voter_groups TO nps_app;

--
-- Name: TABLE workspace_campaigns; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,TRUNCATE,UPDATE ON TABLE public.workspace_campaigns TO nps_app;

--
-- Name: TABLE campaign_funnel; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.campaign_funnel TO nps_app;

--
-- Name: TABLE campaign_reach; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,TRUNCATE,UPDATE ON TABLE public.campaign_reach TO nps_app;

--
-- Name: TABLE campaign_role_scores; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,TRUNCATE,UPDATE ON TABLE public.campaign_role_scores TO nps_app;

--
-- Name: TABLE campaign_scores; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,TRUNCATE,UPDATE ON TABLE public.campaign_scores TO nps_app;

--
-- Name: TABLE campaign_voting; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,TRUNCATE,UPDATE ON TABLE public.campaign_voting TO nps_app;

--
-- Name: TABLE campaign_workspace_profiles; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,TRUNCATE,UPDATE ON TABLE public.campaign_workspace_profiles TO nps_app;

--
-- Name: TABLE current_votes; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,TRUNCATE,UPDATE ON TABLE public.current_votes TO nps_app;

--
-- Name: TABLE dashboard_sessions; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT ON TABLE public.dashboard_sessions TO nps_app;

--
-- Name: COLUMN dashboard_sessions.revoked_at; Type: ACL; Schema: public; Owner: -
--

GRANT UPDATE(revoked_at) ON TABLE public.dashboard_sessions TO nps_app;

--
-- Name: TABLE event_log_purges; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.event_log_purges TO nps_app;

--
-- Name: TABLE landing_contacts; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,UPDATE ON TABLE public.landing_contacts TO nps_app;

--
-- Name: TABLE landing_page_key; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.landing_page_key TO nps_app;

--
-- Name: TABLE projections; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,UPDATE ON TABLE public.projections TO nps_app;

--
-- Name: TABLE vote_keys; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,UPDATE ON TABLE public.vote_keys TO nps_app;

--
-- Name: TABLE listed_votes; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.listed_votes TO nps_app;

--
-- Name: TABLE quarantine; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT ON TABLE public.quarantine TO nps_app;

--
-- Name: COLUMN quarantine.status; Type: ACL; Schema: public; Owner: -
--

GRANT UPDATE(status) ON TABLE public.quarantine TO nps_app;

--
-- Name: COLUMN quarantine.resolved_at; Type: ACL; Schema: public; Owner: -
--

GRANT UPDATE(resolved_at) ON TABLE public.quarantine TO nps_app;

--
-- Name: TABLE schema_migrations; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.schema_migrations TO nps_app;

--
-- Name: TABLE schema_repeatables; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.schema_repeatables TO nps_app;

--
-- Name: TABLE segment_tallies; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,TRUNCATE,UPDATE ON TABLE public.segment_tallies TO nps_app;

--
-- Name: TABLE statistics_documents; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE ON TABLE public.statistics_documents TO nps_app;

--
-- Name: TABLE stream_heads; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.stream_heads TO nps_app;

--
-- Name: TABLE workspace_tallies; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,TRUNCATE,UPDATE ON TABLE public.workspace_tallies TO nps_app;

--
-- Name: TABLE workspaces; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,TRUNCATE,UPDATE ON TABLE public.workspaces TO nps_app;

--
-- Name: TABLE workspace_campaign_figures; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.workspace_campaign_figures TO nps_app;

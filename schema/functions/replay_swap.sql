-- replay_swap: the last step of a replay (nps-collector replay), in the
-- caller's transaction: the rebuilt tables of schema p_schema take the place
-- of the live ones in public, the rebuild's checkpoints become the live
-- projections' checkpoints, and the old tables and the schema are dropped.
-- Readers see the old tables or the new ones, never a mix: the caller locks
-- the live tables (ACCESS EXCLUSIVE, in the order the folds write them, so
-- that a live projector's batch finishes first and cannot deadlock with it)
-- before it folds the last events into the rebuild and calls this.
--
-- Tables are moved between schemas, not copied: it takes the time of a few
-- catalog updates whatever their size. Views bind tables by identity, not by
-- name, so every view over a live table is defined again over the new one
-- (CREATE OR REPLACE keeps its grants). Anything else bound to a live table
-- by identity makes the DROP of the old table fail, and the whole swap rolls
-- back: the live tables stay as they were.
--
-- A live projector whose batch read its checkpoint before the swap fails its
-- compare-and-set afterwards, rolls back, and goes on from the new one.
--
-- History: 0041.
CREATE OR REPLACE FUNCTION replay_swap(p_schema text, p_tables text[]) RETURNS void
LANGUAGE plpgsql
-- View definitions are read and written with names as public sees them.
SET search_path = public, pg_catalog
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

-- Privileges: the owner role only (it runs migrations, replays and purges); never the server.
REVOKE ALL ON FUNCTION replay_swap(text, text[]) FROM PUBLIC, nps_app;

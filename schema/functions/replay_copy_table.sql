-- replay_copy_table: the replay tool (nps-collector replay) rebuilds a read
-- model into a schema of its own while the live tables keep answering. This
-- makes there an empty copy of the live table public.<p_table>: the same
-- columns, defaults, NOT NULL and CHECK constraints, primary and unique keys
-- (the folds' ON CONFLICT needs them), storage options (fillfactor) and
-- grants. Its other indexes come just before the swap (replay_copy_indexes):
-- a fold that maintained them row by row took 2.3-2.8 s to upsert 100,000
-- workspace_tallies rows against 0.8-1.0 s without their four, every batch,
-- where building them once over the finished table takes a moment. A fold
-- that looks rows up by such an index (project_campaigns finds a toggling
-- workspace's campaigns by workspace_campaigns_workspace) reads the table
-- once per batch instead while the rebuild runs, and a rebuild's batches
-- take up to NPS_REBUILD_BATCH events (ProjectorConfiguration); not measured. So once
-- swapped into public it is what the migrations made, and the next replay
-- copies it again.
--
-- Runs as the owner role (it creates tables); not granted to the application.
--
-- History: 0040; this file (indexes other than keys left to replay_copy_indexes).
CREATE OR REPLACE FUNCTION replay_copy_table(p_table text, p_schema text) RETURNS void
LANGUAGE plpgsql AS $$
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

-- Privileges: the owner role only (it runs migrations, replays and purges); never the server.
REVOKE ALL ON FUNCTION replay_copy_table(text, text) FROM PUBLIC, nps_app;

-- replay_copy_indexes: the indexes of the live table public.<p_table> that
-- are not keys, made on its rebuilt copy in p_schema under the same names
-- (index names are per schema), once the rebuild has folded the log and
-- just before the swap (see replay_copy_table: maintaining them through
-- every batch cost more than building them once). An index the copy already
-- has, by name, is left alone, so a replay resumed after a crash may call it
-- again.
--
-- Runs as the owner role (it creates indexes); not granted to the application.
--
-- History: this file.
CREATE OR REPLACE FUNCTION replay_copy_indexes(p_table text, p_schema text) RETURNS void
LANGUAGE plpgsql AS $$
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

-- Privileges: the owner role only (it runs migrations, replays and purges); never the server.
REVOKE ALL ON FUNCTION replay_copy_indexes(text, text) FROM PUBLIC, nps_app;

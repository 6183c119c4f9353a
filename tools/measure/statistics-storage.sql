-- Bytes per workspace per year of statistics, before (one StatisticsReported
-- with the whole document per daily report) and after (WorkspaceProfileChanged
-- only when the profile changes; the whole document in statistics_documents
-- for the retention period). docs/benchmarks.md, "Statistics storage", has
-- the figures. Run as the owner role on a migrated scratch database:
--   psql "$MIGRATE_DATABASE_URL" -f tools/measure/statistics-storage.sql
-- The document is synthetic: ~21.6 KB of JSON, 400 members of pseudo-random
-- hex, so TOAST compression is not flattered (real documents compress better).
\set ON_ERROR_STOP on
CREATE TEMP TABLE doc AS
SELECT jsonb_build_object('uniqueId', 'ws-measure', 'version', '7.6.2',
         'deploy', jsonb_build_object('method', 'docker', 'platform', 'selfinstall'),
         'totalUsers', 1234, 'activeUsers', 456)
       || jsonb_object_agg('field' || i, md5(i::text || random()::text) || (random() * 1e6)::bigint::text) AS d
  FROM generate_series(1, 400) AS i;
CREATE TEMP TABLE sizes (what text, bytes bigint);
INSERT INTO sizes SELECT 'log 0', pg_total_relation_size('event_log');
DO $$
DECLARE v_doc jsonb := (SELECT d FROM doc);
BEGIN
  FOR day IN 1..365 LOOP
    PERFORM append_events('statistics/ws-measure-2', NULL, ARRAY[gen_random_uuid()], ARRAY['StatisticsReported'],
       ARRAY[1::smallint],
       ARRAY[jsonb_build_object('workspaceID', 'ws-measure-2', 'verified', true, 'document', v_doc)],
       ARRAY['{"sender":"ws-measure-2","requestID":"r0123456789","sourceVersion":"7.6.2"}'::jsonb]);
  END LOOP;
END $$;
INSERT INTO sizes SELECT 'log 1 (+365 StatisticsReported)', pg_total_relation_size('event_log');
DO $$
BEGIN
  FOR n IN 1..1200 LOOP
    PERFORM append_events('profile/ws-measure-b' || (n % 100), NULL, ARRAY[gen_random_uuid()], ARRAY['WorkspaceProfileChanged'],
       ARRAY[1::smallint],
       ARRAY[jsonb_build_object('workspaceID', 'ws-measure-b' || (n % 100), 'verified', true, 'profile', jsonb_build_object(
          'version', '7.6.' || n, 'deploymentMethod', 'docker', 'deploymentPlatform', 'selfinstall',
          'edition', 'community', 'totalUsers', 1234 + 150 * n, 'activeUsers', 456 + 60 * n, 'seats', 2000,
          'organizationType', 'enterprise', 'industry', 'education', 'orgSize', '1001-4000', 'country', 'brazil',
          'language', 'pt', 'workspaceType', 'workspace'))],
       ARRAY['{"sender":"ws-measure-b","requestID":"r0123456789","sourceVersion":"7.6.2"}'::jsonb]);
  END LOOP;
END $$;
INSERT INTO sizes SELECT 'log 2 (+1200 WorkspaceProfileChanged)', pg_total_relation_size('event_log');
INSERT INTO sizes SELECT 'raw 0', pg_total_relation_size('statistics_documents');
INSERT INTO statistics_documents (report_id, workspace_id, verified, received_at, document)
SELECT gen_random_uuid(), 'ws-measure-2', true, now(), d FROM doc, generate_series(1, 300);
INSERT INTO sizes SELECT 'raw 1 (+300 documents)', pg_total_relation_size('statistics_documents');
SELECT what, bytes, bytes - lag(bytes) OVER (ORDER BY ctid) AS delta FROM sizes;
SELECT octet_length(d::text) AS document_bytes FROM doc;
SELECT event_type, count(*), avg(pg_column_size(payload))::int AS payload_stored FROM event_log
 WHERE stream_id LIKE '%ws-measure%' GROUP BY 1;

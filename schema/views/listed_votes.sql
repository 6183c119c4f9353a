-- listed_votes: the current vote of every key the votes fold has applied,
-- for the vote list, its export and a workspace's own figures: the key from
-- vote_keys (which the ingest moves under the stream's lock), the content
-- from the VoteCast it names (version 1 roles upcast, as the fold does).
--
-- Only votes whose event every votes shard has passed are listed, so that a
-- record is never shown beside counts that do not hold it yet (the privacy
-- rule decides records from those counts). The slowest shard's checkpoint
-- rather than each vote's own shard's: the view then needs no shard
-- arithmetic, and a vote waits at most for the other shard's next batch. A
-- key whose latest change is not applied yet is left out until it is, for
-- as long as the projection lag. (A shard not registered yet, in the first
-- moments of a new database, has no checkpoint to wait for.)
--
-- The fold keeps no row per vote since VoteCast version 4 (project_votes):
-- this view reads the keys the ingest keeps anyway and the log itself.
-- Read in the primary key's order of vote_keys (campaign, workspace,
-- identifier), a probe of the log's event id index per vote.
--
-- Columns may only be added at the end (CREATE OR REPLACE VIEW); anything
-- else needs a numbered migration that drops the view first.
--
-- History: this file (in place of reading current_votes); the log probed through a fenced
-- LATERAL subquery, so that no estimate turns a page into a hash of the log.
CREATE OR REPLACE VIEW listed_votes AS
SELECT k.campaign_id, k.workspace_id, k.identifier, e.score, e.roles, e.comment, e.changed_at
  FROM vote_keys k
 CROSS JOIN LATERAL (
       SELECT (e.payload->>'score')::smallint AS score,
              CASE WHEN e.schema_version = 1 THEN vote_cast_roles_v2(e.payload->'roles')
                   ELSE e.payload->'roles' END AS roles,
              e.payload->>'comment' AS comment,
              e.recorded_at AS changed_at
         FROM event_log e
        WHERE e.event_id = k.event_id
          AND (e.transaction_id, e.position) <= (SELECT p.transaction_id, p.position FROM projections p
                                                  WHERE p.name LIKE 'votes/%'
                                                  ORDER BY p.transaction_id, p.position LIMIT 1)
       -- A fence: the log is probed once per key read, in vote_keys' order. As a join, PostgreSQL
       -- pushed a page's score range into the log's scan, estimated it with the checkpoint's row
       -- comparison at 83 of 50,000 events, hashed the log and sorted every vote of the campaign
       -- for a page of 50 (139-490 ms, JIT-compiled, at 1,000 workspaces; 0.7 ms with the fence).
       OFFSET 0) AS e;

-- Privileges: the application role reads it (the query API).
REVOKE ALL ON TABLE listed_votes FROM PUBLIC, nps_app;
GRANT SELECT ON TABLE listed_votes TO nps_app;

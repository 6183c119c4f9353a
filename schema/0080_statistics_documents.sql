-- Raw statistics documents, outside the append-only log: the log records
-- only what the read models use, when it changes (WorkspaceProfileChanged);
-- the whole document a workspace reports daily (tens of KiB, ~150 fields,
-- growing with every release) is kept here for a retention period
-- (NPS_STATISTICS_RETENTION_DAYS, default 30) for whoever needs to look at
-- one, then deleted by the collector (StatisticsRetention). purge_workspace
-- deletes a workspace's documents with the rest of it.
--
-- report_id is the report's statsToken: name-based on (workspace, _id) when
-- the document has an _id, so a report sent again is one row.
-- The key leads with workspace_id, as every unique key of a distributed
-- table must (docs/scaling.md); it also serves the purge.
CREATE TABLE statistics_documents (
    workspace_id  text NOT NULL,
    report_id     uuid NOT NULL,
    verified      boolean NOT NULL,
    received_at   timestamptz NOT NULL,
    document      jsonb NOT NULL,
    PRIMARY KEY (workspace_id, report_id)
);

CREATE INDEX statistics_documents_received_at ON statistics_documents (received_at);

REVOKE ALL ON TABLE statistics_documents FROM PUBLIC;
GRANT SELECT, INSERT, DELETE ON TABLE statistics_documents TO nps_app;

-- The append-only log: every accepted fact, once.
--
-- position        global order of insertion (not of commit: see read_events)
-- transaction_id  the writing transaction; with position, the gap-safe read order
-- event_id        idempotency key: the same event id twice is one event
-- stream_id, stream_version
--                 the events of one thing, numbered from 1 without gaps
-- schema_version  version of the payload's shape; old versions are upcast on read
--
-- Indexes are few on purpose: each one is paid on every append.
CREATE TABLE event_log (
    position        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    transaction_id  xid8 NOT NULL DEFAULT pg_current_xact_id(),
    event_id        uuid NOT NULL,
    stream_id       text NOT NULL,
    stream_version  bigint NOT NULL CHECK (stream_version >= 1),
    event_type      text NOT NULL,
    schema_version  smallint NOT NULL CHECK (schema_version >= 1),
    payload         jsonb NOT NULL,
    metadata        jsonb NOT NULL DEFAULT '{}',
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT event_log_event_id_key UNIQUE (event_id),
    CONSTRAINT event_log_stream_version_key UNIQUE (stream_id, stream_version)
);

CREATE INDEX event_log_read_order ON event_log (transaction_id, position);

REVOKE ALL ON TABLE event_log FROM PUBLIC;
GRANT SELECT, INSERT ON TABLE event_log TO nps_app;

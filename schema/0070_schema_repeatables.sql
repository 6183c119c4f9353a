-- Which repeatable schema files (schema/functions, schema/views,
-- schema/triggers: the current definition of each function, view and
-- trigger) this database has applied, and the checksum of each as applied.
-- After the numbered migrations, the runner applies every file whose
-- checksum differs from the one recorded here, and records the new one; an
-- unchanged file is never applied again.
--
-- name  the file's path under schema/, e.g. functions/record_votes.sql
CREATE TABLE schema_repeatables (
    name        text PRIMARY KEY,
    checksum    text NOT NULL,
    applied_at  timestamptz NOT NULL DEFAULT now()
);

REVOKE ALL ON TABLE schema_repeatables FROM PUBLIC;
-- The application checks at start-up that the database's definitions are its own.
GRANT SELECT ON TABLE schema_repeatables TO nps_app;

-- Which migrations this database has applied, and the checksum of each file
-- as it was applied: an edited migration is refused by comparing checksums.
CREATE TABLE schema_migrations (
    version     integer PRIMARY KEY,
    name        text NOT NULL,
    checksum    text NOT NULL,
    applied_at  timestamptz NOT NULL DEFAULT now()
);

REVOKE ALL ON TABLE schema_migrations FROM PUBLIC;
-- The application checks at start-up that the database is not newer than itself.
GRANT SELECT ON TABLE schema_migrations TO nps_app;

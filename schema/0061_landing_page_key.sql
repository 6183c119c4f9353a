-- The key the landing page signs its CSRF tokens with (HMAC-SHA256 of the
-- browser's id and the campaign id): one random row made here, so that every
-- collector process behind a load balancer checks the same tokens without a
-- setting to share. 244 random bits from two version 4 UUIDs
-- (gen_random_uuid draws from the server's strong random source).
CREATE TABLE landing_page_key (
    id   boolean PRIMARY KEY DEFAULT true CHECK (id),
    key  bytea NOT NULL
);

INSERT INTO landing_page_key (key) VALUES (uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()));

REVOKE ALL ON TABLE landing_page_key FROM PUBLIC;
GRANT SELECT ON TABLE landing_page_key TO nps_app;

-- Dashboard sign-ins. The browser holds an opaque random session id in an
-- HttpOnly cookie, never the bearer token it signed in with; only the
-- SHA-256 of the id is stored, so a copy of this table opens no session.
-- A session ends at expires_at (on the collector's clock), at sign-out
-- (revoked_at), or when its token is revoked (read through token_id).
CREATE TABLE dashboard_sessions (
    session_hash  bytea PRIMARY KEY CHECK (octet_length(session_hash) = 32),
    token_id      uuid NOT NULL REFERENCES api_tokens (id),
    created_at    timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL,
    revoked_at    timestamptz
);

REVOKE ALL ON TABLE dashboard_sessions FROM PUBLIC;
GRANT SELECT, INSERT ON TABLE dashboard_sessions TO nps_app;
GRANT UPDATE (revoked_at) ON TABLE dashboard_sessions TO nps_app;

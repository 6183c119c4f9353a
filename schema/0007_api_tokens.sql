-- Bearer tokens. Only the SHA-256 of a token is stored; the token itself is
-- shown once, when it is made. A workspace token is bound to one workspace.
CREATE TABLE api_tokens (
    id            uuid PRIMARY KEY,
    token_hash    bytea NOT NULL CHECK (octet_length(token_hash) = 32),
    scope         text NOT NULL CHECK (scope IN ('workspace', 'analyst', 'admin')),
    workspace_id  text CHECK ((scope = 'workspace') = (workspace_id IS NOT NULL)),
    label         text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT now(),
    revoked_at    timestamptz,
    CONSTRAINT api_tokens_token_hash_key UNIQUE (token_hash)
);

CREATE INDEX api_tokens_workspace ON api_tokens (workspace_id) WHERE workspace_id IS NOT NULL;

REVOKE ALL ON TABLE api_tokens FROM PUBLIC;
-- The admin API makes and revokes tokens; nothing else about a token ever changes.
GRANT SELECT, INSERT ON TABLE api_tokens TO nps_app;
GRANT UPDATE (revoked_at) ON TABLE api_tokens TO nps_app;

-- One row per account the integration is installed in. Tokens are sealed (XChaCha20-Poly1305,
-- the account id as associated data), never stored in plain text. Portable SQL: the same file
-- runs on SQLite and PostgreSQL.
CREATE TABLE installations (
    account_id BIGINT PRIMARY KEY,
    base_url TEXT NOT NULL UNIQUE,
    client_uuid TEXT NOT NULL,
    access_token TEXT NOT NULL,
    refresh_token TEXT NOT NULL,
    access_issued_at BIGINT NOT NULL,
    access_expires_at BIGINT NOT NULL,
    -- Raised on every new pair, so that a refresh waits on the one already under way.
    generation BIGINT NOT NULL,
    connected BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- X-Auth-Token ids already used, kept until the token could no longer be accepted.
CREATE TABLE used_jti (
    jti TEXT PRIMARY KEY,
    keep_until BIGINT NOT NULL
);

CREATE INDEX used_jti_keep_until ON used_jti (keep_until);

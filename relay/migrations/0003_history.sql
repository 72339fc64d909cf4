-- Who changed which source, and how: one row per source a forwarded POST, PATCH or DELETE
-- touched, kept for --history-days. Fields are JSON text; no token or secret is ever here.
-- Ids are given by the relay (microseconds since the epoch, times 1024, plus a random part),
-- so that they order by time and the same SQL runs on SQLite and PostgreSQL.
CREATE TABLE history (
    id BIGINT PRIMARY KEY,
    account_id BIGINT NOT NULL,
    at BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    user_name TEXT NOT NULL,
    action TEXT NOT NULL,
    source_id BIGINT,
    external_id TEXT,
    before_fields TEXT,
    after_fields TEXT,
    status BIGINT NOT NULL
);

CREATE INDEX history_account ON history (account_id, id);
CREATE INDEX history_at ON history (at);

-- The last copy of each source the relay saw in an answer it forwarded: what a change's
-- "before" is, without asking Kommo again.
CREATE TABLE seen_sources (
    account_id BIGINT NOT NULL,
    source_id BIGINT NOT NULL,
    external_id TEXT,
    fields TEXT NOT NULL,
    seen_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, source_id)
);

CREATE INDEX seen_sources_seen_at ON seen_sources (seen_at);

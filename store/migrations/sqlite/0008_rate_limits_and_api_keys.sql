-- Rate-limit counters shared by every instance of the portal: one row per limit, subject (a
-- client key, a reference, a phone's keyed hash, an API key's id) and fixed window, counted up
-- by one atomic upsert. Rows whose window is over are swept by the housekeeping task.
CREATE TABLE rate_limit_hits (
    limit_name TEXT NOT NULL,
    subject TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    hits BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (limit_name, subject, window_start)
);
CREATE INDEX rate_limit_hits_by_expiry ON rate_limit_hits (expires_at);

-- API keys of partner systems (the 12345 hotline, 爱山东). The key itself is shown once when it
-- is issued; only its SHA-256 is kept, found by the key's public id (its prefix).
CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    key_hash TEXT NOT NULL,
    submissions_per_hour BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);

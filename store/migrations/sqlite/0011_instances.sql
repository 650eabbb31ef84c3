-- Several instances over one database.

-- The outbox: a dispatcher claims a row for a while (its lease) before sending it, so two
-- instances never send the same message; a claim whose lease ran out (the instance died) can be
-- taken again. A row that cannot be opened or rendered is set aside with its reason instead of
-- blocking the rest.
ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
ALTER TABLE outbox ADD COLUMN lease_until BIGINT;
ALTER TABLE outbox ADD COLUMN quarantined_at BIGINT;

-- The audit chain's head: how many entries there are and the hash of the last one, updated in the
-- same transaction as each entry. Appenders lock this row, so the chain never forks, and
-- `server audit verify` compares the log with it, so entries removed from the end are noticed.
CREATE TABLE audit_head (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    entries BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, entries, hash)
SELECT 1, (SELECT COUNT(*) FROM audit_log),
       COALESCE((SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1), 'genesis');

-- Which data key the sealed columns are sealed with: a value only the right key opens, checked
-- at start, so a wrong PORTAL_DATA_KEY stops the server instead of answering 404s.
CREATE TABLE data_key_check (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    key_id TEXT NOT NULL,
    sealed_check TEXT NOT NULL
);

-- Uploads begun per client (a keyed hash of its address), for the hourly limit that every
-- instance shares. Rows older than an hour are removed by housekeeping.
CREATE TABLE upload_attempts (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    client_index TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX upload_attempts_by_client ON upload_attempts (client_index, at);

-- Files in the file store whose rows are gone (the uploads of drafts never sent), queued in
-- the same transaction that removed the rows; housekeeping deletes them and their entry.
CREATE TABLE file_deletions (
    storage_key TEXT PRIMARY KEY,
    queued_at BIGINT NOT NULL
);

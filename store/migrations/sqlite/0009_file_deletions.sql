-- Files in the file store whose rows are gone (the uploads of drafts never sent), queued in
-- the same transaction that removed the rows; housekeeping deletes them and their entry.
CREATE TABLE file_deletions (
    storage_key TEXT PRIMARY KEY,
    queued_at BIGINT NOT NULL
);

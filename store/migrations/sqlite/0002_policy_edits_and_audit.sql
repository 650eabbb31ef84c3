-- Every saved edit of a handbook policy; the newest version of a slug is the one served.
CREATE TABLE policy_versions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    slug TEXT NOT NULL,
    version BIGINT NOT NULL,
    content TEXT NOT NULL,
    note TEXT NOT NULL,
    edited_by BIGINT NOT NULL REFERENCES staff_users (id),
    edited_at BIGINT NOT NULL,
    UNIQUE (slug, version)
);

-- Append-only: each row carries the hash of the one before, so a changed or deleted row breaks
-- the chain (`server audit verify`).
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at BIGINT NOT NULL,
    actor BIGINT,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

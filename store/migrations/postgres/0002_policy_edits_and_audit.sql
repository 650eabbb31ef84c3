-- Every saved edit of a handbook policy; the newest version of a slug is the one served.
CREATE TABLE policy_versions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
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
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at BIGINT NOT NULL,
    actor BIGINT,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

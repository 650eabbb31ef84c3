-- Photos and scans of documents, uploaded while an application is filled in; linked to the
-- application once it is sent. The file itself is in the file store under storage_key.
CREATE TABLE uploads (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    draft_token_index TEXT NOT NULL,
    application_reference TEXT,
    document TEXT NOT NULL,
    storage_key TEXT NOT NULL UNIQUE,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX uploads_by_draft ON uploads (draft_token_index);
CREATE INDEX uploads_by_application ON uploads (application_reference);

-- Applications being filled in, page by page, so that they work without JS and can be resumed
-- from their link. Found by a keyed hash of the link's token; the contents are sealed.
CREATE TABLE application_drafts (
    token_index TEXT PRIMARY KEY,
    data_sealed TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX application_drafts_by_age ON application_drafts (updated_at);

-- The phones an application can be found by, as keyed hashes (never the number): the
-- applicant's own and, for an application made by a family member, the family member's. Filled
-- when an application is stored; applications stored before this migration are filled in by
-- Store::migrate from their sealed phones.
CREATE TABLE application_phones (
    application_id BIGINT NOT NULL REFERENCES applications (id),
    phone_index TEXT NOT NULL,
    PRIMARY KEY (application_id, phone_index)
);
CREATE INDEX application_phones_by_phone ON application_phones (phone_index);

-- One-time codes sent by SMS to open a phone's applications. Only a keyed hash of the code is
-- kept. `minute` (created_at / 60) is unique per phone, so two racing requests cannot both send
-- a code in the same minute.
CREATE TABLE one_time_codes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    phone_index TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    minute BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    failed_attempts BIGINT NOT NULL DEFAULT 0,
    used_at BIGINT,
    UNIQUE (phone_index, minute)
);
CREATE INDEX one_time_codes_by_phone ON one_time_codes (phone_index, created_at);

-- No schema change for documents uploaded from the tracking page's to-do list: their upload row
-- carries the application_reference and an empty draft_token_index (there is no draft, and no
-- keyed hash is empty), and the document's to-do entry gets the status 'uploaded' (supplied,
-- waiting for the caseworker to check).

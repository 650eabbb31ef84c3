-- The volunteers' offline outreach sync (POST /outreach/sync). Each record a phone sealed and sent
-- is kept once per client id (the phone's UUID v4), with the application it became, the
-- volunteer who sent it (an actor's text form, `volunteer:V-00012`, and the account), the
-- fingerprint of its whole plaintext (application, photos and phone times: a repeat of the same
-- record answers the first receipt, another record under the same id is refused), the phone's
-- times of each consent and of finishing (JSON; kept as the law asks, never used for deadlines)
-- and when the server first stored it. Written in the application's own transaction.
CREATE TABLE outreach_records (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    client_id TEXT NOT NULL UNIQUE,
    application_id BIGINT NOT NULL UNIQUE REFERENCES applications (id),
    sent_by TEXT NOT NULL,
    sent_by_staff_id BIGINT NOT NULL REFERENCES staff_users (id),
    fingerprint TEXT NOT NULL,
    taken_at TEXT NOT NULL,
    photos BIGINT NOT NULL,
    received_at BIGINT NOT NULL
);
CREATE INDEX outreach_records_by_sender ON outreach_records (sent_by_staff_id);

-- A record's photos are cleaned and kept before its application is stored, each recorded as an
-- upload under `draft_token_index` = 'outreach:{client id}:{fingerprint}' (never a keyed hash, so
-- no draft matches it) and its place in the record; the application's transaction links them,
-- as a draft's. The unique pair keeps each photo once when a phone sends the record again after
-- a failure, or twice at once.
ALTER TABLE uploads ADD COLUMN outreach_position BIGINT;
CREATE UNIQUE INDEX uploads_outreach_photos ON uploads (draft_token_index, outreach_position);

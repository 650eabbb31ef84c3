-- Aid applications (POLICY.md §4, §6). Columns ending in _sealed are AES-GCM encrypted with the
-- data key; id_number_index is a keyed hash of the ID number for lookups.
CREATE TABLE applications (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    access_code_hash TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    request_hash TEXT NOT NULL,
    response_sealed TEXT NOT NULL,
    county TEXT NOT NULL,
    applicant_name_sealed TEXT NOT NULL,
    id_number_sealed TEXT NOT NULL,
    id_number_index TEXT NOT NULL,
    phone_sealed TEXT NOT NULL,
    address_sealed TEXT NOT NULL,
    submitted_by TEXT NOT NULL,
    submitted_by_detail_sealed TEXT NOT NULL,
    household_sealed TEXT NOT NULL,
    programmes TEXT NOT NULL,
    emergency_kind TEXT,
    emergency_urgency TEXT,
    advance_due_at BIGINT,
    status TEXT NOT NULL,
    submitted_at BIGINT NOT NULL
);
CREATE INDEX applications_by_county_and_status ON applications (county, status);
CREATE INDEX applications_by_id_number ON applications (id_number_index);
CREATE INDEX applications_by_advance_due ON applications (advance_due_at);

-- One row per consent given: which text version, when, and by whom.
CREATE TABLE application_consents (
    application_id BIGINT NOT NULL REFERENCES applications (id),
    kind TEXT NOT NULL,
    member BIGINT,
    text_version TEXT NOT NULL,
    given_by TEXT NOT NULL,
    given_at BIGINT NOT NULL
);
CREATE INDEX application_consents_by_application ON application_consents (application_id);

-- Documents the applicant could not supply yet (容缺): a to-do until supplied.
CREATE TABLE application_documents (
    application_id BIGINT NOT NULL REFERENCES applications (id),
    document TEXT NOT NULL,
    status TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (application_id, document)
);

-- The case timeline: every state with its time, note and actor.
CREATE TABLE application_events (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES applications (id),
    state TEXT NOT NULL,
    at BIGINT NOT NULL,
    note TEXT NOT NULL,
    actor TEXT NOT NULL
);
CREATE INDEX application_events_by_application ON application_events (application_id);

-- The last reference number given out each year.
CREATE TABLE reference_counters (
    year BIGINT PRIMARY KEY,
    last BIGINT NOT NULL
);

-- Messages to send (SMS), written in the same transaction as what they announce, so none is
-- lost when the provider is down; a dispatcher sends and marks them.
CREATE TABLE outbox (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    channel TEXT NOT NULL,
    recipient_sealed TEXT NOT NULL,
    body_sealed TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    sent_at BIGINT,
    last_error TEXT
);
CREATE INDEX outbox_pending ON outbox (sent_at, next_attempt_at);

-- What the caseworkers' workflow records beyond the state (POLICY.md §4): the deadlines of the
-- case, when help was given and decided (the supervisors' dashboard measures these against the
-- deadlines), messages to the applicant, and referrals.
ALTER TABLE applications ADD COLUMN accepted_at BIGINT;
-- Decide within 20 working days of acceptance, 30 in complex cases.
ALTER TABLE applications ADD COLUMN decision_due_at BIGINT;
ALTER TABLE applications ADD COLUMN complex_case BIGINT NOT NULL DEFAULT 0;
-- The 7-day public notice (公示): no decision to approve before it ends.
ALTER TABLE applications ADD COLUMN notice_ends_at BIGINT;
ALTER TABLE applications ADD COLUMN decided_at BIGINT;
-- Advance assistance (先行救助): when it was given and how much, in fen.
ALTER TABLE applications ADD COLUMN advance_paid_at BIGINT;
ALTER TABLE applications ADD COLUMN advance_paid_fen BIGINT;
CREATE INDEX applications_by_status ON applications (status);

-- The second member of staff on a home visit (入户调查 needs two).
ALTER TABLE application_events ADD COLUMN second_actor TEXT;

-- Messages from the caseworker to the applicant, shown on the tracking page (and announced by SMS).
CREATE TABLE application_messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id BIGINT NOT NULL REFERENCES applications (id),
    at BIGINT NOT NULL,
    author BIGINT NOT NULL REFERENCES staff_users (id),
    body_sealed TEXT NOT NULL
);
CREATE INDEX application_messages_by_application ON application_messages (application_id);

-- Referrals to a named charity or another department (PIPL Art. 23: with the applicant's consent,
-- which is recorded in application_consents as kind 'referral').
CREATE TABLE application_referrals (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id BIGINT NOT NULL REFERENCES applications (id),
    organisation TEXT NOT NULL,
    at BIGINT NOT NULL,
    referred_by BIGINT NOT NULL REFERENCES staff_users (id)
);
CREATE INDEX application_referrals_by_application ON application_referrals (application_id);

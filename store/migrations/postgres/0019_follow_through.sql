-- Follow-through (跟踪转介): who is on duty for emergencies, referrals that come back with an
-- outcome, and the 一事一议 deliberation as a procedure with its meeting record.

-- A member of staff on duty gets emergencies of their county by SMS at once; supervisors get
-- those nobody accepted in time. The phone is sealed like residents' phones.
ALTER TABLE staff_users ADD COLUMN duty_phone_sealed TEXT;
ALTER TABLE staff_users ADD COLUMN on_duty BIGINT NOT NULL DEFAULT 0;

-- When an emergency's alert went out, and when it was raised to the supervisors (once each).
ALTER TABLE applications ADD COLUMN duty_alerted_at BIGINT;
ALTER TABLE applications ADD COLUMN duty_escalated_at BIGINT;
-- The minute's sweep reads only the emergencies still waiting to be accepted.
CREATE INDEX applications_unaccepted_emergencies ON applications (submitted_at)
    WHERE emergency_urgency IS NOT NULL AND status = 'submitted' AND duty_escalated_at IS NULL;

-- A referral names a partner of the directory and waits for its answer by a date; then a
-- reminder, then an escalation to the county's supervisors; the outcome is recorded.
ALTER TABLE application_referrals ADD COLUMN partner_id TEXT;
ALTER TABLE application_referrals ADD COLUMN answer_due_at BIGINT;
ALTER TABLE application_referrals ADD COLUMN reminded_at BIGINT;
ALTER TABLE application_referrals ADD COLUMN escalated_at BIGINT;
-- helped | declined
ALTER TABLE application_referrals ADD COLUMN outcome TEXT;
ALTER TABLE application_referrals ADD COLUMN outcome_sealed TEXT;
ALTER TABLE application_referrals ADD COLUMN outcome_amount_fen BIGINT;
ALTER TABLE application_referrals ADD COLUMN outcome_at BIGINT;
ALTER TABLE application_referrals ADD COLUMN outcome_by BIGINT REFERENCES staff_users (id);
CREATE INDEX application_referrals_waiting ON application_referrals (answer_due_at) WHERE outcome IS NULL;

-- 一事一议: the hardship in the resident's own words, the meeting scheduled and its record.
CREATE TABLE deliberations (
    application_id BIGINT PRIMARY KEY REFERENCES applications (id),
    hardship_sealed TEXT,
    hardship_at BIGINT,
    -- The meeting's day (days since 1970-01-01, Beijing) and the record's deadline.
    meeting_day BIGINT,
    scheduled_at BIGINT,
    scheduled_by BIGINT REFERENCES staff_users (id),
    record_due_at BIGINT,
    -- The record: when it was held, who sat, the minutes, the decision and its reason.
    held_day BIGINT,
    members TEXT,
    minutes_sealed TEXT,
    decision TEXT,
    reason_sealed TEXT,
    recorded_at BIGINT,
    recorded_by BIGINT REFERENCES staff_users (id)
);

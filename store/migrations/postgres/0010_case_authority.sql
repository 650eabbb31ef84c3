-- Advance assistance (先行救助) as insert-only rows: each advance with its amount in fen, who
-- recorded it and when. The case's advance_paid_at (the first advance) and advance_paid_fen (the
-- sum) are kept in the same transaction as each row. Advances recorded before this table are
-- carried over, with the member of staff of their timeline entry where it can be found.
CREATE TABLE advances (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES applications (id),
    amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
    recorded_by BIGINT REFERENCES staff_users (id),
    at BIGINT NOT NULL,
    note TEXT NOT NULL
);
CREATE INDEX advances_by_application ON advances (application_id);
INSERT INTO advances (application_id, amount_fen, recorded_by, at, note)
SELECT a.id, a.advance_paid_fen,
       (SELECT s.id FROM application_events e JOIN staff_users s ON s.username = e.actor
        WHERE e.application_id = a.id AND e.state = 'advance_paid' ORDER BY e.id DESC LIMIT 1),
       a.advance_paid_at, ''
FROM applications a WHERE a.advance_paid_fen IS NOT NULL AND a.advance_paid_fen > 0 AND a.advance_paid_at IS NOT NULL;
CREATE FUNCTION advances_insert_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'advances are insert-only';
END;
$$;
CREATE TRIGGER advances_insert_only BEFORE UPDATE OR DELETE ON advances
FOR EACH ROW EXECUTE FUNCTION advances_insert_only();

-- A keyed hash (HMAC) of the applicant's normalised name, so the caseworkers' queue can be
-- searched by name without opening any sealed column in SQL. Filled when an application is
-- stored; those stored before this migration are filled in by Store::migrate.
ALTER TABLE applications ADD COLUMN name_index TEXT;
CREATE INDEX applications_by_name ON applications (county, name_index);

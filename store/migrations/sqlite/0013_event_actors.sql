-- Who moved each case on its timeline, as the text form of an actor (`staff:12`, `applicant`,
-- `volunteer:DEVICE`, `partner:NAME`, `system:JOB`), beside `actor`, which keeps the name the
-- staff pages show. Steps taken before this column existed are filled in where the row says who:
-- a member of staff by their user name, the applicant; the rest keep it empty (not recorded).
ALTER TABLE application_events ADD COLUMN acted_by TEXT NOT NULL DEFAULT '';
UPDATE application_events SET acted_by = 'applicant' WHERE actor = 'applicant';
UPDATE application_events SET acted_by = COALESCE(
    (SELECT 'staff:' || CAST(s.id AS TEXT) FROM staff_users s WHERE s.username = application_events.actor),
    acted_by)
WHERE acted_by = '';

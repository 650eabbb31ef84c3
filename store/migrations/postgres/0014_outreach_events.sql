-- Outreach events (宣讲, 上门摸排) and the volunteers on them. A volunteer account has the code
-- printed on its badge; a supervisor creates an event in the county, with its place and day and
-- the county's volunteers on it, and the portal gives it the code printed on its poster. An
-- application a volunteer helps with carries both codes, checked against these rows, and keeps
-- them in plain columns (they name the volunteer and the event, not the resident), so a
-- volunteer's workspace can list what they sent without opening anything sealed.
ALTER TABLE staff_users ADD COLUMN volunteer_code TEXT;
UPDATE staff_users SET volunteer_code = 'V-' || lpad(id::text, 5, '0') WHERE role = 'volunteer';
CREATE UNIQUE INDEX staff_users_by_volunteer_code ON staff_users (volunteer_code);

CREATE TABLE outreach_events (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    county TEXT NOT NULL,
    place TEXT NOT NULL,
    held_on TEXT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES staff_users (id),
    created_at BIGINT NOT NULL
);
CREATE INDEX outreach_events_by_county ON outreach_events (county, held_on);

CREATE TABLE outreach_event_volunteers (
    event_id BIGINT NOT NULL REFERENCES outreach_events (id),
    volunteer_id BIGINT NOT NULL REFERENCES staff_users (id),
    PRIMARY KEY (event_id, volunteer_id)
);
CREATE INDEX outreach_event_volunteers_by_volunteer ON outreach_event_volunteers (volunteer_id);

ALTER TABLE applications ADD COLUMN volunteer_code TEXT;
ALTER TABLE applications ADD COLUMN event_code TEXT;
CREATE INDEX applications_by_volunteer ON applications (volunteer_code);

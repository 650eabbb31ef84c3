-- Recipients (在保对象) and their monthly life: an approved case makes its household a recipient
-- of its programme, paid month by month until a person decides otherwise, and re-checked every
-- month against the department data (在保必核).

-- One recipient household per approved case. person_index: the applicant's keyed ID hash (as
-- applications.id_number_index), by which the re-check finds them in the department data.
-- Days are day numbers (days since 1970-01-01, Beijing). state: active | suspended | stopped.
-- renewed_on: the day it was last decided or renewed; records newer than it are the changes.
-- pending_programme, pending_amount_fen: a direct transfer the resident agreed to, applied when
-- the case is approved again (paid as before meanwhile).
CREATE TABLE recipients (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id BIGINT NOT NULL UNIQUE REFERENCES applications (id),
    county TEXT NOT NULL,
    person_index TEXT NOT NULL,
    programme TEXT NOT NULL,
    monthly_amount_fen BIGINT NOT NULL,
    persons BIGINT NOT NULL,
    area TEXT NOT NULL,
    started_on BIGINT NOT NULL,
    renewed_on BIGINT NOT NULL,
    next_review_on BIGINT NOT NULL,
    state TEXT NOT NULL,
    pending_programme TEXT,
    pending_amount_fen BIGINT,
    updated_at BIGINT NOT NULL
);
CREATE INDEX recipients_by_person ON recipients (person_index);
CREATE INDEX recipients_by_county ON recipients (county, state);

-- The payments ledger, insert-only: one row per recipient, month (2026-12) and kind (regular,
-- price_subsidy, advance), with who recorded it.
CREATE TABLE recipient_payments (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    recipient_id BIGINT NOT NULL REFERENCES recipients (id),
    month TEXT NOT NULL,
    kind TEXT NOT NULL,
    amount_fen BIGINT NOT NULL,
    recorded_at BIGINT NOT NULL,
    recorded_by TEXT NOT NULL,
    UNIQUE (recipient_id, month, kind)
);

-- A month's re-verification: its progress and its report (JSON counts).
CREATE TABLE reverify_runs (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    month TEXT NOT NULL,
    started_by TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    heartbeat_at BIGINT NOT NULL,
    finished_at BIGINT,
    state TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '{}'
);

-- What a month's re-check found for a recipient: renewed from data (静默认证), or a warning with
-- its changes and sealed evidence, which a person decides (continue | adjust | suspend | stop)
-- with a written reason; and a direct transfer offered, with the resident's answer.
CREATE TABLE recipient_findings (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    recipient_id BIGINT NOT NULL REFERENCES recipients (id),
    month TEXT NOT NULL,
    renewed BIGINT NOT NULL,
    changes TEXT NOT NULL,
    amount_now_fen BIGINT,
    offer TEXT,
    offer_amount_fen BIGINT,
    evidence_sealed TEXT,
    found_at BIGINT NOT NULL,
    decision TEXT,
    decided_amount_fen BIGINT,
    decision_reason_sealed TEXT,
    decided_by TEXT,
    decided_at BIGINT,
    offer_answer TEXT,
    offer_answered_at BIGINT,
    UNIQUE (recipient_id, month)
);
CREATE INDEX recipient_findings_by_month ON recipient_findings (month, renewed);

-- The published price indices (city CPI and food CPI, year on year, in tenths of a percent), a
-- month each, as imported from the statistics bureau's figures; a triggered month pays the
-- price-linkage subsidy into the ledger.
CREATE TABLE price_index_months (
    month TEXT PRIMARY KEY,
    cpi_yoy_permille BIGINT NOT NULL,
    food_cpi_yoy_permille BIGINT NOT NULL,
    imported_at BIGINT NOT NULL,
    imported_by TEXT NOT NULL
);

-- "I did not receive it": a resident's word that a month's payment did not arrive, for the
-- caseworkers of the county to look into (once per recipient, month and kind).
CREATE TABLE missing_payments (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    recipient_id BIGINT NOT NULL REFERENCES recipients (id),
    month TEXT NOT NULL,
    kind TEXT NOT NULL,
    reported_at BIGINT NOT NULL,
    UNIQUE (recipient_id, month, kind)
);

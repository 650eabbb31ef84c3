-- Proactive discovery (主动发现): department files imported, their records kept sealed and keyed by
-- source and the department's record number, runs that screen the register's households, and the
-- candidates they found, each a visit task with a deadline and an outcome.

-- One import of one file: who started it, its progress (heartbeat_at shows it is alive; an
-- import whose heartbeat stopped was interrupted) and its report (counts, refusals by reason and
-- the first refused lines with their column and code: no personal data), for the department.
CREATE TABLE discovery_imports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    file_name TEXT NOT NULL,
    file_sha256 TEXT NOT NULL,
    started_by TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    heartbeat_at BIGINT NOT NULL,
    finished_at BIGINT,
    state TEXT NOT NULL,
    rows_read BIGINT NOT NULL DEFAULT 0,
    accepted BIGINT NOT NULL DEFAULT 0,
    refused BIGINT NOT NULL DEFAULT 0,
    changed BIGINT NOT NULL DEFAULT 0,
    matched BIGINT NOT NULL DEFAULT 0,
    repaired BIGINT NOT NULL DEFAULT 0,
    report TEXT NOT NULL DEFAULT '{}'
);

-- A department's record: the keyed hash of the person's ID number, the day the fact is about
-- (days since 1970-01-01), when it last arrived changed (for the retention limit), a keyed hash
-- of its content (an unchanged record is not written again) and the fact, sealed. On SQLite the
-- rows are kept in key order (WITHOUT ROWID): one B-tree less to write on import, and the run
-- reads them in that order.
CREATE TABLE discovery_records (
    kind TEXT NOT NULL,
    record_id TEXT NOT NULL,
    person_index TEXT NOT NULL,
    import_id BIGINT NOT NULL,
    observed_on BIGINT NOT NULL,
    arrived_at BIGINT NOT NULL,
    content_index TEXT NOT NULL,
    fact_sealed TEXT NOT NULL,
    PRIMARY KEY (kind, record_id)
) WITHOUT ROWID;
CREATE INDEX discovery_records_by_person ON discovery_records (person_index);

-- A screening run: its stage and progress, and its summary (JSON counts).
CREATE TABLE discovery_runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started_by TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    heartbeat_at BIGINT NOT NULL,
    finished_at BIGINT,
    state TEXT NOT NULL,
    stage TEXT NOT NULL,
    progress BIGINT NOT NULL DEFAULT 0,
    total BIGINT NOT NULL DEFAULT 0,
    summary TEXT NOT NULL DEFAULT '{}'
);

-- A household to visit. The household is found again by a keyed hash of its register number;
-- place names are plain (they name no one); the head's name and the evidence are sealed. Sources
-- is a bit per kind of file (discovery::KindSet) the evidence used. The visit: its deadline and
-- outcome (applied | not_eligible | declined | not_found), by whom and when. erased_at: the
-- personal columns were emptied at the end of the retention period; counts remain.
CREATE TABLE discovery_candidates (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id BIGINT NOT NULL REFERENCES discovery_runs (id),
    household_index TEXT NOT NULL,
    county TEXT NOT NULL,
    township TEXT NOT NULL,
    village TEXT NOT NULL,
    programme TEXT NOT NULL,
    eligible TEXT NOT NULL,
    monthly_amount BIGINT,
    score BIGINT NOT NULL,
    sources BIGINT NOT NULL,
    standards_year BIGINT NOT NULL,
    found_at BIGINT NOT NULL,
    due_at BIGINT NOT NULL,
    name_sealed TEXT NOT NULL,
    evidence_sealed TEXT NOT NULL,
    outcome TEXT,
    outcome_note_sealed TEXT,
    outcome_at BIGINT,
    outcome_by TEXT,
    notified_at BIGINT,
    erased_at BIGINT
);
CREATE INDEX discovery_candidates_by_place ON discovery_candidates (county, township, village);
CREATE INDEX discovery_candidates_by_household ON discovery_candidates (household_index);
CREATE UNIQUE INDEX discovery_candidates_one_open ON discovery_candidates (household_index) WHERE outcome IS NULL;

-- The members of a candidate household, by the keyed hash of their ID number: an application by
-- any of them after the candidate was found counts as "applied" in the funnel.
CREATE TABLE discovery_candidate_members (
    candidate_id BIGINT NOT NULL REFERENCES discovery_candidates (id),
    person_index TEXT NOT NULL,
    PRIMARY KEY (candidate_id, person_index)
);
CREATE INDEX discovery_candidate_members_by_person ON discovery_candidate_members (person_index);

-- 主动告知 by SMS: the numbers that asked for no more, and the codes sent that say so, each found
-- by a keyed hash and kept sealed too (so that a key rotation can move the hashes).
CREATE TABLE discovery_opt_outs (
    phone_index TEXT PRIMARY KEY,
    phone_sealed TEXT NOT NULL,
    opted_out_at BIGINT NOT NULL
);
CREATE TABLE discovery_stop_codes (
    code_index TEXT PRIMARY KEY,
    code_sealed TEXT NOT NULL,
    phone_index TEXT NOT NULL,
    phone_sealed TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX discovery_stop_codes_by_phone ON discovery_stop_codes (phone_index);

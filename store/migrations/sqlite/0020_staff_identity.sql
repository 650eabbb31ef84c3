-- Staff identity: a second factor (an authenticator app's codes, single-use recovery codes),
-- account life (forced password change, disabling) and the sign-ins each member can see and end.

-- The authenticator secret, sealed like residents' data; a pending one waits for its first code.
ALTER TABLE staff_users ADD COLUMN totp_secret_sealed TEXT;
ALTER TABLE staff_users ADD COLUMN totp_enrolled_at BIGINT;
ALTER TABLE staff_users ADD COLUMN totp_pending_sealed TEXT;
-- Set when an administrator reset the password: the member must choose a new one at sign-in.
ALTER TABLE staff_users ADD COLUMN password_reset_at BIGINT;
ALTER TABLE staff_users ADD COLUMN password_changed_at BIGINT;
-- A disabled account signs in nowhere and its sign-ins end at once.
ALTER TABLE staff_users ADD COLUMN disabled_at BIGINT;

-- Each time step's code is accepted once per account, whichever instance sees it.
CREATE TABLE staff_used_codes (
    staff_id BIGINT NOT NULL REFERENCES staff_users (id),
    step BIGINT NOT NULL,
    PRIMARY KEY (staff_id, step)
);

-- Recovery codes, kept only as a keyed hash (the data key's index); each works once.
CREATE TABLE staff_recovery_codes (
    staff_id BIGINT NOT NULL REFERENCES staff_users (id),
    code_index TEXT NOT NULL,
    made_at BIGINT NOT NULL,
    used_at BIGINT,
    PRIMARY KEY (staff_id, code_index)
);

-- Passkeys (WebAuthn): the stronger second factor where the browser offers it. The credential
-- is the relying party's record of a public key (nothing secret), kept as its JSON.
CREATE TABLE staff_passkeys (
    id TEXT PRIMARY KEY,
    staff_id BIGINT NOT NULL REFERENCES staff_users (id),
    name TEXT NOT NULL,
    credential TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT
);
CREATE INDEX staff_passkeys_of ON staff_passkeys (staff_id);

-- One row per completed sign-in; the web session holds its id. Ending the row ends the session
-- on every instance at its next request.
CREATE TABLE staff_sign_ins (
    id TEXT PRIMARY KEY,
    staff_id BIGINT NOT NULL REFERENCES staff_users (id),
    started_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    ended_at BIGINT,
    -- signed_out | ended_by_owner | password_changed | disabled | factor_reset | password_reset
    ended_why TEXT,
    client TEXT NOT NULL,
    device TEXT NOT NULL
);
CREATE INDEX staff_sign_ins_open ON staff_sign_ins (staff_id) WHERE ended_at IS NULL;

-- Sign-in history and every account's audit trail are read by subject.
CREATE INDEX audit_log_subject ON audit_log (subject);

//! A staff sign-in in its steps: the password, then the second factor (or enrolling one), and the
//! sign-in itself, a row each session points to. Every refusal, lockout and sign-in goes into the
//! audit log with the client's address; the failures of both steps count toward one lockout.

use casework::Actor;
use rand::RngCore;
use sqlx::{Any, Row, Transaction};

use super::second_factor::{recovery_key, TotpSecret, TypedCode};
use super::{
    row_to_user, unix_to_datetime, verify_password, LoginError, StaffUser, LOCKOUT,
    MAX_FAILED_LOGINS, USER_COLUMNS,
};
use crate::audit::AuditEntry;
use crate::db::Store;
use crate::error::StoreError;

/// A sign-in ends after this long without a request (the web session's idle expiry too).
pub const IDLE: time::Duration = time::Duration::minutes(15);
/// And after this long in any case.
pub const ABSOLUTE: time::Duration = time::Duration::hours(12);
/// How long a password step waits for its second factor.
pub const STEP_WINDOW: time::Duration = time::Duration::minutes(10);
/// How long a sign-in that is over stays in `staff_sign_ins`.
pub const SIGN_IN_RECORDS_KEPT: time::Duration = time::Duration::days(90);
/// Last-seen times are written at most this often.
const TOUCH_EVERY_SECONDS: i64 = 30;

/// Who is at the other end: the address every limit counts by, and the browser it says it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    pub address: String,
    /// The browser's own description (User-Agent), cut to a readable length.
    pub device: String,
}

impl Client {
    pub fn new(address: impl Into<String>, user_agent: &str) -> Self {
        Self {
            address: address.into(),
            device: user_agent.chars().take(160).collect(),
        }
    }

    fn detail(&self) -> serde_json::Map<String, serde_json::Value> {
        let mut map = serde_json::Map::new();
        map.insert("client".into(), self.address.clone().into());
        map.insert("device".into(), self.device.clone().into());
        map
    }
}

/// The audit subject of a staff account.
pub fn account_subject(id: i64) -> String {
    format!("staff_account:{id}")
}

/// The subject of refusals that name no account.
const UNKNOWN_ACCOUNT: &str = "staff_account:unknown";

/// What the account still needs after a right password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordAccepted {
    pub user: StaffUser,
    /// An authenticator app is set up.
    pub enrolled: bool,
    /// An administrator reset the password: a new one comes before anything else.
    pub must_change_password: bool,
}

/// How the second factor was shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FactorUsed {
    Totp,
    /// A recovery code, with how many are left.
    Recovery {
        left: i64,
    },
}

/// An authenticator secret waiting for its first code.
#[derive(Debug, Clone)]
pub struct Enrolment {
    pub secret: TotpSecret,
    pub otpauth_uri: String,
}

/// One open sign-in, as its owner sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInLine {
    pub id: String,
    pub started_at: i64,
    pub last_seen_at: i64,
    pub client: String,
    pub device: String,
}

/// The audit actions of staff identity, so that pages and tests name them once.
pub mod action {
    pub const SIGNED_IN: &str = "staff.signed_in";
    pub const SIGN_IN_REFUSED: &str = "staff.sign_in_refused";
    pub const LOCKED_OUT: &str = "staff.locked_out";
    pub const SIGNED_OUT: &str = "staff.signed_out";
    pub const SIGN_IN_ENDED: &str = "staff.sign_in_ended";
    pub const FACTOR_ENROLLED: &str = "staff.factor_enrolled";
    pub const RECOVERY_CODE_USED: &str = "staff.recovery_code_used";
    pub const RECOVERY_CODES_MADE: &str = "staff.recovery_codes_made";
    pub const PASSWORD_CHANGED: &str = "staff.password_changed";
    pub const PASSWORD_RESET: &str = "staff.password_reset";
    pub const FACTOR_RESET: &str = "staff.factor_reset";
    pub const FACTOR_REMOVED: &str = "staff.factor_removed";
    pub const DISABLED: &str = "staff.disabled";
    pub const ENABLED: &str = "staff.enabled";
    /// Every action above: what the sign-in history shows.
    pub const ALL: [&str; 14] = [
        SIGNED_IN,
        SIGN_IN_REFUSED,
        LOCKED_OUT,
        SIGNED_OUT,
        SIGN_IN_ENDED,
        FACTOR_ENROLLED,
        RECOVERY_CODE_USED,
        RECOVERY_CODES_MADE,
        PASSWORD_CHANGED,
        PASSWORD_RESET,
        FACTOR_RESET,
        FACTOR_REMOVED,
        DISABLED,
        ENABLED,
    ];
}

/// Who records a refusal: nobody is signed in yet, so the portal's sign-in itself.
fn sign_in_desk() -> Actor {
    Actor::system("sign_in")
}

impl Store {
    /// Appends one staff-identity entry to the audit log inside `tx`.
    pub(crate) async fn audit_account(
        &self,
        tx: &mut Transaction<'static, Any>,
        actor: Actor,
        action: &str,
        subject: &str,
        client: &Client,
        extra: &[(&str, serde_json::Value)],
    ) -> Result<(), StoreError> {
        let mut detail = client.detail();
        for (key, value) in extra {
            detail.insert((*key).to_owned(), value.clone());
        }
        let detail = serde_json::Value::Object(detail).to_string();
        self.append_audit(
            tx,
            AuditEntry {
                actor,
                action,
                subject,
                detail: &detail,
            },
        )
        .await
    }

    async fn audit_refusal(
        &self,
        subject: &str,
        reason: &str,
        client: &Client,
    ) -> Result<(), StoreError> {
        let mut tx = self.write_tx().await?;
        self.audit_account(
            &mut tx,
            sign_in_desk(),
            action::SIGN_IN_REFUSED,
            subject,
            client,
            &[("reason", reason.into())],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Counts a failed step against the account; after [`MAX_FAILED_LOGINS`] in a row it locks.
    pub(super) async fn count_failure(
        &self,
        user_id: i64,
        reason: &str,
        client: &Client,
        refusal: LoginError,
    ) -> Result<LoginError, StoreError> {
        let now = self.now_unix();
        let subject = account_subject(user_id);
        let mut tx = self.write_tx().await?;
        let failures: i64 = sqlx::query_scalar(
            "UPDATE staff_users SET failed_logins = failed_logins + 1 WHERE id = $1 RETURNING failed_logins",
        )
        .bind(user_id)
        .fetch_one(&mut *tx)
        .await?;
        self.audit_account(
            &mut tx,
            sign_in_desk(),
            action::SIGN_IN_REFUSED,
            &subject,
            client,
            &[("reason", reason.into())],
        )
        .await?;
        if failures < MAX_FAILED_LOGINS {
            tx.commit().await?;
            return Ok(refusal);
        }
        let until = now + LOCKOUT.whole_seconds();
        sqlx::query("UPDATE staff_users SET failed_logins = 0, locked_until = $1 WHERE id = $2")
            .bind(until)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        self.audit_account(
            &mut tx,
            sign_in_desk(),
            action::LOCKED_OUT,
            &subject,
            client,
            &[("until", until.into())],
        )
        .await?;
        tx.commit().await?;
        Ok(LoginError::LockedOut {
            until: unix_to_datetime(until)?,
        })
    }

    /// The lock on an account, if it is locked now.
    fn locked(&self, row: &sqlx::any::AnyRow) -> Result<Option<LoginError>, StoreError> {
        let locked_until: Option<i64> = row.try_get("locked_until")?;
        locked_until
            .filter(|until| *until > self.now_unix())
            .map(|until| {
                Ok(LoginError::LockedOut {
                    until: unix_to_datetime(until)?,
                })
            })
            .transpose()
    }

    /// The first step: the password. Counts failures per account and locks it after
    /// [`MAX_FAILED_LOGINS`]; an unknown name costs as much time as a known one.
    pub async fn check_password(
        &self,
        username: &str,
        password: &str,
        client: &Client,
    ) -> Result<PasswordAccepted, LoginError> {
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS}, password_hash, failed_logins, locked_until, disabled_at, \
             totp_secret_sealed, password_reset_at FROM staff_users WHERE username = $1"
        ))
        .bind(username.trim())
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else {
            verify_password(password.to_owned(), None).await?;
            self.audit_refusal(UNKNOWN_ACCOUNT, "unknown_account", client)
                .await?;
            return Err(LoginError::InvalidCredentials);
        };
        let user = row_to_user(&row)?;
        let subject = account_subject(user.id);
        if let Some(locked) = self.locked(&row)? {
            self.audit_refusal(&subject, "locked", client).await?;
            return Err(locked);
        }
        let hash: String = row.try_get("password_hash")?;
        if !verify_password(password.to_owned(), Some(hash)).await? {
            return Err(self
                .count_failure(
                    user.id,
                    "wrong_password",
                    client,
                    LoginError::InvalidCredentials,
                )
                .await?);
        }
        if row.try_get::<Option<i64>, _>("disabled_at")?.is_some() {
            self.audit_refusal(&subject, "disabled", client).await?;
            return Err(LoginError::Disabled);
        }
        Ok(PasswordAccepted {
            enrolled: row
                .try_get::<Option<String>, _>("totp_secret_sealed")?
                .is_some(),
            must_change_password: row
                .try_get::<Option<i64>, _>("password_reset_at")?
                .is_some(),
            user,
        })
    }

    /// The second step: a code of the member's app, or one of their recovery codes. A code is
    /// taken once per time step; a wrong one counts toward the lockout like a wrong password.
    pub async fn check_second_factor(
        &self,
        user_id: i64,
        typed: &str,
        client: &Client,
    ) -> Result<FactorUsed, LoginError> {
        let row = self.may_try_second_factor(user_id, client).await?;
        let Some(sealed) = row.try_get::<Option<String>, _>("totp_secret_sealed")? else {
            return Err(LoginError::InvalidCredentials);
        };
        let secret = self.open_secret(&sealed)?;
        let used = match TypedCode::read(typed) {
            Some(TypedCode::Totp(code)) => match secret.step_of(&code, self.now_unix())? {
                Some(step) => self.take_step(user_id, step).await?,
                None => None,
            },
            Some(TypedCode::Recovery(code)) => {
                self.take_recovery_code(user_id, &code, client).await?
            }
            None => None,
        };
        match used {
            Some(Ok(used)) => Ok(used),
            Some(Err(replayed)) => Err(self
                .count_failure(user_id, "replayed_code", client, replayed)
                .await?),
            None => Err(self
                .count_failure(user_id, "wrong_code", client, LoginError::InvalidCode)
                .await?),
        }
    }

    /// Refuses a second-factor step of a locked or disabled account (and records why); the
    /// account's row otherwise.
    async fn may_try_second_factor(
        &self,
        user_id: i64,
        client: &Client,
    ) -> Result<sqlx::any::AnyRow, LoginError> {
        let row = sqlx::query(
            "SELECT locked_until, disabled_at, totp_secret_sealed FROM staff_users WHERE id = $1",
        )
        .bind(user_id)
        .fetch_optional(self.pool())
        .await?
        .ok_or(LoginError::InvalidCredentials)?;
        let subject = account_subject(user_id);
        if let Some(locked) = self.locked(&row)? {
            self.audit_refusal(&subject, "locked", client).await?;
            return Err(locked);
        }
        if row.try_get::<Option<i64>, _>("disabled_at")?.is_some() {
            self.audit_refusal(&subject, "disabled", client).await?;
            return Err(LoginError::Disabled);
        }
        Ok(row)
    }

    /// Whether a passkey may be tried for the account now: not locked, not disabled.
    pub async fn passkey_may_be_tried(
        &self,
        user_id: i64,
        client: &Client,
    ) -> Result<(), LoginError> {
        self.may_try_second_factor(user_id, client)
            .await
            .map(|_| ())
    }

    /// Takes a time step for the account: `Err(ReplayedCode)` when it was taken already.
    async fn take_step(
        &self,
        user_id: i64,
        step: i64,
    ) -> Result<Option<Result<FactorUsed, LoginError>>, StoreError> {
        let mut tx = self.write_tx().await?;
        let taken = sqlx::query(
            "INSERT INTO staff_used_codes (staff_id, step) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(user_id)
        .bind(step)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if !taken {
            return Ok(Some(Err(LoginError::ReplayedCode)));
        }
        // Steps older than the drift allowed can never match again.
        sqlx::query("DELETE FROM staff_used_codes WHERE staff_id = $1 AND step < $2")
            .bind(user_id)
            .bind(step - 2)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE staff_users SET failed_logins = 0 WHERE id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Some(Ok(FactorUsed::Totp)))
    }

    async fn take_recovery_code(
        &self,
        user_id: i64,
        code: &str,
        client: &Client,
    ) -> Result<Option<Result<FactorUsed, LoginError>>, StoreError> {
        let index = self.data_key().index(&recovery_key(code));
        let now = self.now_unix();
        let mut tx = self.write_tx().await?;
        let row = sqlx::query(
            "SELECT used_at FROM staff_recovery_codes WHERE staff_id = $1 AND code_index = $2",
        )
        .bind(user_id)
        .bind(&index)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        if row.try_get::<Option<i64>, _>("used_at")?.is_some() {
            return Ok(Some(Err(LoginError::ReplayedCode)));
        }
        sqlx::query(
            "UPDATE staff_recovery_codes SET used_at = $1 WHERE staff_id = $2 AND code_index = $3",
        )
        .bind(now)
        .bind(user_id)
        .bind(&index)
        .execute(&mut *tx)
        .await?;
        let left: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM staff_recovery_codes WHERE staff_id = $1 AND used_at IS NULL",
        )
        .bind(user_id)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query("UPDATE staff_users SET failed_logins = 0 WHERE id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        self.audit_account(
            &mut tx,
            Actor::Staff { id: user_id },
            action::RECOVERY_CODE_USED,
            &account_subject(user_id),
            client,
            &[("left", left.into())],
        )
        .await?;
        tx.commit().await?;
        Ok(Some(Ok(FactorUsed::Recovery { left })))
    }

    pub(crate) fn open_secret(&self, sealed: &str) -> Result<TotpSecret, StoreError> {
        let text = self.data_key().open(sealed)?;
        TotpSecret::from_base32(&text)
            .map_err(|e| StoreError::Corrupt(format!("a staff TOTP secret: {e}")))
    }

    /// The secret a member is enrolling with: the one waiting, or a new one.
    pub async fn begin_enrolment(&self, user: &StaffUser) -> Result<Enrolment, StoreError> {
        let waiting: Option<String> =
            sqlx::query_scalar("SELECT totp_pending_sealed FROM staff_users WHERE id = $1")
                .bind(user.id)
                .fetch_optional(self.pool())
                .await?
                .flatten();
        let secret = match waiting {
            Some(sealed) => self.open_secret(&sealed)?,
            None => {
                let secret = TotpSecret::generate();
                sqlx::query("UPDATE staff_users SET totp_pending_sealed = $1 WHERE id = $2")
                    .bind(self.data_key().seal(&secret.to_base32())?)
                    .bind(user.id)
                    .execute(self.pool())
                    .await?;
                secret
            }
        };
        Ok(Enrolment {
            otpauth_uri: secret.otpauth_uri(&user.username)?,
            secret,
        })
    }

    /// Confirms the waiting secret with a code of it: the app is set up, the code's step is
    /// taken, and ten new recovery codes (the only time they are shown) replace any old ones.
    pub async fn confirm_enrolment(
        &self,
        user: &StaffUser,
        typed: &str,
        client: &Client,
    ) -> Result<Vec<String>, LoginError> {
        self.may_try_second_factor(user.id, client).await?;
        let waiting: Option<String> =
            sqlx::query_scalar("SELECT totp_pending_sealed FROM staff_users WHERE id = $1")
                .bind(user.id)
                .fetch_optional(self.pool())
                .await?
                .flatten();
        let Some(sealed) = waiting else {
            return Err(LoginError::InvalidCode);
        };
        let secret = self.open_secret(&sealed)?;
        let step = match TypedCode::read(typed) {
            Some(TypedCode::Totp(code)) => secret.step_of(&code, self.now_unix())?,
            _ => None,
        };
        let Some(step) = step else {
            return Err(self
                .count_failure(user.id, "wrong_code", client, LoginError::InvalidCode)
                .await?);
        };
        let now = self.now_unix();
        let codes = super::second_factor::new_recovery_codes();
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "UPDATE staff_users SET totp_secret_sealed = $1, totp_pending_sealed = NULL, \
             totp_enrolled_at = $2, failed_logins = 0 WHERE id = $3",
        )
        .bind(&sealed)
        .bind(now)
        .bind(user.id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM staff_used_codes WHERE staff_id = $1")
            .bind(user.id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO staff_used_codes (staff_id, step) VALUES ($1, $2)")
            .bind(user.id)
            .bind(step)
            .execute(&mut *tx)
            .await?;
        self.replace_recovery_codes(&mut tx, user.id, &codes)
            .await?;
        self.audit_account(
            &mut tx,
            Actor::Staff { id: user.id },
            action::FACTOR_ENROLLED,
            &account_subject(user.id),
            client,
            &[("factor", "totp".into())],
        )
        .await?;
        tx.commit().await?;
        Ok(codes)
    }

    pub(crate) async fn replace_recovery_codes(
        &self,
        tx: &mut Transaction<'static, Any>,
        user_id: i64,
        codes: &[String],
    ) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM staff_recovery_codes WHERE staff_id = $1")
            .bind(user_id)
            .execute(&mut **tx)
            .await?;
        let now = self.now_unix();
        for code in codes {
            sqlx::query(
                "INSERT INTO staff_recovery_codes (staff_id, code_index, made_at) VALUES ($1, $2, $3)",
            )
            .bind(user_id)
            .bind(self.data_key().index(&recovery_key(code)))
            .bind(now)
            .execute(&mut **tx)
            .await?;
        }
        Ok(())
    }

    /// Sets an account's authenticator secret directly, already enrolled: for accounts an
    /// operator provisions with a secret kept elsewhere (`server create-user` with
    /// `PORTAL_NEW_TOTP_SECRET`, the demo set-up, tests).
    pub async fn provision_totp(
        &self,
        user_id: i64,
        secret: &TotpSecret,
    ) -> Result<(), StoreError> {
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "UPDATE staff_users SET totp_secret_sealed = $1, totp_pending_sealed = NULL, \
             totp_enrolled_at = $2 WHERE id = $3",
        )
        .bind(self.data_key().seal(&secret.to_base32())?)
        .bind(self.now_unix())
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        self.audit_account(
            &mut tx,
            Actor::system(Actor::CLI),
            action::FACTOR_ENROLLED,
            &account_subject(user_id),
            &Client::new("-", "server create-user"),
            &[("factor", "totp".into()), ("provisioned", true.into())],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Both steps done: the sign-in a web session will point to. Its id is the session's to keep.
    pub async fn start_sign_in(
        &self,
        user: &StaffUser,
        factor: &str,
        client: &Client,
    ) -> Result<String, StoreError> {
        let mut bytes = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let id = hex::encode(bytes);
        let now = self.now_unix();
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "INSERT INTO staff_sign_ins (id, staff_id, started_at, last_seen_at, client, device) \
             VALUES ($1, $2, $3, $3, $4, $5)",
        )
        .bind(&id)
        .bind(user.id)
        .bind(now)
        .bind(&client.address)
        .bind(&client.device)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE staff_users SET failed_logins = 0, locked_until = NULL WHERE id = $1")
            .bind(user.id)
            .execute(&mut *tx)
            .await?;
        self.audit_account(
            &mut tx,
            Actor::Staff { id: user.id },
            action::SIGNED_IN,
            &account_subject(user.id),
            client,
            &[("factor", factor.into())],
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The member of a sign-in, while it is open: not ended, not idle past [`IDLE`], not older
    /// than [`ABSOLUTE`], and the account not disabled. Each use keeps it from going idle.
    pub async fn signed_in_staff(&self, sign_in: &str) -> Result<Option<StaffUser>, StoreError> {
        let now = self.now_unix();
        // Every staff request reads this: the text is made once.
        static QUERY: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
            let columns = USER_COLUMNS
                .split(", ")
                .map(|c| format!("u.{c}"))
                .collect::<Vec<_>>()
                .join(", ");
            format!(
                "SELECT {columns}, s.last_seen_at FROM staff_sign_ins s \
                 JOIN staff_users u ON u.id = s.staff_id \
                 WHERE s.id = $1 AND s.ended_at IS NULL AND u.disabled_at IS NULL \
                 AND s.last_seen_at > $2 AND s.started_at > $3"
            )
        });
        let row = sqlx::query(QUERY.as_str())
            .bind(sign_in)
            .bind(now - IDLE.whole_seconds())
            .bind(now - ABSOLUTE.whole_seconds())
            .fetch_optional(self.pool())
            .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let last_seen: i64 = row.try_get("last_seen_at")?;
        if now - last_seen >= TOUCH_EVERY_SECONDS {
            sqlx::query("UPDATE staff_sign_ins SET last_seen_at = $1 WHERE id = $2")
                .bind(now)
                .bind(sign_in)
                .execute(self.pool())
                .await?;
        }
        Ok(Some(row_to_user(&row)?))
    }

    /// A member's open sign-ins, newest first.
    pub async fn open_sign_ins(&self, user_id: i64) -> Result<Vec<SignInLine>, StoreError> {
        let now = self.now_unix();
        sqlx::query(
            "SELECT id, started_at, last_seen_at, client, device FROM staff_sign_ins \
             WHERE staff_id = $1 AND ended_at IS NULL AND last_seen_at > $2 AND started_at > $3 \
             ORDER BY started_at DESC, id",
        )
        .bind(user_id)
        .bind(now - IDLE.whole_seconds())
        .bind(now - ABSOLUTE.whole_seconds())
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|row| {
            Ok(SignInLine {
                id: row.try_get("id")?,
                started_at: row.try_get("started_at")?,
                last_seen_at: row.try_get("last_seen_at")?,
                client: row.try_get("client")?,
                device: row.try_get("device")?,
            })
        })
        .collect()
    }

    /// Ends one of the member's own sign-ins (signing out, or ending another device's); `false`
    /// when it is not theirs or already over.
    pub async fn end_sign_in(
        &self,
        user: &StaffUser,
        sign_in: &str,
        signing_out: bool,
        client: &Client,
    ) -> Result<bool, StoreError> {
        let (why, audited) = if signing_out {
            ("signed_out", action::SIGNED_OUT)
        } else {
            ("ended_by_owner", action::SIGN_IN_ENDED)
        };
        let mut tx = self.write_tx().await?;
        let ended = sqlx::query(
            "UPDATE staff_sign_ins SET ended_at = $1, ended_why = $2 \
             WHERE id = $3 AND staff_id = $4 AND ended_at IS NULL",
        )
        .bind(self.now_unix())
        .bind(why)
        .bind(sign_in)
        .bind(user.id)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if ended {
            self.audit_account(
                &mut tx,
                Actor::Staff { id: user.id },
                audited,
                &account_subject(user.id),
                client,
                &[],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(ended)
    }

    /// Ends every open sign-in of an account but `keep`, inside `tx`; how many.
    pub(crate) async fn end_sign_ins_of(
        &self,
        tx: &mut Transaction<'static, Any>,
        user_id: i64,
        keep: Option<&str>,
        why: &str,
    ) -> Result<u64, StoreError> {
        Ok(sqlx::query(
            "UPDATE staff_sign_ins SET ended_at = $1, ended_why = $2 \
             WHERE staff_id = $3 AND ended_at IS NULL AND id <> $4",
        )
        .bind(self.now_unix())
        .bind(why)
        .bind(user_id)
        .bind(keep.unwrap_or(""))
        .execute(&mut **tx)
        .await?
        .rows_affected())
    }

    /// Removes sign-ins over for more than [`SIGN_IN_RECORDS_KEPT`] (their story stays in the
    /// audit log); how many.
    pub async fn delete_old_sign_ins(&self) -> Result<u64, StoreError> {
        let before = self.now_unix() - SIGN_IN_RECORDS_KEPT.whole_seconds();
        Ok(sqlx::query(
            "DELETE FROM staff_sign_ins WHERE (ended_at IS NOT NULL AND ended_at < $1) \
             OR last_seen_at < $1",
        )
        .bind(before)
        .execute(self.pool())
        .await?
        .rows_affected())
    }

    /// When the account's authenticator app was set up, if it is.
    pub async fn totp_enrolled_at(&self, user_id: i64) -> Result<Option<i64>, StoreError> {
        Ok(sqlx::query_scalar::<_, Option<i64>>(
            "SELECT totp_enrolled_at FROM staff_users WHERE id = $1 AND totp_secret_sealed IS NOT NULL",
        )
        .bind(user_id)
        .fetch_optional(self.pool())
        .await?
        .flatten())
    }

    /// The recovery codes an account has left.
    pub async fn recovery_codes_left(&self, user_id: i64) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM staff_recovery_codes WHERE staff_id = $1 AND used_at IS NULL",
        )
        .bind(user_id)
        .fetch_one(self.pool())
        .await?)
    }

    /// Moves the staff's sealed values (authenticator secrets, duty phones) to a new data key;
    /// how many accounts.
    pub(crate) async fn rotate_staff_secrets(
        &self,
        old: &crate::DataKey,
        new: &crate::DataKey,
    ) -> Result<u64, StoreError> {
        let moved = |sealed: Option<String>| -> Result<Option<String>, StoreError> {
            sealed
                .map(|s| {
                    if new.sealed_this(&s) {
                        Ok(s)
                    } else {
                        new.seal(&old.open(&s)?)
                    }
                })
                .transpose()
        };
        let mut tx = self.write_tx().await?;
        let rows = sqlx::query(
            "SELECT id, totp_secret_sealed, totp_pending_sealed, duty_phone_sealed FROM staff_users \
             WHERE totp_secret_sealed IS NOT NULL OR totp_pending_sealed IS NOT NULL \
             OR duty_phone_sealed IS NOT NULL",
        )
        .fetch_all(&mut *tx)
        .await?;
        for row in &rows {
            sqlx::query(
                "UPDATE staff_users SET totp_secret_sealed = $1, totp_pending_sealed = $2, \
                 duty_phone_sealed = $3 WHERE id = $4",
            )
            .bind(moved(row.try_get("totp_secret_sealed")?)?)
            .bind(moved(row.try_get("totp_pending_sealed")?)?)
            .bind(moved(row.try_get("duty_phone_sealed")?)?)
            .bind(row.try_get::<i64, _>("id")?)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(rows.len() as u64)
    }
}

//! An account's life after it is made: its member changes the password and makes new recovery
//! codes; an administrator of the county resets a password or a second factor and disables or
//! re-enables the account; supervisors read the county's sign-in history. Each goes into the
//! audit log with the client's address, and whatever takes access away ends the account's
//! sign-ins at once.

use casework::Actor;
use rand::RngCore;
use sqlx::Row;

use super::password::{NewPassword, PasswordError};
use super::second_factor::new_recovery_codes;
use super::sign_in::{account_subject, action, Client};
use super::{
    hash_password, row_to_user, verify_password, LoginError, Role, StaffUser, USER_COLUMNS,
};
use crate::db::Store;
use crate::error::StoreError;

/// Why a change of one's own password was refused.
#[derive(Debug, thiserror::Error)]
pub enum ChangePasswordError {
    #[error("the current password is not right")]
    WrongPassword,
    #[error("the new password: {0}")]
    NewPassword(#[from] PasswordError),
    #[error("the two new passwords differ")]
    Mismatch,
    #[error("the new password is the current one")]
    Unchanged,
    #[error(transparent)]
    Login(#[from] LoginError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for ChangePasswordError {
    fn from(e: sqlx::Error) -> Self {
        ChangePasswordError::Store(e.into())
    }
}

/// Why an administrator's action on an account was refused.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("only administrators manage accounts")]
    NotAdmin,
    #[error("no such account in your county")]
    NotFound,
    #[error("administrators do not disable or reset their own account")]
    Own,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for AccountError {
    fn from(e: sqlx::Error) -> Self {
        AccountError::Store(e.into())
    }
}

/// An account as its county's administrator sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountLine {
    pub user: StaffUser,
    pub enrolled: bool,
    pub disabled: bool,
    pub locked: bool,
    pub must_change_password: bool,
    pub last_sign_in: Option<i64>,
}

/// One entry of the sign-in history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInEvent {
    pub at: i64,
    pub username: String,
    pub display_name: String,
    pub action: String,
    /// The refusal's reason or the factor used, when the entry has one.
    pub reason: Option<String>,
    pub client: String,
    pub device: String,
    /// The administrator who acted, for resets and disabling.
    pub by: Option<String>,
}

/// What the sign-in history shows at most.
pub const HISTORY_LINES: i64 = 200;

/// A temporary password an administrator gives in person: four groups of four letters and digits.
fn temporary_password() -> String {
    const ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyz";
    let mut rng = rand::rngs::OsRng;
    (0..4)
        .map(|_| {
            (0..4)
                .map(|_| char::from(ALPHABET[(rng.next_u32() as usize) % ALPHABET.len()]))
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("-")
}

impl Store {
    /// Sets a new password the member chose (after `check_password`), checking it against the
    /// account, and clears a reset. Every other sign-in of the account ends.
    async fn store_new_password(
        &self,
        user: &StaffUser,
        new: &str,
        confirm: &str,
        keep: Option<&str>,
        forced: bool,
        client: &Client,
    ) -> Result<(), ChangePasswordError> {
        let password = NewPassword::for_account(new, &[&user.username, &user.display_name])?;
        if new != confirm {
            return Err(ChangePasswordError::Mismatch);
        }
        let current: String =
            sqlx::query_scalar("SELECT password_hash FROM staff_users WHERE id = $1")
                .bind(user.id)
                .fetch_one(self.pool())
                .await?;
        if verify_password(new.to_owned(), Some(current)).await? {
            return Err(ChangePasswordError::Unchanged);
        }
        let hash = hash_password(password).await?;
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "UPDATE staff_users SET password_hash = $1, password_changed_at = $2, \
             password_reset_at = NULL WHERE id = $3",
        )
        .bind(hash)
        .bind(self.now_unix())
        .bind(user.id)
        .execute(&mut *tx)
        .await?;
        let ended = self
            .end_sign_ins_of(&mut tx, user.id, keep, "password_changed")
            .await?;
        self.audit_account(
            &mut tx,
            Actor::Staff { id: user.id },
            action::PASSWORD_CHANGED,
            &account_subject(user.id),
            client,
            &[("forced", forced.into()), ("sign_ins_ended", ended.into())],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The signed-in member changes their password: the current one and a second-factor code
    /// are asked for. Their other sign-ins end; this one goes on.
    #[allow(clippy::too_many_arguments)]
    pub async fn change_own_password(
        &self,
        user: &StaffUser,
        sign_in: &str,
        current: &str,
        code: &str,
        new: &str,
        confirm: &str,
        client: &Client,
    ) -> Result<(), ChangePasswordError> {
        let hash: String =
            sqlx::query_scalar("SELECT password_hash FROM staff_users WHERE id = $1")
                .bind(user.id)
                .fetch_one(self.pool())
                .await?;
        if !verify_password(current.to_owned(), Some(hash)).await? {
            let refusal = self.count_password_change_failure(user, client).await?;
            return Err(refusal);
        }
        if self.second_factor_enrolled(user.id).await? {
            self.check_second_factor(user.id, code, client).await?;
        }
        self.store_new_password(user, new, confirm, Some(sign_in), false, client)
            .await
    }

    async fn count_password_change_failure(
        &self,
        user: &StaffUser,
        client: &Client,
    ) -> Result<ChangePasswordError, StoreError> {
        Ok(
            match self
                .count_failure(
                    user.id,
                    "wrong_password",
                    client,
                    LoginError::InvalidCredentials,
                )
                .await?
            {
                LoginError::LockedOut { until } => {
                    ChangePasswordError::Login(LoginError::LockedOut { until })
                }
                _ => ChangePasswordError::WrongPassword,
            },
        )
    }

    /// The new password a member sets after an administrator's reset, before the sign-in
    /// completes (both steps of the sign-in were passed with the temporary one).
    pub async fn set_password_after_reset(
        &self,
        user: &StaffUser,
        new: &str,
        confirm: &str,
        client: &Client,
    ) -> Result<(), ChangePasswordError> {
        self.store_new_password(user, new, confirm, None, true, client)
            .await
    }

    pub async fn second_factor_enrolled(&self, user_id: i64) -> Result<bool, StoreError> {
        Ok(sqlx::query_scalar::<_, Option<String>>(
            "SELECT totp_secret_sealed FROM staff_users WHERE id = $1",
        )
        .bind(user_id)
        .fetch_optional(self.pool())
        .await?
        .flatten()
        .is_some())
    }

    /// Ten new recovery codes for the signed-in member, shown once; the old ones stop working.
    /// A code of the app is asked for first.
    pub async fn make_recovery_codes(
        &self,
        user: &StaffUser,
        code: &str,
        client: &Client,
    ) -> Result<Vec<String>, LoginError> {
        self.check_second_factor(user.id, code, client).await?;
        let codes = new_recovery_codes();
        let mut tx = self.write_tx().await?;
        self.replace_recovery_codes(&mut tx, user.id, &codes)
            .await?;
        self.audit_account(
            &mut tx,
            Actor::Staff { id: user.id },
            action::RECOVERY_CODES_MADE,
            &account_subject(user.id),
            client,
            &[],
        )
        .await?;
        tx.commit().await?;
        Ok(codes)
    }

    /// An account of the administrator's county, or why not.
    async fn managed_account(
        &self,
        admin: &StaffUser,
        target: i64,
    ) -> Result<StaffUser, AccountError> {
        if admin.role != Role::Admin {
            return Err(AccountError::NotAdmin);
        }
        if admin.id == target {
            return Err(AccountError::Own);
        }
        match self.staff_user(target).await? {
            Some(user) if user.county == admin.county => Ok(user),
            _ => Err(AccountError::NotFound),
        }
    }

    /// The accounts of the administrator's county.
    pub async fn county_accounts(
        &self,
        admin: &StaffUser,
    ) -> Result<Vec<AccountLine>, AccountError> {
        if admin.role != Role::Admin {
            return Err(AccountError::NotAdmin);
        }
        let now = self.now_unix();
        let rows = sqlx::query(&format!(
            "SELECT {USER_COLUMNS}, totp_secret_sealed, disabled_at, locked_until, password_reset_at, \
             (SELECT MAX(started_at) FROM staff_sign_ins s WHERE s.staff_id = staff_users.id) AS last_sign_in \
             FROM staff_users WHERE county = $1 ORDER BY disabled_at IS NOT NULL, role, username"
        ))
        .bind(admin.county.id())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(AccountLine {
                    user: row_to_user(row)?,
                    enrolled: row
                        .try_get::<Option<String>, _>("totp_secret_sealed")?
                        .is_some(),
                    disabled: row.try_get::<Option<i64>, _>("disabled_at")?.is_some(),
                    locked: row
                        .try_get::<Option<i64>, _>("locked_until")?
                        .is_some_and(|until| until > now),
                    must_change_password: row
                        .try_get::<Option<i64>, _>("password_reset_at")?
                        .is_some(),
                    last_sign_in: row.try_get("last_sign_in")?,
                })
            })
            .collect::<Result<_, StoreError>>()
            .map_err(AccountError::from)
    }

    /// Gives the account a temporary password (returned, to hand over in person) that must be
    /// changed at the next sign-in; the account's sign-ins end and a lockout is lifted.
    pub async fn reset_password(
        &self,
        admin: &StaffUser,
        target: i64,
        client: &Client,
    ) -> Result<String, AccountError> {
        let user = self.managed_account(admin, target).await?;
        let temporary = temporary_password();
        let password: NewPassword = temporary.parse().map_err(|e: PasswordError| {
            StoreError::Corrupt(format!("a temporary password: {e}"))
        })?;
        let hash = hash_password(password).await?;
        let now = self.now_unix();
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "UPDATE staff_users SET password_hash = $1, password_reset_at = $2, failed_logins = 0, \
             locked_until = NULL WHERE id = $3",
        )
        .bind(hash)
        .bind(now)
        .bind(user.id)
        .execute(&mut *tx)
        .await?;
        self.done_by_administrator(
            tx,
            admin,
            &user,
            action::PASSWORD_RESET,
            Some("password_reset"),
            client,
        )
        .await?;
        Ok(temporary)
    }

    /// Removes the account's second factors (a lost phone): the member sets up a new app at the
    /// next sign-in. Its recovery codes and passkeys go too, and its sign-ins end.
    pub async fn reset_second_factor(
        &self,
        admin: &StaffUser,
        target: i64,
        client: &Client,
    ) -> Result<(), AccountError> {
        let user = self.managed_account(admin, target).await?;
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "UPDATE staff_users SET totp_secret_sealed = NULL, totp_pending_sealed = NULL, \
             totp_enrolled_at = NULL WHERE id = $1",
        )
        .bind(user.id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM staff_recovery_codes WHERE staff_id = $1")
            .bind(user.id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM staff_passkeys WHERE staff_id = $1")
            .bind(user.id)
            .execute(&mut *tx)
            .await?;
        self.done_by_administrator(
            tx,
            admin,
            &user,
            action::FACTOR_RESET,
            Some("factor_reset"),
            client,
        )
        .await?;
        Ok(())
    }

    /// Disables (its sign-ins end at once, on every instance) or re-enables an account.
    pub async fn set_account_disabled(
        &self,
        admin: &StaffUser,
        target: i64,
        disabled: bool,
        client: &Client,
    ) -> Result<(), AccountError> {
        let user = self.managed_account(admin, target).await?;
        let mut tx = self.write_tx().await?;
        let changed = if disabled {
            sqlx::query(
                "UPDATE staff_users SET disabled_at = $1, on_duty = 0 WHERE id = $2 AND disabled_at IS NULL",
            )
            .bind(self.now_unix())
            .bind(user.id)
        } else {
            sqlx::query(
                "UPDATE staff_users SET disabled_at = NULL, failed_logins = 0, locked_until = NULL \
                 WHERE id = $1 AND disabled_at IS NOT NULL",
            )
            .bind(user.id)
        }
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if !changed {
            tx.commit().await?;
            return Ok(());
        }
        let (audited, ends) = if disabled {
            (action::DISABLED, Some("disabled"))
        } else {
            (action::ENABLED, None)
        };
        self.done_by_administrator(tx, admin, &user, audited, ends, client)
            .await?;
        Ok(())
    }

    /// Records an administrator's `action` on an account and commits `tx`; with `ends`, the
    /// account's sign-ins end first, for that reason.
    async fn done_by_administrator(
        &self,
        mut tx: sqlx::Transaction<'static, sqlx::Any>,
        admin: &StaffUser,
        user: &StaffUser,
        action: &str,
        ends: Option<&str>,
        client: &Client,
    ) -> Result<(), StoreError> {
        let ended = match ends {
            Some(why) => self.end_sign_ins_of(&mut tx, user.id, None, why).await?,
            None => 0,
        };
        self.audit_account(
            &mut tx,
            Actor::Staff { id: admin.id },
            action,
            &account_subject(user.id),
            client,
            &[("sign_ins_ended", ended.into())],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The county's sign-in history, newest first: sign-ins, refusals, lockouts, factor changes,
    /// resets and disabling, for supervisors and administrators.
    pub async fn sign_in_history(
        &self,
        viewer: &StaffUser,
    ) -> Result<Vec<SignInEvent>, AccountError> {
        if !matches!(viewer.role, Role::Supervisor | Role::Admin) {
            return Err(AccountError::NotAdmin);
        }
        let actions = action::ALL
            .iter()
            .map(|a| format!("'{a}'"))
            .collect::<Vec<_>>()
            .join(", ");
        let rows = sqlx::query(&format!(
            "SELECT a.at, a.action, a.detail, a.actor, u.username, u.display_name, \
             (SELECT b.username FROM staff_users b WHERE b.id = a.actor AND b.id <> u.id) AS by_name \
             FROM staff_users u JOIN audit_log a ON a.subject = 'staff_account:' || CAST(u.id AS TEXT) \
             WHERE u.county = $1 AND a.action IN ({actions}) ORDER BY a.id DESC LIMIT $2"
        ))
        .bind(viewer.county.id())
        .bind(HISTORY_LINES)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                let detail: String = row.try_get("detail")?;
                let detail: serde_json::Value =
                    serde_json::from_str(&detail).unwrap_or(serde_json::Value::Null);
                let text = |key: &str| detail.get(key).and_then(|v| v.as_str()).map(str::to_owned);
                Ok(SignInEvent {
                    at: row.try_get("at")?,
                    username: row.try_get("username")?,
                    display_name: row.try_get("display_name")?,
                    action: row.try_get("action")?,
                    reason: text("reason").or_else(|| text("factor")),
                    client: text("client").unwrap_or_default(),
                    device: text("device").unwrap_or_default(),
                    by: row.try_get("by_name")?,
                })
            })
            .collect::<Result<_, StoreError>>()
            .map_err(AccountError::from)
    }
}

//! Passkeys (WebAuthn) of staff accounts: the stronger second factor where the browser offers
//! it. The web layer runs the ceremonies; the store keeps each credential (the relying party's
//! record of a public key, as JSON it does not read), when it was added and last used, and the
//! audit trail.

use casework::Actor;
use sqlx::Row;

use super::sign_in::{account_subject, action, Client};
use super::{LoginError, StaffUser};
use crate::db::Store;
use crate::error::StoreError;

/// Passkeys one account may hold.
pub const MAX_PASSKEYS: i64 = 10;

/// One passkey of an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPasskey {
    /// The credential id, base64url, as the browser names it.
    pub id: String,
    /// What the member called it ("my phone").
    pub name: String,
    /// The web layer's record of the credential, as JSON.
    pub credential: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

#[derive(Debug, thiserror::Error)]
pub enum PasskeyError {
    #[error("this passkey is registered already")]
    Taken,
    #[error("an account holds at most {MAX_PASSKEYS} passkeys")]
    TooMany,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for PasskeyError {
    fn from(e: sqlx::Error) -> Self {
        PasskeyError::Store(e.into())
    }
}

impl Store {
    /// The account's passkeys, oldest first.
    pub async fn passkeys_of(&self, user_id: i64) -> Result<Vec<StoredPasskey>, StoreError> {
        sqlx::query(
            "SELECT id, name, credential, created_at, last_used_at FROM staff_passkeys \
             WHERE staff_id = $1 ORDER BY created_at, id",
        )
        .bind(user_id)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|row| {
            Ok(StoredPasskey {
                id: row.try_get("id")?,
                name: row.try_get("name")?,
                credential: row.try_get("credential")?,
                created_at: row.try_get("created_at")?,
                last_used_at: row.try_get("last_used_at")?,
            })
        })
        .collect()
    }

    /// Keeps a passkey the signed-in member just registered.
    pub async fn add_passkey(
        &self,
        user: &StaffUser,
        id: &str,
        name: &str,
        credential: &str,
        client: &Client,
    ) -> Result<(), PasskeyError> {
        let mut tx = self.write_tx().await?;
        let held: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM staff_passkeys WHERE staff_id = $1")
                .bind(user.id)
                .fetch_one(&mut *tx)
                .await?;
        if held >= MAX_PASSKEYS {
            return Err(PasskeyError::TooMany);
        }
        let added = sqlx::query(
            "INSERT INTO staff_passkeys (id, staff_id, name, credential, created_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING",
        )
        .bind(id)
        .bind(user.id)
        .bind(name)
        .bind(credential)
        .bind(self.now_unix())
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if !added {
            return Err(PasskeyError::Taken);
        }
        self.audit_account(
            &mut tx,
            Actor::Staff { id: user.id },
            action::FACTOR_ENROLLED,
            &account_subject(user.id),
            client,
            &[("factor", "passkey".into()), ("name", name.into())],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Removes one of the member's passkeys; `false` when it is not theirs.
    pub async fn remove_passkey(
        &self,
        user: &StaffUser,
        id: &str,
        client: &Client,
    ) -> Result<bool, StoreError> {
        let mut tx = self.write_tx().await?;
        let removed = sqlx::query("DELETE FROM staff_passkeys WHERE id = $1 AND staff_id = $2")
            .bind(id)
            .bind(user.id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
            == 1;
        if removed {
            self.audit_account(
                &mut tx,
                Actor::Staff { id: user.id },
                action::FACTOR_REMOVED,
                &account_subject(user.id),
                client,
                &[("factor", "passkey".into())],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(removed)
    }

    /// A passkey signed the sign-in: its record (the signature counter) is kept up to date and the
    /// account's failures are forgiven.
    pub async fn passkey_used(
        &self,
        user_id: i64,
        id: &str,
        credential: Option<&str>,
    ) -> Result<(), StoreError> {
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "UPDATE staff_passkeys SET last_used_at = $1, credential = COALESCE($2, credential) \
             WHERE id = $3 AND staff_id = $4",
        )
        .bind(self.now_unix())
        .bind(credential)
        .bind(id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE staff_users SET failed_logins = 0 WHERE id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A passkey's signature that did not check out: counted and audited like a wrong code.
    pub async fn passkey_refused(
        &self,
        user_id: i64,
        client: &Client,
    ) -> Result<LoginError, StoreError> {
        self.count_failure(user_id, "wrong_passkey", client, LoginError::InvalidCode)
            .await
    }
}

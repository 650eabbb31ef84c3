//! API keys of partner systems (the 12345 hotline, 爱山东) that submit applications and look
//! cases up through the public API with `Authorization: Bearer <key>`. A key reads
//! `jsj_<id>_<secret>`: the id finds its row, and only the SHA-256 of the whole key is kept, so
//! the database never holds a usable key. Administrators issue and revoke keys from the command
//! line; both are in the audit log.

use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::Row;
use time::OffsetDateTime;

use crate::audit::AuditEntry;
use crate::db::Store;
use crate::error::StoreError;
use casework::Actor;

const PREFIX: &str = "jsj_";
const ID_BYTES: usize = 6;
const SECRET_BYTES: usize = 32;

/// A key just issued. The key itself is shown once and never stored.
pub struct IssuedKey {
    pub id: String,
    pub key: String,
}

impl std::fmt::Debug for IssuedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "IssuedKey({}, ***)", self.id)
    }
}

/// A key as `api-key list` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKeyInfo {
    pub id: String,
    pub name: String,
    pub submissions_per_hour: i64,
    pub created_at: OffsetDateTime,
    pub revoked_at: Option<OffsetDateTime>,
}

/// The partner system a valid key belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partner {
    pub id: String,
    pub name: String,
    pub submissions_per_hour: u32,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiKeyError {
    #[error("the name must not be empty")]
    EmptyName,
    #[error("the allowance must be at least 1 submission an hour")]
    NoAllowance,
    #[error("no API key has the id {0:?}")]
    NotFound(String),
    #[error("the API key {0:?} is revoked already")]
    AlreadyRevoked(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for ApiKeyError {
    fn from(e: sqlx::Error) -> Self {
        ApiKeyError::Store(e.into())
    }
}

fn key_hash(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

/// The id of a presented key, when it has the shape of one.
fn id_of(key: &str) -> Option<&str> {
    let (id, secret) = key.strip_prefix(PREFIX)?.split_once('_')?;
    let hex_of = |s: &str, bytes: usize| {
        s.len() == bytes * 2
            && s.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    };
    (hex_of(id, ID_BYTES) && hex_of(secret, SECRET_BYTES)).then_some(id)
}

impl Store {
    /// Issues a key for a partner system with its own hourly allowance of submissions; the audit
    /// entry names `by` (an administrator's command-line run: [`Actor::CLI`]).
    pub async fn issue_api_key(
        &self,
        name: &str,
        submissions_per_hour: u32,
        by: &Actor,
    ) -> Result<IssuedKey, ApiKeyError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(ApiKeyError::EmptyName);
        }
        if submissions_per_hour == 0 {
            return Err(ApiKeyError::NoAllowance);
        }
        let mut id = [0u8; ID_BYTES];
        let mut secret = [0u8; SECRET_BYTES];
        rand::thread_rng().fill_bytes(&mut id);
        rand::thread_rng().fill_bytes(&mut secret);
        let id = hex::encode(id);
        let key = format!("{PREFIX}{id}_{}", hex::encode(secret));
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "INSERT INTO api_keys (id, name, key_hash, submissions_per_hour, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&id)
        .bind(name)
        .bind(key_hash(&key))
        .bind(i64::from(submissions_per_hour))
        .bind(self.now_unix())
        .execute(&mut *tx)
        .await?;
        let detail =
            serde_json::json!({ "name": name, "submissions_per_hour": submissions_per_hour })
                .to_string();
        self.append_audit(
            &mut tx,
            AuditEntry {
                actor: by.clone(),
                action: "api_key.issue",
                subject: &id,
                detail: &detail,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(IssuedKey { id, key })
    }

    /// Revokes a key: from now on it answers 401. The audit entry names `by`.
    pub async fn revoke_api_key(&self, id: &str, by: &Actor) -> Result<(), ApiKeyError> {
        let id = id.trim();
        let mut tx = self.write_tx().await?;
        let revoked_at: Option<Option<i64>> =
            sqlx::query_scalar("SELECT revoked_at FROM api_keys WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        match revoked_at {
            None => return Err(ApiKeyError::NotFound(id.to_owned())),
            Some(Some(_)) => return Err(ApiKeyError::AlreadyRevoked(id.to_owned())),
            Some(None) => {}
        }
        sqlx::query("UPDATE api_keys SET revoked_at = $1 WHERE id = $2")
            .bind(self.now_unix())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        self.append_audit(
            &mut tx,
            AuditEntry {
                actor: by.clone(),
                action: "api_key.revoke",
                subject: id,
                detail: "{}",
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every key ever issued, oldest first (never the keys themselves).
    pub async fn api_keys(&self) -> Result<Vec<ApiKeyInfo>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, name, submissions_per_hour, created_at, revoked_at FROM api_keys ORDER BY created_at, id",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(ApiKeyInfo {
                    id: row.try_get("id")?,
                    name: row.try_get("name")?,
                    submissions_per_hour: row.try_get("submissions_per_hour")?,
                    created_at: crate::staff::unix_to_datetime(row.try_get("created_at")?)?,
                    revoked_at: row
                        .try_get::<Option<i64>, _>("revoked_at")?
                        .map(crate::staff::unix_to_datetime)
                        .transpose()?,
                })
            })
            .collect()
    }

    /// The partner a presented key belongs to; `None` for a key that is unknown, malformed or
    /// revoked.
    pub async fn partner_for_key(&self, presented: &str) -> Result<Option<Partner>, StoreError> {
        let Some(id) = id_of(presented.trim()) else {
            return Ok(None);
        };
        let Some(row) = sqlx::query(
            "SELECT name, key_hash, submissions_per_hour FROM api_keys WHERE id = $1 AND revoked_at IS NULL",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        else {
            return Ok(None);
        };
        let stored: String = row.try_get("key_hash")?;
        if !crate::applications::same_hash(&stored, &key_hash(presented.trim())) {
            return Ok(None);
        }
        let per_hour: i64 = row.try_get("submissions_per_hour")?;
        Ok(Some(Partner {
            id: id.to_owned(),
            name: row.try_get("name")?,
            submissions_per_hour: u32::try_from(per_hour).unwrap_or(u32::MAX),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_keys_of_the_right_shape_have_an_id() {
        let key = format!("jsj_{}_{}", "ab12cd34ef56", "0".repeat(64));
        assert_eq!(id_of(&key), Some("ab12cd34ef56"));
        assert_eq!(id_of("jsj_ab12cd34ef56_short"), None);
        assert_eq!(id_of(&key.to_uppercase()), None);
        assert_eq!(id_of("Bearer x"), None);
    }
}

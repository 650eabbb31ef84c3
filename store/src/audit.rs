//! The append-only audit log. Each entry's hash covers its fields and the previous entry's
//! hash, so editing or deleting any row breaks every hash after it.

use sha2::{Digest, Sha256};
use sqlx::{Any, Row, Transaction};

use crate::db::Store;
use crate::error::StoreError;

/// The `prev_hash` of the first entry.
const GENESIS: &str = "genesis";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry<'a> {
    pub actor: Option<i64>,
    pub action: &'a str,
    pub subject: &'a str,
    /// JSON with whatever else the action needs remembered.
    pub detail: &'a str,
}

/// What `verify_audit_log` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditVerification {
    Intact { entries: u64 },
    Broken { entry_id: i64, reason: &'static str },
}

fn entry_hash(
    prev_hash: &str,
    at: i64,
    actor: Option<i64>,
    action: &str,
    subject: &str,
    detail: &str,
) -> String {
    let mut hasher = Sha256::new();
    for part in [
        prev_hash,
        &at.to_string(),
        &actor.map(|a| a.to_string()).unwrap_or_default(),
        action,
        subject,
        detail,
    ] {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part.as_bytes());
    }
    hex::encode(hasher.finalize())
}

impl Store {
    /// Appends inside the caller's write transaction, so the entry and the change it records
    /// commit together or not at all.
    pub(crate) async fn append_audit(
        &self,
        tx: &mut Transaction<'static, Any>,
        entry: AuditEntry<'_>,
    ) -> Result<(), StoreError> {
        let prev_hash: Option<String> =
            sqlx::query_scalar("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1")
                .fetch_optional(&mut **tx)
                .await?;
        let prev_hash = prev_hash.unwrap_or_else(|| GENESIS.to_owned());
        let at = self.now_unix();
        let hash = entry_hash(
            &prev_hash,
            at,
            entry.actor,
            entry.action,
            entry.subject,
            entry.detail,
        );
        sqlx::query(
            "INSERT INTO audit_log (at, actor, action, subject, detail, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(at)
        .bind(entry.actor)
        .bind(entry.action)
        .bind(entry.subject)
        .bind(entry.detail)
        .bind(&prev_hash)
        .bind(&hash)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// Records that a member of staff read something personal (a case, a document).
    pub async fn record_staff_read(
        &self,
        staff: &crate::staff::StaffUser,
        action: &str,
        subject: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.write_tx().await?;
        self.append_audit(
            &mut tx,
            AuditEntry {
                actor: Some(staff.id),
                action,
                subject,
                detail: "{}",
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The (action, detail) of every entry about one subject, oldest first.
    pub async fn audit_entries_of(
        &self,
        subject: &str,
    ) -> Result<Vec<(String, String)>, StoreError> {
        sqlx::query("SELECT action, detail FROM audit_log WHERE subject = $1 ORDER BY id")
            .bind(subject)
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|row| Ok((row.try_get("action")?, row.try_get("detail")?)))
            .collect()
    }

    /// Recomputes the chain from the first entry.
    pub async fn verify_audit_log(&self) -> Result<AuditVerification, StoreError> {
        let rows = sqlx::query("SELECT id, at, actor, action, subject, detail, prev_hash, hash FROM audit_log ORDER BY id")
            .fetch_all(self.pool())
            .await?;
        let mut expected_prev = GENESIS.to_owned();
        for row in &rows {
            let id: i64 = row.try_get("id")?;
            let prev_hash: String = row.try_get("prev_hash")?;
            if prev_hash != expected_prev {
                return Ok(AuditVerification::Broken {
                    entry_id: id,
                    reason: "an entry before it was changed or deleted",
                });
            }
            let hash: String = row.try_get("hash")?;
            let computed = entry_hash(
                &prev_hash,
                row.try_get("at")?,
                row.try_get("actor")?,
                &row.try_get::<String, _>("action")?,
                &row.try_get::<String, _>("subject")?,
                &row.try_get::<String, _>("detail")?,
            );
            if computed != hash {
                return Ok(AuditVerification::Broken {
                    entry_id: id,
                    reason: "its content was changed",
                });
            }
            expected_prev = hash;
        }
        Ok(AuditVerification::Intact {
            entries: rows.len() as u64,
        })
    }
}

//! The append-only audit log. Each entry's hash covers its fields and the previous entry's
//! hash, so editing or deleting any row breaks every hash after it.
//!
//! Every entry names its [`Actor`] in `acted_by` (its text form) and, for a member of staff, the
//! account id in `actor`. Entries written before `acted_by` existed have it empty and hash their
//! six original fields (previous hash, time, staff id, action, subject, detail); an entry with an
//! actor text hashes those six and then the text. The portal never writes an empty actor text, so
//! changing, adding or blanking one breaks the entry's hash.

use casework::Actor;
use sha2::{Digest, Sha256};
use sqlx::{Any, Row, Transaction};

use crate::db::{Backend, Store};
use crate::error::StoreError;

/// The `prev_hash` of the first entry.
const GENESIS: &str = "genesis";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry<'a> {
    pub actor: Actor,
    pub action: &'a str,
    pub subject: &'a str,
    /// JSON with whatever else the action needs remembered.
    pub detail: &'a str,
}

/// The end of the chain: how many entries, and the hash of the last one (`genesis` when empty).
/// Written as `COUNT:HASH`, the form an operator keeps outside the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditHead {
    pub entries: u64,
    pub hash: String,
}

impl std::fmt::Display for AuditHead {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.entries, self.hash)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuditHeadError {
    #[error("expected COUNT:HASH, e.g. 1234:9f86d08…, as `server audit head` prints it")]
    Shape,
    #[error("the count before the colon is not a whole number")]
    Count,
    #[error(
        "the hash after the colon is not 64 hexadecimal digits (or `genesis` for an empty log)"
    )]
    Hash,
}

impl std::str::FromStr for AuditHead {
    type Err = AuditHeadError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (count, hash) = s.trim().split_once(':').ok_or(AuditHeadError::Shape)?;
        let entries = count.parse().map_err(|_| AuditHeadError::Count)?;
        let hash = hash.to_ascii_lowercase();
        let well_formed = if entries == 0 {
            hash == GENESIS
        } else {
            hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit())
        };
        if !well_formed {
            return Err(AuditHeadError::Hash);
        }
        Ok(AuditHead { entries, hash })
    }
}

/// What `verify_audit_log` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditVerification {
    Intact {
        entries: u64,
    },
    /// An entry's own hash or its link to the one before does not check out.
    Broken {
        entry_id: i64,
        reason: &'static str,
    },
    /// The chain checks out but ends elsewhere than the head row says: entries were removed from
    /// the end (fewer than recorded), or the head was tampered with.
    HeadMismatch {
        recorded: AuditHead,
        found: AuditHead,
    },
    /// The chain does not hold the head anchored outside the database.
    AnchorMismatch {
        anchored: AuditHead,
        found: AuditHead,
    },
}

/// An entry as the log keeps it, for reading it back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    pub id: i64,
    /// Unix seconds.
    pub at: i64,
    /// Who made it; `None` for an entry written before actors were recorded that names no member
    /// of staff.
    pub actor: Option<Actor>,
    pub action: String,
    pub subject: String,
    pub detail: String,
}

/// The fields an entry's hash covers.
struct Hashed<'a> {
    prev_hash: &'a str,
    at: i64,
    staff_id: Option<i64>,
    action: &'a str,
    subject: &'a str,
    detail: &'a str,
    /// The actor's text form; empty only in entries written before it was recorded.
    acted_by: &'a str,
}

fn entry_hash(entry: &Hashed<'_>) -> String {
    let mut hasher = Sha256::new();
    let at = entry.at.to_string();
    let staff_id = entry.staff_id.map(|a| a.to_string()).unwrap_or_default();
    let mut parts = vec![
        entry.prev_hash,
        &at,
        &staff_id,
        entry.action,
        entry.subject,
        entry.detail,
    ];
    if !entry.acted_by.is_empty() {
        parts.push(entry.acted_by);
    }
    for part in parts {
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
        // The head row is the lock every appender queues on: on PostgreSQL `FOR UPDATE` holds
        // it until this transaction ends, so two instances never chain onto the same entry; on
        // SQLite the write transaction (`BEGIN IMMEDIATE`) already lets one writer in at a time.
        let lock = match self.backend() {
            Backend::Postgres => " FOR UPDATE",
            Backend::Sqlite => "",
        };
        let head = sqlx::query(&format!(
            "SELECT entries, hash FROM audit_head WHERE id = 1{lock}"
        ))
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| StoreError::Corrupt("the audit log has no head row".into()))?;
        let prev_hash: String = head.try_get("hash")?;
        let at = self.now_unix();
        let staff_id = entry.actor.staff_id();
        let acted_by = entry.actor.to_string();
        let hash = entry_hash(&Hashed {
            prev_hash: &prev_hash,
            at,
            staff_id,
            action: entry.action,
            subject: entry.subject,
            detail: entry.detail,
            acted_by: &acted_by,
        });
        sqlx::query(
            "INSERT INTO audit_log (at, actor, action, subject, detail, prev_hash, hash, acted_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(at)
        .bind(staff_id)
        .bind(entry.action)
        .bind(entry.subject)
        .bind(entry.detail)
        .bind(&prev_hash)
        .bind(&hash)
        .bind(&acted_by)
        .execute(&mut **tx)
        .await?;
        sqlx::query("UPDATE audit_head SET entries = entries + 1, hash = $1 WHERE id = 1")
            .bind(&hash)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }

    /// The head of the chain as the database records it: how many entries, and the last hash.
    pub async fn audit_head(&self) -> Result<AuditHead, StoreError> {
        let row = sqlx::query("SELECT entries, hash FROM audit_head WHERE id = 1")
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::Corrupt("the audit log has no head row".into()))?;
        Ok(AuditHead {
            entries: u64::try_from(row.try_get::<i64, _>("entries")?)
                .map_err(|_| StoreError::Corrupt("a negative audit entry count".into()))?,
            hash: row.try_get("hash")?,
        })
    }

    /// Records that a member of staff read something personal (a case, a document).
    pub async fn record_staff_read(
        &self,
        staff: &crate::staff::StaffUser,
        action: &str,
        subject: &str,
    ) -> Result<(), StoreError> {
        self.record_staff_read_detail(staff, action, subject, "{}")
            .await
    }

    /// Records a staff read with what it showed (ids, never personal data).
    pub async fn record_staff_read_detail(
        &self,
        staff: &crate::staff::StaffUser,
        action: &str,
        subject: &str,
        detail: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.write_tx().await?;
        self.append_audit(
            &mut tx,
            AuditEntry {
                actor: Actor::Staff { id: staff.id },
                action,
                subject,
                detail,
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

    /// Entries oldest first, with who made each: all of them, or those about one subject.
    pub async fn audit_records(
        &self,
        subject: Option<&str>,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        let columns = "SELECT id, at, actor, acted_by, action, subject, detail FROM audit_log";
        let rows = match subject {
            Some(subject) => {
                sqlx::query(&format!("{columns} WHERE subject = $1 ORDER BY id"))
                    .bind(subject)
                    .fetch_all(self.pool())
                    .await?
            }
            None => {
                sqlx::query(&format!("{columns} ORDER BY id"))
                    .fetch_all(self.pool())
                    .await?
            }
        };
        rows.iter()
            .map(|row| {
                let id: i64 = row.try_get("id")?;
                let acted_by: String = row.try_get("acted_by")?;
                let actor = if acted_by.is_empty() {
                    row.try_get::<Option<i64>, _>("actor")?
                        .map(|id| Actor::Staff { id })
                } else {
                    Some(acted_by.parse().map_err(|e| {
                        StoreError::Corrupt(format!("the actor of audit entry {id}: {e}"))
                    })?)
                };
                Ok(AuditRecord {
                    id,
                    at: row.try_get("at")?,
                    actor,
                    action: row.try_get("action")?,
                    subject: row.try_get("subject")?,
                    detail: row.try_get("detail")?,
                })
            })
            .collect()
    }

    /// Recomputes the chain from the first entry and compares its end with the head row.
    pub async fn verify_audit_log(&self) -> Result<AuditVerification, StoreError> {
        self.verify_audit_log_against(None).await
    }

    /// [`Store::verify_audit_log`], and, when given, checks a head anchored outside the database
    /// earlier (`expected`): the log must still hold that many entries, the last of them with
    /// that hash.
    pub async fn verify_audit_log_against(
        &self,
        expected: Option<&AuditHead>,
    ) -> Result<AuditVerification, StoreError> {
        let rows = sqlx::query("SELECT id, at, actor, action, subject, detail, prev_hash, hash, acted_by FROM audit_log ORDER BY id")
            .fetch_all(self.pool())
            .await?;
        let mut expected_prev = GENESIS.to_owned();
        let mut hashes = Vec::with_capacity(rows.len());
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
            let computed = entry_hash(&Hashed {
                prev_hash: &prev_hash,
                at: row.try_get("at")?,
                staff_id: row.try_get("actor")?,
                action: &row.try_get::<String, _>("action")?,
                subject: &row.try_get::<String, _>("subject")?,
                detail: &row.try_get::<String, _>("detail")?,
                acted_by: &row.try_get::<String, _>("acted_by")?,
            });
            if computed != hash {
                return Ok(AuditVerification::Broken {
                    entry_id: id,
                    reason: "its content was changed",
                });
            }
            hashes.push(hash.clone());
            expected_prev = hash;
        }
        let found = AuditHead {
            entries: hashes.len() as u64,
            hash: expected_prev,
        };
        let head = self.audit_head().await?;
        if head != found {
            return Ok(AuditVerification::HeadMismatch {
                recorded: head,
                found,
            });
        }
        if let Some(expected) = expected {
            let at_anchor = match expected.entries {
                0 => Some(GENESIS),
                n => usize::try_from(n - 1)
                    .ok()
                    .and_then(|i| hashes.get(i))
                    .map(String::as_str),
            };
            if at_anchor != Some(expected.hash.as_str()) {
                return Ok(AuditVerification::AnchorMismatch {
                    anchored: expected.clone(),
                    found,
                });
            }
        }
        Ok(AuditVerification::Intact {
            entries: found.entries,
        })
    }
}

//! Administrators' edits of handbook policies. The content files are the base; each saved edit
//! is a new version, the newest one is served, and every save is in the audit log.

use sqlx::Row;

use crate::audit::AuditEntry;
use crate::db::Store;
use crate::error::StoreError;
use crate::staff::StaffUser;
use casework::Actor;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyVersion {
    pub version: i64,
    pub note: String,
    pub editor: String,
    pub edited_at: time::OffsetDateTime,
}

/// Why an edit based on a version was not saved.
#[derive(Debug, thiserror::Error)]
pub enum PolicySaveError {
    /// Someone saved the policy after the version this edit started from: saving would silently
    /// undo their change.
    #[error("the policy was saved as version {latest} after version {base}, which this edit started from")]
    Stale { base: i64, latest: i64 },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// One saved version of a policy, with who saved it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedPolicy {
    pub version: i64,
    /// The policy as JSON.
    pub content: String,
    pub editor: String,
}

/// Changes whenever a policy edit is saved anywhere: what the instances compare to see that
/// their handbook is out of date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PolicyEditsMark {
    count: i64,
    last_id: i64,
}

impl Store {
    /// Saves `content` as the next version of `slug`, but only when `base_version` (the version
    /// the editor's form was filled from; 0 for the content files) is still the newest: checked
    /// inside the write transaction, so of two administrators saving from the same version, the
    /// second is refused instead of overwriting the first.
    pub async fn save_policy_version_from(
        &self,
        slug: &str,
        base_version: i64,
        content: &str,
        note: &str,
        editor: &StaffUser,
    ) -> Result<i64, PolicySaveError> {
        let mut tx = self.write_tx().await?;
        let latest: Option<i64> =
            sqlx::query_scalar("SELECT MAX(version) FROM policy_versions WHERE slug = $1")
                .bind(slug)
                .fetch_one(&mut *tx)
                .await
                .map_err(StoreError::from)?;
        let latest = latest.unwrap_or(0);
        if latest != base_version {
            return Err(PolicySaveError::Stale {
                base: base_version,
                latest,
            });
        }
        let version = latest + 1;
        let inserted = sqlx::query(
            "INSERT INTO policy_versions (slug, version, content, note, edited_by, edited_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(slug)
        .bind(version)
        .bind(content)
        .bind(note)
        .bind(editor.id)
        .bind(self.now_unix())
        .execute(&mut *tx)
        .await;
        match inserted {
            Ok(_) => {}
            // On PostgreSQL two saves from the same version can both pass the check above; the
            // unique (slug, version) lets one in and stops the other here.
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                return Err(PolicySaveError::Stale {
                    base: base_version,
                    latest: version,
                })
            }
            Err(e) => return Err(StoreError::from(e).into()),
        }
        let detail = serde_json::json!({ "version": version, "base": base_version, "note": note })
            .to_string();
        self.append_audit(
            &mut tx,
            AuditEntry {
                actor: Actor::Staff { id: editor.id },
                action: "policy.edit",
                subject: slug,
                detail: &detail,
            },
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(version)
    }

    /// The newest saved version of a policy, if it was ever edited.
    pub async fn latest_policy_version(
        &self,
        slug: &str,
    ) -> Result<Option<SavedPolicy>, StoreError> {
        let row = sqlx::query(
            "SELECT v.version, v.content, s.display_name FROM policy_versions v \
             JOIN staff_users s ON s.id = v.edited_by WHERE v.slug = $1 ORDER BY v.version DESC LIMIT 1",
        )
        .bind(slug)
        .fetch_optional(self.pool())
        .await?;
        row.map(|row| {
            Ok(SavedPolicy {
                version: row.try_get("version")?,
                content: row.try_get("content")?,
                editor: row.try_get("display_name")?,
            })
        })
        .transpose()
    }

    /// The content of one saved version of a policy.
    pub async fn policy_version_content(
        &self,
        slug: &str,
        version: i64,
    ) -> Result<Option<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT content FROM policy_versions WHERE slug = $1 AND version = $2",
        )
        .bind(slug)
        .bind(version)
        .fetch_optional(self.pool())
        .await?)
    }

    /// A cheap mark of all saved edits. The count is part of it because on PostgreSQL ids are
    /// handed out before commit: a save with a lower id can commit after one with a higher id,
    /// which the highest id alone would miss (the table only grows, so the count sees it).
    pub async fn policy_edits_mark(&self) -> Result<PolicyEditsMark, StoreError> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n, COALESCE(MAX(id), 0) AS last_id FROM policy_versions",
        )
        .fetch_one(self.pool())
        .await?;
        Ok(PolicyEditsMark {
            count: row.try_get("n")?,
            last_id: row.try_get("last_id")?,
        })
    }

    /// The newest saved version of every edited policy: (slug, content).
    pub async fn latest_policy_versions(&self) -> Result<Vec<(String, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT v.slug, v.content FROM policy_versions v \
             WHERE v.version = (SELECT MAX(w.version) FROM policy_versions w WHERE w.slug = v.slug) ORDER BY v.slug",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| Ok((row.try_get("slug")?, row.try_get("content")?)))
            .collect()
    }

    /// Who changed a policy when, newest first.
    pub async fn policy_history(&self, slug: &str) -> Result<Vec<PolicyVersion>, StoreError> {
        let rows = sqlx::query(
            "SELECT v.version, v.note, s.display_name, v.edited_at FROM policy_versions v \
             JOIN staff_users s ON s.id = v.edited_by WHERE v.slug = $1 ORDER BY v.version DESC",
        )
        .bind(slug)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(PolicyVersion {
                    version: row.try_get("version")?,
                    note: row.try_get("note")?,
                    editor: row.try_get("display_name")?,
                    edited_at: crate::staff::unix_to_datetime(row.try_get("edited_at")?)?,
                })
            })
            .collect()
    }
}

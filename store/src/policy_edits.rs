//! Administrators' edits of handbook policies. The content files are the base; each saved edit
//! is a new version, the newest one is served, and every save is in the audit log.

use sqlx::Row;

use crate::audit::AuditEntry;
use crate::db::Store;
use crate::error::StoreError;
use crate::staff::StaffUser;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyVersion {
    pub version: i64,
    pub note: String,
    pub editor: String,
    pub edited_at: time::OffsetDateTime,
}

impl Store {
    /// Saves `content` (the policy as JSON) as the next version of `slug`; returns its number.
    pub async fn save_policy_version(
        &self,
        slug: &str,
        content: &str,
        note: &str,
        editor: &StaffUser,
    ) -> Result<i64, StoreError> {
        let mut tx = self.write_tx().await?;
        let latest: Option<i64> =
            sqlx::query_scalar("SELECT MAX(version) FROM policy_versions WHERE slug = $1")
                .bind(slug)
                .fetch_one(&mut *tx)
                .await?;
        let version = latest.unwrap_or(0) + 1;
        sqlx::query(
            "INSERT INTO policy_versions (slug, version, content, note, edited_by, edited_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(slug)
        .bind(version)
        .bind(content)
        .bind(note)
        .bind(editor.id)
        .bind(self.now_unix())
        .execute(&mut *tx)
        .await?;
        let detail = serde_json::json!({ "version": version, "note": note }).to_string();
        self.append_audit(
            &mut tx,
            AuditEntry {
                actor: Some(editor.id),
                action: "policy.edit",
                subject: slug,
                detail: &detail,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(version)
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

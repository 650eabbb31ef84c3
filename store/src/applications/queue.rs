//! The caseworkers' queue: the applications of one county, emergencies first by their
//! advance-assistance deadline, then the rest oldest first. Every look at it is in the audit log.

use rules::Urgency;
use sqlx::Row;
use time::OffsetDateTime;

use crate::audit::AuditEntry;
use crate::county::County;
use crate::db::Store;
use crate::error::StoreError;
use crate::staff::{Role, StaffUser};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueItem {
    pub reference: String,
    pub applicant_name: String,
    pub status: String,
    pub submitted_at: OffsetDateTime,
    /// The emergency's urgency and when advance assistance is due.
    pub emergency: Option<(Urgency, OffsetDateTime)>,
    pub missing_documents: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    #[error("volunteers do not see cases")]
    NotAllowed,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// How many cases one page of the queue shows.
pub const QUEUE_PAGE: i64 = 100;

impl Store {
    /// The open cases of the staff member's own county (POLICY.md §5: staff see only their area).
    pub async fn case_queue(&self, staff: &StaffUser) -> Result<Vec<QueueItem>, QueueError> {
        if staff.role == Role::Volunteer {
            return Err(QueueError::NotAllowed);
        }
        let county: County = staff.county;
        let rows = sqlx::query(
            "SELECT a.reference, a.applicant_name_sealed, a.status, a.submitted_at, a.emergency_urgency, a.advance_due_at, \
             (SELECT COUNT(*) FROM application_documents d WHERE d.application_id = a.id AND d.status = 'missing') AS missing \
             FROM applications a WHERE a.county = $1 AND a.status NOT IN ('closed', 'withdrawn', 'rejected') \
             ORDER BY CASE WHEN a.advance_due_at IS NULL THEN 1 ELSE 0 END, a.advance_due_at, a.submitted_at, a.id LIMIT $2",
        )
        .bind(county.id())
        .bind(QUEUE_PAGE)
        .fetch_all(self.pool())
        .await
        .map_err(StoreError::from)?;
        let time = |seconds: i64| {
            OffsetDateTime::from_unix_timestamp(seconds)
                .map_err(|e| StoreError::Corrupt(e.to_string()))
        };
        let mut items = Vec::with_capacity(rows.len());
        for row in &rows {
            let urgency = row
                .try_get::<Option<String>, _>("emergency_urgency")
                .map_err(StoreError::from)?
                .and_then(|u| Urgency::parse(&u));
            let due = row
                .try_get::<Option<i64>, _>("advance_due_at")
                .map_err(StoreError::from)?;
            let emergency = match (urgency, due) {
                (Some(urgency), Some(due)) => Some((urgency, time(due)?)),
                _ => None,
            };
            items.push(QueueItem {
                reference: row.try_get("reference").map_err(StoreError::from)?,
                applicant_name: self.data_key().open(
                    &row.try_get::<String, _>("applicant_name_sealed")
                        .map_err(StoreError::from)?,
                )?,
                status: row.try_get("status").map_err(StoreError::from)?,
                submitted_at: time(row.try_get("submitted_at").map_err(StoreError::from)?)?,
                emergency,
                missing_documents: row.try_get("missing").map_err(StoreError::from)?,
            });
        }
        let mut tx = self.write_tx().await?;
        let detail = serde_json::json!({ "cases": items.len() }).to_string();
        self.append_audit(
            &mut tx,
            AuditEntry {
                actor: Some(staff.id),
                action: "cases.queue.view",
                subject: county.id(),
                detail: &detail,
            },
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(items)
    }
}

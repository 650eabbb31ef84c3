//! The caseworkers' queue: the open applications of one county in the order their deadlines
//! fall due, emergencies still owed advance help first, cases with no deadline of their own last.
//! Every look at it is in the audit log.

use rules::Urgency;
use sqlx::Row;
use time::OffsetDateTime;

use super::case::{case_times, TIME_COLUMNS};
use super::deadline::CaseTimes;
use crate::audit::AuditEntry;
use crate::county::County;
use crate::db::Store;
use crate::error::StoreError;
use crate::staff::{Role, StaffUser};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueItem {
    pub reference: String,
    pub applicant_name: String,
    /// The state and the times its deadline follows from (`times.next_step()`, `times.overdue(now)`).
    pub times: CaseTimes,
    /// The emergency's urgency, while advance help is still owed.
    pub emergency: Option<Urgency>,
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
        // Every case of the county still in someone's hands is read with its times (no names
        // yet), since the order follows deadlines computed from them; only the page shown is
        // unsealed. A rejected case stays until it is referred on or closed.
        let rows = sqlx::query(&format!(
            "SELECT a.reference, a.applicant_name_sealed, a.emergency_urgency, {TIME_COLUMNS}, \
             (SELECT COUNT(*) FROM application_documents d WHERE d.application_id = a.id AND d.status = 'missing') AS missing \
             FROM applications a WHERE a.county = $1 AND a.status NOT IN ('closed', 'withdrawn')"
        ))
        .bind(county.id())
        .fetch_all(self.pool())
        .await
        .map_err(StoreError::from)?;
        let mut cases = Vec::with_capacity(rows.len());
        for row in &rows {
            let times = case_times(row, self.workflow_limits())?;
            cases.push((queue_order(&times), times, row));
        }
        cases.sort_by_key(|case| case.0);
        cases.truncate(usize::try_from(QUEUE_PAGE).unwrap_or(usize::MAX));
        let mut items = Vec::with_capacity(cases.len());
        for (_, times, row) in cases {
            let emergency = row
                .try_get::<Option<String>, _>("emergency_urgency")
                .map_err(StoreError::from)?
                .and_then(|u| Urgency::parse(&u))
                .filter(|_| times.advance_owed());
            items.push(QueueItem {
                reference: row.try_get("reference").map_err(StoreError::from)?,
                applicant_name: self.data_key().open(
                    &row.try_get::<String, _>("applicant_name_sealed")
                        .map_err(StoreError::from)?,
                )?,
                times,
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

/// Where a case stands in the queue: advance help still owed first, then by the deadline being
/// worked to, then cases waiting on no deadline; the oldest first among equals.
fn queue_order(times: &CaseTimes) -> (bool, bool, Option<OffsetDateTime>, OffsetDateTime) {
    let due = times.next_step().deadline.map(|d| d.due_at);
    (
        !times.advance_owed(),
        due.is_none(),
        due,
        times.submitted_at,
    )
}

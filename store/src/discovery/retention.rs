//! The retention limit of imported data (PIPL Art. 19, 47): department records are deleted a
//! set number of days after they last arrived, and a candidate's personal columns (the head's
//! name, the evidence, the visit note) are emptied that long after it was found, unless its
//! visit is still open; its counts stay for the funnel.

use crate::db::Store;
use crate::error::StoreError;

/// What a purge removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Purged {
    pub records: u64,
    pub candidates_erased: u64,
}

impl Store {
    /// Deletes the department records and erases the candidates older than `days`.
    pub async fn purge_discovery(&self, days: i64) -> Result<Purged, StoreError> {
        let before = self.now_unix() - days * 24 * 3600;
        let mut tx = self.write_tx().await?;
        let records = sqlx::query("DELETE FROM discovery_records WHERE arrived_at < $1")
            .bind(before)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        let erased = sqlx::query(
            "UPDATE discovery_candidates SET name_sealed = '', evidence_sealed = '', outcome_note_sealed = NULL, erased_at = $2 \
             WHERE erased_at IS NULL AND found_at < $1 AND outcome IS NOT NULL",
        )
        .bind(before)
        .bind(self.now_unix())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if records + erased > 0 {
            let detail = serde_json::json!({ "records": records, "candidates_erased": erased, "days": days }).to_string();
            self.append_audit(
                &mut tx,
                crate::audit::AuditEntry {
                    actor: casework::Actor::System {
                        job: casework::Actor::HOUSEKEEPING.into(),
                    },
                    action: "discovery.purge",
                    subject: "discovery",
                    detail: &detail,
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(Purged {
            records,
            candidates_erased: erased,
        })
    }
}

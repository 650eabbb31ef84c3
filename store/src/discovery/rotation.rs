//! Moving discovery's sealed columns and keyed hashes to a new data key (`server rotate-key`).
//! Department records are keyed by the hash of a person's ID number, which only the register's
//! rows carry: they cannot be moved, and are removed (import the files again after rotating).
//! Candidates, their members, the opt-outs and the stop codes carry what their hashes are made
//! of, sealed, and are moved.

use sqlx::Row as _;

use crate::db::Store;
use crate::error::StoreError;
use crate::sealed::DataKey;

/// What the rotation did to discovery's data.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DiscoveryRotation {
    pub records_removed: u64,
    pub candidates: u64,
    pub opt_outs: u64,
    pub stop_codes: u64,
}

impl Store {
    pub(crate) async fn rotate_discovery(
        &self,
        old: &DataKey,
        new: &DataKey,
    ) -> Result<DiscoveryRotation, StoreError> {
        let opened = |sealed: &str| -> Result<String, StoreError> {
            if new.sealed_this(sealed) {
                new.open(sealed)
            } else {
                old.open(sealed)
            }
        };
        let mut done = DiscoveryRotation::default();
        let mut tx = self.write_tx().await?;
        done.records_removed = sqlx::query("DELETE FROM discovery_records")
            .execute(&mut *tx)
            .await?
            .rows_affected();
        let rows = sqlx::query(
            "SELECT id, name_sealed, evidence_sealed, outcome_note_sealed, erased_at FROM discovery_candidates",
        )
        .fetch_all(&mut *tx)
        .await?;
        for row in &rows {
            let id: i64 = row.try_get("id")?;
            let erased: Option<i64> = row.try_get("erased_at")?;
            if erased.is_some() {
                // Nothing personal is left to move; its household is no longer found by it.
                sqlx::query("UPDATE discovery_candidates SET household_index = '' WHERE id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                continue;
            }
            let evidence_text = opened(&row.try_get::<String, _>("evidence_sealed")?)?;
            let evidence: discovery::Evidence = serde_json::from_str(&evidence_text)
                .map_err(|e| StoreError::Corrupt(format!("evidence of candidate {id}: {e}")))?;
            let note: Option<String> = row.try_get("outcome_note_sealed")?;
            let note = note
                .map(|n| opened(&n).and_then(|n| new.seal(&n)))
                .transpose()?;
            sqlx::query(
                "UPDATE discovery_candidates SET household_index = $1, name_sealed = $2, evidence_sealed = $3, outcome_note_sealed = $4 WHERE id = $5",
            )
            .bind(super::runs::household_index(new, &evidence.household_no))
            .bind(new.seal(&opened(&row.try_get::<String, _>("name_sealed")?)?)?)
            .bind(new.seal(&evidence_text)?)
            .bind(note)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM discovery_candidate_members WHERE candidate_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            for member in &evidence.members {
                sqlx::query(
                    "INSERT INTO discovery_candidate_members (candidate_id, person_index) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                )
                .bind(id)
                .bind(new.index(&member.id_number))
                .execute(&mut *tx)
                .await?;
            }
            done.candidates += 1;
        }
        let opt_outs = sqlx::query("SELECT phone_index, phone_sealed FROM discovery_opt_outs")
            .fetch_all(&mut *tx)
            .await?;
        for row in &opt_outs {
            let phone = opened(&row.try_get::<String, _>("phone_sealed")?)?;
            sqlx::query(
                "UPDATE discovery_opt_outs SET phone_index = $1, phone_sealed = $2 WHERE phone_index = $3",
            )
            .bind(new.index(&phone))
            .bind(new.seal(&phone)?)
            .bind(row.try_get::<String, _>("phone_index")?)
            .execute(&mut *tx)
            .await?;
            done.opt_outs += 1;
        }
        let codes =
            sqlx::query("SELECT code_index, code_sealed, phone_sealed FROM discovery_stop_codes")
                .fetch_all(&mut *tx)
                .await?;
        for row in &codes {
            let code = opened(&row.try_get::<String, _>("code_sealed")?)?;
            let phone = opened(&row.try_get::<String, _>("phone_sealed")?)?;
            sqlx::query(
                "UPDATE discovery_stop_codes SET code_index = $1, code_sealed = $2, phone_index = $3, phone_sealed = $4 WHERE code_index = $5",
            )
            .bind(super::notices::stop_code_index(new, &code))
            .bind(new.seal(&code)?)
            .bind(new.index(&phone))
            .bind(new.seal(&phone)?)
            .bind(row.try_get::<String, _>("code_index")?)
            .execute(&mut *tx)
            .await?;
            done.stop_codes += 1;
        }
        tx.commit().await?;
        Ok(done)
    }
}

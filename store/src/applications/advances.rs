//! Advance assistance (先行救助, POLICY.md §3.4): given only on a case that declared an
//! emergency, at most the rules engine's 小额快救 cap for the household in all, each advance an
//! insert-only row (`advances`) with its amount, who recorded it and when. The case's
//! `advance_paid_at` (the first advance) and `advance_paid_fen` (the sum) follow the rows in the
//! same transaction, so every page reading them shows the same as before.

use rules::{Assessment, EmergencyRequest, HouseholdRequest, Standards};
use sqlx::{Any, Row, Transaction};
use time::OffsetDateTime;

use super::act::ActError;
use super::case::timestamp;
use crate::db::Store;
use crate::error::StoreError;
use crate::staff::StaffUser;

/// One advance given on a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdvanceRecord {
    pub amount_fen: i64,
    pub at: OffsetDateTime,
    /// The display name of the member of staff who recorded it; `None` only for an advance
    /// recorded before advances had their own table, whose recorder was not found.
    pub recorded_by: Option<String>,
    pub note: String,
}

/// The household of a case assessed by the rules engine with these standards, the declared
/// emergency included (the §6 request may carry it beside the household rather than in it).
/// `None` when the stored household no longer reads as one.
pub fn case_assessment(
    standards: &Standards,
    household: &HouseholdRequest,
    emergency: Option<(&str, &str)>,
) -> Option<Assessment> {
    let mut request = household.clone();
    if let (None, Some((kind, urgency))) = (&request.emergency, emergency) {
        request.emergency = Some(EmergencyRequest {
            kind: Some(kind.to_owned()),
            urgency: Some(urgency.to_owned()),
        });
    }
    let household = rules::Household::parse(&request).ok()?;
    Some(rules::evaluate(standards, &household))
}

/// The most advance assistance the household may get in all, in whole yuan: the rules engine's
/// `advance_cap` (quick_relief_months × dibao_standard × N). `None` without an emergency.
pub fn advance_cap_yuan(assessment: Option<&Assessment>) -> Option<i64> {
    assessment?
        .programme(rules::ProgrammeId::TemporaryEmergency)
        .and_then(|p| p.advance_cap)
}

/// An advance about to be recorded, with the cap read from its case.
#[derive(Debug, Clone, Copy)]
pub(super) struct NewAdvance<'a> {
    pub amount_fen: i64,
    pub cap_fen: i64,
    pub note: &'a str,
    pub at: i64,
}

impl Store {
    /// The cap, in fen, of an emergency case read with `emergency_kind, emergency_urgency,
    /// household_sealed, submitted_at`; refused when the case declared no emergency.
    pub(super) fn advance_cap_fen(&self, row: &sqlx::any::AnyRow) -> Result<i64, ActError> {
        let kind: Option<String> = row.try_get("emergency_kind")?;
        let urgency: Option<String> = row.try_get("emergency_urgency")?;
        let (Some(kind), Some(urgency)) = (kind, urgency) else {
            return Err(ActError::NoEmergency);
        };
        let household: HouseholdRequest = serde_json::from_str(
            &self
                .data_key()
                .open(&row.try_get::<String, _>("household_sealed")?)?,
        )
        .map_err(|e| StoreError::Corrupt(format!("a stored household: {e}")))?;
        // The standards in force on the day the case was submitted, however late it is acted on.
        let submitted_at = super::case::timestamp(row.try_get("submitted_at")?)?;
        let standards = self.standards().at(submitted_at);
        let assessment = case_assessment(standards, &household, Some((&kind, &urgency)));
        let cap = advance_cap_yuan(assessment.as_ref()).ok_or_else(|| {
            StoreError::Corrupt("an emergency case whose advance cap cannot be computed".into())
        })?;
        Ok(cap.saturating_mul(100))
    }

    /// Records one advance, after the caller has locked the case (its state changed in `tx`), so
    /// two advances at once cannot both fit under the cap.
    pub(super) async fn record_advance(
        &self,
        tx: &mut Transaction<'static, Any>,
        staff: &StaffUser,
        id: i64,
        advance: NewAdvance<'_>,
    ) -> Result<(), ActError> {
        let NewAdvance {
            amount_fen,
            cap_fen,
            note,
            at,
        } = advance;
        let paid: i64 = sqlx::query_scalar(
            "SELECT CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) FROM advances WHERE application_id = $1",
        )
        .bind(id)
        .fetch_one(&mut **tx)
        .await?;
        if paid.saturating_add(amount_fen) > cap_fen {
            return Err(ActError::AdvanceOverCap {
                cap_fen,
                paid_fen: paid,
            });
        }
        sqlx::query(
            "INSERT INTO advances (application_id, amount_fen, recorded_by, at, note) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(amount_fen)
        .bind(staff.id)
        .bind(at)
        .bind(note)
        .execute(&mut **tx)
        .await?;
        sqlx::query(
            "UPDATE applications SET advance_paid_at = COALESCE(advance_paid_at, $1), advance_paid_fen = $2 WHERE id = $3",
        )
        .bind(at)
        .bind(paid + amount_fen)
        .bind(id)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// Every advance given on a case, oldest first.
    pub(crate) async fn case_advances(&self, id: i64) -> Result<Vec<AdvanceRecord>, StoreError> {
        sqlx::query(
            "SELECT v.amount_fen, v.at, v.note, s.display_name FROM advances v \
             LEFT JOIN staff_users s ON s.id = v.recorded_by WHERE v.application_id = $1 ORDER BY v.id",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            Ok(AdvanceRecord {
                amount_fen: r.try_get("amount_fen")?,
                at: timestamp(r.try_get("at")?)?,
                recorded_by: r.try_get("display_name")?,
                note: r.try_get("note")?,
            })
        })
        .collect()
    }
}

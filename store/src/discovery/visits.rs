//! The visit lists by township and village, a candidate's evidence, and the visit's outcome.
//! Every look at a candidate is recorded in the audit log.

use discovery::{Evidence, VisitOutcome};
use rules::ProgrammeId;
use sqlx::Row as _;

use crate::db::Store;
use crate::error::StoreError;
use crate::staff::{Role, StaffUser};

/// Open visits in one place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceCount {
    pub township: String,
    pub village: String,
    pub open: u64,
    pub overdue: u64,
    pub visited: u64,
}

/// One household on a visit list.
#[derive(Debug, Clone, PartialEq)]
pub struct VisitLine {
    pub id: i64,
    pub township: String,
    pub village: String,
    pub name: String,
    pub programme: ProgrammeId,
    pub score: u8,
    pub due_at: i64,
    pub overdue: bool,
    pub outcome: Option<VisitOutcome>,
}

/// A candidate with its evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct CandidateView {
    pub id: i64,
    pub county: String,
    pub township: String,
    pub village: String,
    pub programme: ProgrammeId,
    pub eligible: Vec<ProgrammeId>,
    pub monthly_amount: Option<i64>,
    pub score: u8,
    pub sources: discovery::KindSet,
    pub standards_year: i64,
    pub found_at: i64,
    pub due_at: i64,
    pub overdue: bool,
    pub notified_at: Option<i64>,
    pub outcome: Option<VisitOutcome>,
    pub outcome_note: Option<String>,
    pub outcome_at: Option<i64>,
    pub outcome_by: Option<String>,
    /// `None` once erased at the end of the retention period.
    pub evidence: Option<Evidence>,
}

#[derive(Debug, thiserror::Error)]
pub enum VisitError {
    #[error("no such candidate in this county")]
    NotFound,
    #[error("only caseworkers, supervisors and administrators see candidates")]
    NotAllowed,
    #[error("the visit's outcome is already recorded")]
    AlreadyRecorded,
    #[error("say why the household is not eligible")]
    ReasonNeeded,
    #[error("the note is longer than {0} characters")]
    TooLong(usize),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The longest note a visit may carry.
pub const NOTE_MAX_CHARS: usize = 500;

fn may_see(staff: &StaffUser) -> Result<(), VisitError> {
    match staff.role {
        Role::Caseworker | Role::Supervisor | Role::Admin => Ok(()),
        Role::Volunteer => Err(VisitError::NotAllowed),
    }
}

fn programme(text: &str) -> Result<ProgrammeId, StoreError> {
    ProgrammeId::parse(text).ok_or_else(|| StoreError::Corrupt(format!("a programme {text}")))
}

fn outcome(text: Option<String>) -> Option<VisitOutcome> {
    text.as_deref().and_then(VisitOutcome::parse)
}

impl Store {
    /// The county's places with visits, with how many are open and overdue.
    pub async fn discovery_places(&self, staff: &StaffUser) -> Result<Vec<PlaceCount>, VisitError> {
        may_see(staff)?;
        let now = self.now_unix();
        let rows = sqlx::query(
            "SELECT township, village, \
             SUM(CASE WHEN outcome IS NULL THEN 1 ELSE 0 END) AS open, \
             SUM(CASE WHEN outcome IS NULL AND due_at < $2 THEN 1 ELSE 0 END) AS overdue, \
             SUM(CASE WHEN outcome IS NULL THEN 0 ELSE 1 END) AS visited \
             FROM discovery_candidates WHERE county = $1 AND erased_at IS NULL \
             GROUP BY township, village ORDER BY township, village",
        )
        .bind(staff.county.id())
        .bind(now)
        .fetch_all(self.pool())
        .await
        .map_err(StoreError::from)?;
        rows.iter()
            .map(|row| {
                Ok(PlaceCount {
                    township: row.try_get("township").map_err(StoreError::from)?,
                    village: row.try_get("village").map_err(StoreError::from)?,
                    open: row.try_get::<i64, _>("open").map_err(StoreError::from)? as u64,
                    overdue: row.try_get::<i64, _>("overdue").map_err(StoreError::from)? as u64,
                    visited: row.try_get::<i64, _>("visited").map_err(StoreError::from)? as u64,
                })
            })
            .collect()
    }

    /// The visit list of one township of the staff member's county (open visits first, by
    /// deadline), recorded in the audit log as a look at those candidates.
    pub async fn discovery_visit_list(
        &self,
        staff: &StaffUser,
        township: &str,
    ) -> Result<Vec<VisitLine>, VisitError> {
        may_see(staff)?;
        let now = self.now_unix();
        let rows = sqlx::query(
            "SELECT id, township, village, name_sealed, programme, score, due_at, outcome FROM discovery_candidates \
             WHERE county = $1 AND township = $2 AND erased_at IS NULL \
             ORDER BY CASE WHEN outcome IS NULL THEN 0 ELSE 1 END, village, due_at, id LIMIT 2000",
        )
        .bind(staff.county.id())
        .bind(township)
        .fetch_all(self.pool())
        .await
        .map_err(StoreError::from)?;
        let mut lines = Vec::with_capacity(rows.len());
        for row in &rows {
            let due_at: i64 = row.try_get("due_at").map_err(StoreError::from)?;
            let outcome = outcome(row.try_get("outcome").map_err(StoreError::from)?);
            let name: String = row.try_get("name_sealed").map_err(StoreError::from)?;
            lines.push(VisitLine {
                id: row.try_get("id").map_err(StoreError::from)?,
                township: row.try_get("township").map_err(StoreError::from)?,
                village: row.try_get("village").map_err(StoreError::from)?,
                name: self.data_key().open(&name)?,
                programme: programme(
                    &row.try_get::<String, _>("programme")
                        .map_err(StoreError::from)?,
                )?,
                score: row.try_get::<i64, _>("score").map_err(StoreError::from)? as u8,
                due_at,
                overdue: outcome.is_none() && due_at < now,
                outcome,
            });
        }
        let ids: Vec<String> = lines.iter().map(|l| l.id.to_string()).collect();
        let detail = serde_json::json!({ "township": township, "candidates": ids }).to_string();
        self.record_staff_read_detail(
            staff,
            "discovery.list",
            &format!("township:{township}"),
            &detail,
        )
        .await?;
        Ok(lines)
    }

    /// One candidate of the staff member's county with its evidence; the look is audited.
    pub async fn discovery_candidate(
        &self,
        staff: &StaffUser,
        id: i64,
    ) -> Result<CandidateView, VisitError> {
        may_see(staff)?;
        let row = sqlx::query(
            "SELECT id, county, township, village, programme, eligible, monthly_amount, score, sources, standards_year, \
             found_at, due_at, notified_at, outcome, outcome_note_sealed, outcome_at, outcome_by, evidence_sealed, erased_at \
             FROM discovery_candidates WHERE id = $1 AND county = $2",
        )
        .bind(id)
        .bind(staff.county.id())
        .fetch_optional(self.pool())
        .await
        .map_err(StoreError::from)?
        .ok_or(VisitError::NotFound)?;
        let get_s = |name: &str| -> Result<String, StoreError> { Ok(row.try_get(name)?) };
        let get_i = |name: &str| -> Result<i64, StoreError> { Ok(row.try_get(name)?) };
        let get_o = |name: &str| -> Result<Option<i64>, StoreError> { Ok(row.try_get(name)?) };
        let erased = get_o("erased_at")?.is_some();
        let evidence = if erased {
            None
        } else {
            let text = self.data_key().open(&get_s("evidence_sealed")?)?;
            Some(
                serde_json::from_str(&text)
                    .map_err(|e| StoreError::Corrupt(format!("evidence: {e}")))?,
            )
        };
        let note: Option<String> = row
            .try_get("outcome_note_sealed")
            .map_err(StoreError::from)?;
        let outcome = outcome(row.try_get("outcome").map_err(StoreError::from)?);
        let due_at = get_i("due_at")?;
        let view = CandidateView {
            id,
            county: get_s("county")?,
            township: get_s("township")?,
            village: get_s("village")?,
            programme: programme(&get_s("programme")?)?,
            eligible: get_s("eligible")?
                .split(',')
                .filter_map(ProgrammeId::parse)
                .collect(),
            monthly_amount: get_o("monthly_amount")?,
            score: get_i("score")? as u8,
            sources: discovery::KindSet(get_i("sources")? as u32),
            standards_year: get_i("standards_year")?,
            found_at: get_i("found_at")?,
            due_at,
            overdue: outcome.is_none() && due_at < self.now_unix(),
            notified_at: get_o("notified_at")?,
            outcome,
            outcome_note: match note {
                Some(sealed) if !erased => Some(self.data_key().open(&sealed)?),
                _ => None,
            },
            outcome_at: get_o("outcome_at")?,
            outcome_by: row.try_get("outcome_by").map_err(StoreError::from)?,
            evidence,
        };
        self.record_staff_read(
            staff,
            "discovery.candidate.view",
            &format!("discovery_candidate:{id}"),
        )
        .await?;
        Ok(view)
    }

    /// Records what the visit found, once, by the staff member, in the audit log.
    pub async fn record_discovery_visit(
        &self,
        staff: &StaffUser,
        id: i64,
        outcome: VisitOutcome,
        note: &str,
    ) -> Result<(), VisitError> {
        may_see(staff)?;
        let note = note.trim();
        if note.chars().count() > NOTE_MAX_CHARS {
            return Err(VisitError::TooLong(NOTE_MAX_CHARS));
        }
        if outcome == VisitOutcome::NotEligible && note.is_empty() {
            return Err(VisitError::ReasonNeeded);
        }
        let mut tx = self.write_tx().await?;
        let current: Option<Option<String>> = sqlx::query_scalar(
            "SELECT outcome FROM discovery_candidates WHERE id = $1 AND county = $2",
        )
        .bind(id)
        .bind(staff.county.id())
        .fetch_optional(&mut *tx)
        .await
        .map_err(StoreError::from)?;
        match current {
            None => return Err(VisitError::NotFound),
            Some(Some(_)) => return Err(VisitError::AlreadyRecorded),
            Some(None) => {}
        }
        let by = casework::Actor::Staff { id: staff.id };
        let sealed = if note.is_empty() {
            None
        } else {
            Some(self.data_key().seal(note)?)
        };
        sqlx::query(
            "UPDATE discovery_candidates SET outcome = $1, outcome_note_sealed = $2, outcome_at = $3, outcome_by = $4 WHERE id = $5",
        )
        .bind(outcome.as_str())
        .bind(sealed)
        .bind(self.now_unix())
        .bind(by.to_string())
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(StoreError::from)?;
        let detail = serde_json::json!({ "outcome": outcome }).to_string();
        self.append_audit(
            &mut tx,
            crate::audit::AuditEntry {
                actor: by,
                action: "discovery.visit",
                subject: &format!("discovery_candidate:{id}"),
                detail: &detail,
            },
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }
}

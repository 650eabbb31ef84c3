//! 一事一议 as a procedure: the resident (or whoever helps them) tells the hardship in their own
//! words; a caseworker schedules the deliberation; the meeting's record (the day it was held,
//! who sat, the minutes, its decision and the reason) is kept, due a few working days after the
//! meeting. A case in deliberation is decided only after its record, and only as the meeting
//! decided (`act_on_case` checks it); the decision then reaches the resident like any other.

use casework::Actor;
use sqlx::{Any, Row as _, Transaction};
use time::{Date, OffsetDateTime};

use crate::applications::CaseKey;
use crate::audit::AuditEntry;
use crate::db::Store;
use crate::discovery::{day_number, from_day_number};
use crate::error::StoreError;
use crate::staff::{Role, StaffUser};

/// The longest hardship, minutes or reason kept, in characters.
pub const DELIBERATION_TEXT_MAX_CHARS: usize = 2000;
/// The fewest people at a deliberation: a decision is not one person's.
pub const MIN_MEMBERS: usize = 3;
/// The record is due this many working days after the meeting day.
pub const RECORD_WITHIN_WORKING_DAYS: i64 = 3;

/// What the meeting decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeetingDecision {
    Approve,
    Reject,
}

impl MeetingDecision {
    pub fn as_str(self) -> &'static str {
        match self {
            MeetingDecision::Approve => "approve",
            MeetingDecision::Reject => "reject",
        }
    }

    pub fn parse(text: &str) -> Option<MeetingDecision> {
        match text {
            "approve" => Some(MeetingDecision::Approve),
            "reject" => Some(MeetingDecision::Reject),
            _ => None,
        }
    }
}

/// The meeting's record as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingRecord {
    pub held_on: Date,
    /// One name (and role) per person who sat.
    pub members: Vec<String>,
    pub minutes: String,
    pub decision: MeetingDecision,
    pub reason: String,
}

/// A case's deliberation as its pages show it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DeliberationView {
    /// The hardship in the resident's words, and when they told it.
    pub hardship: Option<(String, OffsetDateTime)>,
    pub meeting_on: Option<Date>,
    pub record_due_at: Option<OffsetDateTime>,
    /// The record, when it was kept, and who kept it (display name).
    pub record: Option<(MeetingRecord, OffsetDateTime, String)>,
}

#[derive(Debug, thiserror::Error)]
pub enum DeliberationError {
    #[error("no such case")]
    NotFound,
    #[error("the case is not in deliberation")]
    NotInDeliberation,
    #[error("the case is of another county")]
    OtherCounty,
    #[error("volunteers do not hold deliberations")]
    Volunteer,
    #[error("write it down")]
    Empty,
    #[error("the text is too long")]
    TooLong,
    #[error("the meeting day is in the past")]
    DayPassed,
    #[error("schedule the meeting first")]
    NotScheduled,
    #[error("a meeting cannot be recorded before it is held")]
    NotHeldYet,
    #[error("at least {MIN_MEMBERS} people sit at a deliberation")]
    TooFewMembers,
    #[error("the record is kept already")]
    Recorded,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for DeliberationError {
    fn from(e: sqlx::Error) -> Self {
        DeliberationError::Store(StoreError::from(e))
    }
}

fn text_ok(text: &str) -> Result<&str, DeliberationError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(DeliberationError::Empty);
    }
    if text.chars().count() > DELIBERATION_TEXT_MAX_CHARS {
        return Err(DeliberationError::TooLong);
    }
    Ok(text)
}

fn day_of(days: i64) -> Result<Date, StoreError> {
    from_day_number(days).ok_or_else(|| StoreError::Corrupt(format!("a day number {days}")))
}

fn at(seconds: Option<i64>) -> Result<Option<OffsetDateTime>, StoreError> {
    seconds.map(crate::applications::timestamp).transpose()
}

impl Store {
    /// The case's id, county and state, for a step on its deliberation.
    async fn deliberation_case(
        &self,
        tx: &mut Transaction<'static, Any>,
        reference: &str,
    ) -> Result<(i64, String, String), DeliberationError> {
        let row = sqlx::query("SELECT id, county, status FROM applications WHERE reference = $1")
            .bind(reference.trim().to_ascii_uppercase())
            .fetch_optional(&mut **tx)
            .await?
            .ok_or(DeliberationError::NotFound)?;
        Ok((
            row.try_get("id")?,
            row.try_get("county")?,
            row.try_get("status")?,
        ))
    }

    fn may_deliberate(staff: &StaffUser, county: &str) -> Result<(), DeliberationError> {
        if staff.role == Role::Volunteer {
            return Err(DeliberationError::Volunteer);
        }
        if staff.county.id() != county {
            return Err(DeliberationError::OtherCounty);
        }
        Ok(())
    }

    /// The resident tells the hardship in their own words while the case waits for its
    /// deliberation (the holder of the case's key; told again, the newer words are kept).
    pub async fn describe_hardship(
        &self,
        reference: &str,
        key: CaseKey<'_>,
        text: &str,
    ) -> Result<(), DeliberationError> {
        let text = text_ok(text)?;
        let Some(case) = self.open_case(reference, key).await? else {
            return Err(DeliberationError::NotFound);
        };
        if case.status != casework::CaseState::Deliberation {
            return Err(DeliberationError::NotInDeliberation);
        }
        let mut tx = self.write_tx().await?;
        let (id, _, _) = self.deliberation_case(&mut tx, &case.reference).await?;
        let now = self.now_unix();
        sqlx::query(
            "INSERT INTO deliberations (application_id, hardship_sealed, hardship_at) VALUES ($1, $2, $3) \
             ON CONFLICT (application_id) DO UPDATE SET hardship_sealed = excluded.hardship_sealed, hardship_at = excluded.hardship_at",
        )
        .bind(id)
        .bind(self.data_key().seal(text)?)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        self.append_audit(
            &mut tx,
            AuditEntry {
                actor: Actor::Applicant,
                action: "deliberation.hardship",
                subject: &case.reference,
                detail: "{}",
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A caseworker of the county schedules the meeting; its record is due a few working days
    /// after the day. Scheduled again (moved), the new day and deadline hold.
    pub async fn schedule_deliberation(
        &self,
        staff: &StaffUser,
        reference: &str,
        meeting_on: Date,
    ) -> Result<(), DeliberationError> {
        let now = self.clock().now();
        if meeting_on < casework::beijing_date(now) {
            return Err(DeliberationError::DayPassed);
        }
        let mut tx = self.write_tx().await?;
        let (id, county, status) = self.deliberation_case(&mut tx, reference).await?;
        Self::may_deliberate(staff, &county)?;
        if status != casework::CaseState::Deliberation.as_str() {
            return Err(DeliberationError::NotInDeliberation);
        }
        let recorded: Option<i64> =
            sqlx::query_scalar("SELECT recorded_at FROM deliberations WHERE application_id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?
                .flatten();
        if recorded.is_some() {
            return Err(DeliberationError::Recorded);
        }
        let start = meeting_on
            .with_hms(17, 0, 0)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?
            .assume_offset(time::macros::offset!(+8));
        let due = self
            .workflow_limits()
            .add_working_days(start, RECORD_WITHIN_WORKING_DAYS);
        sqlx::query(
            "INSERT INTO deliberations (application_id, meeting_day, scheduled_at, scheduled_by, record_due_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (application_id) DO UPDATE SET meeting_day = excluded.meeting_day, scheduled_at = excluded.scheduled_at, \
             scheduled_by = excluded.scheduled_by, record_due_at = excluded.record_due_at",
        )
        .bind(id)
        .bind(day_number(meeting_on))
        .bind(now.unix_timestamp())
        .bind(staff.id)
        .bind(due.unix_timestamp())
        .execute(&mut *tx)
        .await?;
        self.append_audit(
            &mut tx,
            AuditEntry {
                actor: Actor::Staff { id: staff.id },
                action: "deliberation.schedule",
                subject: reference,
                detail: &serde_json::json!({ "meeting_on": meeting_on.to_string() }).to_string(),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The meeting's record, kept once: held on or before today, at least [`MIN_MEMBERS`]
    /// people, the minutes, the decision and its reason.
    pub async fn record_deliberation(
        &self,
        staff: &StaffUser,
        reference: &str,
        record: &MeetingRecord,
    ) -> Result<(), DeliberationError> {
        let members: Vec<&str> = record
            .members
            .iter()
            .map(|m| m.trim())
            .filter(|m| !m.is_empty())
            .collect();
        if members.len() < MIN_MEMBERS {
            return Err(DeliberationError::TooFewMembers);
        }
        let minutes = text_ok(&record.minutes)?;
        let reason = text_ok(&record.reason)?;
        let now = self.clock().now();
        if record.held_on > casework::beijing_date(now) {
            return Err(DeliberationError::NotHeldYet);
        }
        let mut tx = self.write_tx().await?;
        let (id, county, status) = self.deliberation_case(&mut tx, reference).await?;
        Self::may_deliberate(staff, &county)?;
        if status != casework::CaseState::Deliberation.as_str() {
            return Err(DeliberationError::NotInDeliberation);
        }
        let members_text = members.join("\n");
        if members_text.chars().count() > DELIBERATION_TEXT_MAX_CHARS {
            return Err(DeliberationError::TooLong);
        }
        let changed = sqlx::query(
            "UPDATE deliberations SET held_day = $1, members = $2, minutes_sealed = $3, decision = $4, reason_sealed = $5, \
             recorded_at = $6, recorded_by = $7 WHERE application_id = $8 AND meeting_day IS NOT NULL AND recorded_at IS NULL",
        )
        .bind(day_number(record.held_on))
        .bind(&members_text)
        .bind(self.data_key().seal(minutes)?)
        .bind(record.decision.as_str())
        .bind(self.data_key().seal(reason)?)
        .bind(now.unix_timestamp())
        .bind(staff.id)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            let state: Option<(Option<i64>, Option<i64>)> = sqlx::query(
                "SELECT meeting_day, recorded_at FROM deliberations WHERE application_id = $1",
            )
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
            .map(|row| -> Result<_, StoreError> {
                Ok((row.try_get("meeting_day")?, row.try_get("recorded_at")?))
            })
            .transpose()?;
            return Err(match state {
                Some((_, Some(_))) => DeliberationError::Recorded,
                _ => DeliberationError::NotScheduled,
            });
        }
        self.append_audit(
            &mut tx,
            AuditEntry {
                actor: Actor::Staff { id: staff.id },
                action: "deliberation.record",
                subject: reference,
                detail: &serde_json::json!({
                    "held_on": record.held_on.to_string(),
                    "members": members.len(),
                    "decision": record.decision.as_str(),
                })
                .to_string(),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The decision the meeting recorded for a case, checked before the case is decided from
    /// deliberation: `None` while no record is kept.
    pub(crate) async fn meeting_decision(
        &self,
        tx: &mut Transaction<'static, Any>,
        application_id: i64,
    ) -> Result<Option<MeetingDecision>, StoreError> {
        let decision: Option<Option<String>> = sqlx::query_scalar(
            "SELECT decision FROM deliberations WHERE application_id = $1 AND recorded_at IS NOT NULL",
        )
        .bind(application_id)
        .fetch_optional(&mut **tx)
        .await?;
        Ok(decision
            .flatten()
            .as_deref()
            .and_then(MeetingDecision::parse))
    }

    /// A case's deliberation, if one was begun (the caller has checked that the reader may see
    /// the case).
    pub async fn deliberation_of(
        &self,
        reference: &str,
    ) -> Result<Option<DeliberationView>, StoreError> {
        let Some(row) = sqlx::query(
            "SELECT d.hardship_sealed, d.hardship_at, d.meeting_day, d.record_due_at, d.held_day, d.members, d.minutes_sealed, \
             d.decision, d.reason_sealed, d.recorded_at, s.display_name FROM deliberations d \
             JOIN applications a ON a.id = d.application_id LEFT JOIN staff_users s ON s.id = d.recorded_by \
             WHERE a.reference = $1",
        )
        .bind(reference.trim().to_ascii_uppercase())
        .fetch_optional(self.pool())
        .await?
        else {
            return Ok(None);
        };
        let open = |column: &str| -> Result<Option<String>, StoreError> {
            row.try_get::<Option<String>, _>(column)?
                .map(|sealed| self.data_key().open(&sealed))
                .transpose()
        };
        let hardship = match (open("hardship_sealed")?, at(row.try_get("hardship_at")?)?) {
            (Some(text), Some(when)) => Some((text, when)),
            _ => None,
        };
        let record = match (
            row.try_get::<Option<i64>, _>("held_day")?,
            row.try_get::<Option<String>, _>("decision")?
                .as_deref()
                .and_then(MeetingDecision::parse),
            at(row.try_get("recorded_at")?)?,
        ) {
            (Some(held), Some(decision), Some(recorded_at)) => Some((
                MeetingRecord {
                    held_on: day_of(held)?,
                    members: row
                        .try_get::<Option<String>, _>("members")?
                        .unwrap_or_default()
                        .lines()
                        .map(str::to_owned)
                        .collect(),
                    minutes: open("minutes_sealed")?.unwrap_or_default(),
                    decision,
                    reason: open("reason_sealed")?.unwrap_or_default(),
                },
                recorded_at,
                row.try_get::<Option<String>, _>("display_name")?
                    .unwrap_or_default(),
            )),
            _ => None,
        };
        Ok(Some(DeliberationView {
            hardship,
            meeting_on: row
                .try_get::<Option<i64>, _>("meeting_day")?
                .map(day_of)
                .transpose()?,
            record_due_at: at(row.try_get("record_due_at")?)?,
            record,
        }))
    }
}

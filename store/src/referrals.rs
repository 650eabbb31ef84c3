//! Referrals that come back (跟踪转介): a referral names a partner of the directory and waits for
//! its answer by a date; the caseworker records the outcome (helped, with what and how much; or
//! declined, and why), which reaches the resident by SMS and on the tracking page. A referral with
//! no answer by its date is chased: a reminder to the caseworker who made it, then, after the
//! workflow file's days, an escalation to the county's supervisors. Each is claimed before its
//! message is queued, so several instances never send one twice.

use casework::Actor;
use sqlx::Row as _;
use time::{Duration, OffsetDateTime};

use crate::audit::AuditEntry;
use crate::db::Store;
use crate::error::StoreError;
use crate::outbox::OutboxMessage;
use crate::staff::{Role, StaffUser};

/// The longest outcome text kept.
pub const OUTCOME_TEXT_MAX_CHARS: usize = 500;

/// What a partner answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReferralOutcome {
    /// Helped: with what, and how much in fen where it was money.
    Helped {
        what: String,
        amount_fen: Option<i64>,
    },
    /// Declined, and why.
    Declined { reason: String },
}

impl ReferralOutcome {
    pub fn code(&self) -> &'static str {
        match self {
            ReferralOutcome::Helped { .. } => "helped",
            ReferralOutcome::Declined { .. } => "declined",
        }
    }
}

/// One referral of a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralLine {
    pub id: i64,
    /// The partner's name as it was when referred.
    pub organisation: String,
    pub partner_id: Option<String>,
    pub referred_at: OffsetDateTime,
    pub answer_due_at: Option<OffsetDateTime>,
    pub reminded: bool,
    pub escalated: bool,
    /// The outcome and when it was recorded.
    pub outcome: Option<(ReferralOutcome, OffsetDateTime)>,
}

/// How many referrals one sweep chased.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Chased {
    pub reminded: u64,
    pub escalated: u64,
}

/// Referrals of a partner by outcome, for the dashboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralCount {
    pub organisation: String,
    pub waiting: i64,
    pub overdue: i64,
    pub helped: i64,
    pub declined: i64,
    /// Fen given by the partners that helped with money.
    pub helped_fen: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum OutcomeError {
    #[error("no such referral of this case")]
    NotFound,
    #[error("the case is of another county")]
    OtherCounty,
    #[error("volunteers do not record outcomes")]
    Volunteer,
    #[error("the outcome of this referral is already recorded")]
    Recorded,
    #[error("say what the partner gave")]
    WhatRequired,
    #[error("say why the partner declined")]
    ReasonRequired,
    #[error("the text is too long")]
    TooLong,
    #[error("an amount must be more than zero")]
    Amount,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for OutcomeError {
    fn from(e: sqlx::Error) -> Self {
        OutcomeError::Store(StoreError::from(e))
    }
}

fn at(seconds: Option<i64>) -> Result<Option<OffsetDateTime>, StoreError> {
    seconds.map(crate::applications::timestamp).transpose()
}

impl Store {
    /// The referrals of a case, oldest first, by its reference (the caller has checked that the
    /// reader may open the case).
    pub async fn referrals_of_case(
        &self,
        reference: &str,
    ) -> Result<Vec<ReferralLine>, StoreError> {
        let rows = sqlx::query(
            "SELECT r.id, r.organisation, r.partner_id, r.at, r.answer_due_at, r.reminded_at, r.escalated_at, \
             r.outcome, r.outcome_sealed, r.outcome_amount_fen, r.outcome_at FROM application_referrals r \
             JOIN applications a ON a.id = r.application_id WHERE a.reference = $1 ORDER BY r.id",
        )
        .bind(reference)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                let outcome: Option<String> = row.try_get("outcome")?;
                let text = row
                    .try_get::<Option<String>, _>("outcome_sealed")?
                    .map(|sealed| self.data_key().open(&sealed))
                    .transpose()?
                    .unwrap_or_default();
                let outcome_at = at(row.try_get("outcome_at")?)?;
                let outcome = match (outcome.as_deref(), outcome_at) {
                    (Some("helped"), Some(when)) => Some((
                        ReferralOutcome::Helped {
                            what: text,
                            amount_fen: row.try_get("outcome_amount_fen")?,
                        },
                        when,
                    )),
                    (Some("declined"), Some(when)) => {
                        Some((ReferralOutcome::Declined { reason: text }, when))
                    }
                    _ => None,
                };
                Ok(ReferralLine {
                    id: row.try_get("id")?,
                    organisation: row.try_get("organisation")?,
                    partner_id: row.try_get("partner_id")?,
                    referred_at: at(Some(row.try_get("at")?))?
                        .unwrap_or(OffsetDateTime::UNIX_EPOCH),
                    answer_due_at: at(row.try_get("answer_due_at")?)?,
                    reminded: row.try_get::<Option<i64>, _>("reminded_at")?.is_some(),
                    escalated: row.try_get::<Option<i64>, _>("escalated_at")?.is_some(),
                    outcome,
                })
            })
            .collect()
    }

    /// A caseworker of the case's county records what the partner answered. The resident is told
    /// by SMS; the tracking page shows it. Refused without what was given or why not.
    pub async fn record_referral_outcome(
        &self,
        staff: &StaffUser,
        reference: &str,
        referral: i64,
        outcome: ReferralOutcome,
    ) -> Result<(), OutcomeError> {
        if staff.role == Role::Volunteer {
            return Err(OutcomeError::Volunteer);
        }
        let text = match &outcome {
            ReferralOutcome::Helped { what, amount_fen } => {
                if what.trim().is_empty() {
                    return Err(OutcomeError::WhatRequired);
                }
                if amount_fen.is_some_and(|fen| fen <= 0) {
                    return Err(OutcomeError::Amount);
                }
                what.trim()
            }
            ReferralOutcome::Declined { reason } => {
                if reason.trim().is_empty() {
                    return Err(OutcomeError::ReasonRequired);
                }
                reason.trim()
            }
        };
        if text.chars().count() > OUTCOME_TEXT_MAX_CHARS {
            return Err(OutcomeError::TooLong);
        }
        let mut tx = self.write_tx().await?;
        let row = sqlx::query(
            "SELECT a.county, a.phone_sealed, r.outcome FROM application_referrals r JOIN applications a ON a.id = r.application_id \
             WHERE a.reference = $1 AND r.id = $2",
        )
        .bind(reference)
        .bind(referral)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(OutcomeError::NotFound)?;
        if row.try_get::<String, _>("county")? != staff.county.id() {
            return Err(OutcomeError::OtherCounty);
        }
        let amount_fen = match &outcome {
            ReferralOutcome::Helped { amount_fen, .. } => *amount_fen,
            ReferralOutcome::Declined { .. } => None,
        };
        let recorded = sqlx::query(
            "UPDATE application_referrals SET outcome = $1, outcome_sealed = $2, outcome_amount_fen = $3, outcome_at = $4, outcome_by = $5 \
             WHERE id = $6 AND outcome IS NULL",
        )
        .bind(outcome.code())
        .bind(self.data_key().seal(text)?)
        .bind(amount_fen)
        .bind(self.now_unix())
        .bind(staff.id)
        .bind(referral)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if recorded == 0 {
            return Err(OutcomeError::Recorded);
        }
        let phone = self
            .data_key()
            .open(&row.try_get::<String, _>("phone_sealed")?)?;
        self.queue_message(
            &mut tx,
            &phone,
            &OutboxMessage::ReferralOutcome {
                reference: reference.to_owned(),
                helped: matches!(outcome, ReferralOutcome::Helped { .. }),
            },
        )
        .await?;
        self.append_audit(
            &mut tx,
            AuditEntry {
                actor: Actor::Staff { id: staff.id },
                action: "referral.outcome",
                subject: reference,
                detail: &serde_json::json!({
                    "referral": referral,
                    "outcome": outcome.code(),
                    "amount_fen": amount_fen,
                })
                .to_string(),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Chases every referral past its answer date with no outcome: first a reminder to the
    /// caseworker who made it (by the duty phone they gave, and on the record), then, the
    /// workflow file's days after the reminder, an escalation to the county's supervisors.
    pub async fn chase_referrals(&self) -> Result<Chased, StoreError> {
        let now = self.clock().now();
        let rows = sqlx::query(
            "SELECT r.id, r.organisation, r.answer_due_at, r.reminded_at, r.escalated_at, r.referred_by, \
             a.reference, a.county, a.submitted_at FROM application_referrals r JOIN applications a ON a.id = r.application_id \
             WHERE r.outcome IS NULL AND r.answer_due_at IS NOT NULL AND r.answer_due_at <= $1 AND r.escalated_at IS NULL \
             ORDER BY r.answer_due_at",
        )
        .bind(now.unix_timestamp())
        .fetch_all(self.pool())
        .await?;
        let mut chased = Chased::default();
        for row in rows {
            let id: i64 = row.try_get("id")?;
            let reminded_at: Option<i64> = row.try_get("reminded_at")?;
            let submitted =
                at(Some(row.try_get("submitted_at")?))?.unwrap_or(OffsetDateTime::UNIX_EPOCH);
            let escalate = match reminded_at {
                None => false,
                Some(reminded) => {
                    let days = self
                        .workflow_limits()
                        .periods(submitted)
                        .referral_escalate_days;
                    reminded + Duration::days(days).whole_seconds() <= now.unix_timestamp()
                }
            };
            if reminded_at.is_some() && !escalate {
                continue;
            }
            let (column, action) = if escalate {
                ("escalated_at", "referral.escalate")
            } else {
                ("reminded_at", "referral.remind")
            };
            let mut tx = self.write_tx().await?;
            let claimed = sqlx::query(&format!(
                "UPDATE application_referrals SET {column} = $1 WHERE id = $2 AND {column} IS NULL AND outcome IS NULL"
            ))
            .bind(now.unix_timestamp())
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if claimed == 0 {
                continue;
            }
            let reference: String = row.try_get("reference")?;
            let organisation: String = row.try_get("organisation")?;
            let phones: Vec<String> = if escalate {
                let county: String = row.try_get("county")?;
                self.duty_phones(&mut tx, &county, true).await?
            } else {
                sqlx::query_scalar::<_, String>(
                    "SELECT duty_phone_sealed FROM staff_users WHERE id = $1 AND duty_phone_sealed IS NOT NULL",
                )
                .bind(row.try_get::<i64, _>("referred_by")?)
                .fetch_all(&mut *tx)
                .await?
                .iter()
                .map(|sealed| self.data_key().open(sealed))
                .collect::<Result<_, StoreError>>()?
            };
            let message = OutboxMessage::ReferralOverdue {
                reference: reference.clone(),
                partner: organisation.clone(),
                escalated: escalate,
            };
            for phone in &phones {
                self.queue_message(&mut tx, phone, &message).await?;
            }
            self.append_audit(
                &mut tx,
                AuditEntry {
                    actor: Actor::system(Actor::FOLLOW_THROUGH),
                    action,
                    subject: &reference,
                    detail: &serde_json::json!({ "referral": id, "partner": organisation, "told": phones.len() })
                        .to_string(),
                },
            )
            .await?;
            tx.commit().await?;
            if escalate {
                chased.escalated += 1;
            } else {
                chased.reminded += 1;
            }
        }
        Ok(chased)
    }

    /// Referrals by partner and outcome, for one county or (admins) all.
    pub async fn referral_counts(
        &self,
        county: Option<casework::County>,
    ) -> Result<Vec<ReferralCount>, StoreError> {
        let now = self.now_unix();
        let filter = if county.is_some() {
            "WHERE a.county = $2"
        } else {
            ""
        };
        let sql = format!(
            "SELECT r.organisation, \
             CAST(SUM(CASE WHEN r.outcome IS NULL AND (r.answer_due_at IS NULL OR r.answer_due_at > $1) THEN 1 ELSE 0 END) AS BIGINT) AS waiting, \
             CAST(SUM(CASE WHEN r.outcome IS NULL AND r.answer_due_at <= $1 THEN 1 ELSE 0 END) AS BIGINT) AS overdue, \
             CAST(SUM(CASE WHEN r.outcome = 'helped' THEN 1 ELSE 0 END) AS BIGINT) AS helped, \
             CAST(SUM(CASE WHEN r.outcome = 'declined' THEN 1 ELSE 0 END) AS BIGINT) AS declined, \
             CAST(SUM(CASE WHEN r.outcome = 'helped' THEN COALESCE(r.outcome_amount_fen, 0) ELSE 0 END) AS BIGINT) AS helped_fen \
             FROM application_referrals r JOIN applications a ON a.id = r.application_id {filter} \
             GROUP BY r.organisation ORDER BY r.organisation"
        );
        let mut query = sqlx::query(&sql).bind(now);
        if let Some(county) = county {
            query = query.bind(county.id());
        }
        query
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|row| {
                Ok(ReferralCount {
                    organisation: row.try_get("organisation")?,
                    waiting: row.try_get("waiting")?,
                    overdue: row.try_get("overdue")?,
                    helped: row.try_get("helped")?,
                    declined: row.try_get("declined")?,
                    helped_fen: row.try_get("helped_fen")?,
                })
            })
            .collect()
    }
}

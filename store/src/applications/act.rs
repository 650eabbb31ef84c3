//! Staff moving a case on by one step of the workflow: the new state, what the step records
//! (deadlines, documents asked for, the second visitor, the advance paid, the referral), a
//! timeline entry, the SMS to the applicant and an audit entry, in one transaction. A step that is
//! refused changes nothing.

use sqlx::{Any, Row, Transaction};
use time::OffsetDateTime;

use super::advances::NewAdvance;
use super::case::{case_times, CaseKey, TIME_COLUMNS};
use crate::audit::AuditEntry;
use crate::db::Store;
use crate::error::StoreError;
use crate::outbox::OutboxMessage;
use crate::staff::{Role, StaffUser};
use casework::Actor;
use casework::{next_state, CaseAction, CaseState, NotAllowed};
use casework::{ConsentKind, DocumentKind};

/// One step with what it needs besides its note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseStep {
    /// 受理; a complex case gets 30 working days for the decision instead of 20.
    Accept { complex: bool },
    /// The documents the applicant is asked to supply.
    RequestDocuments(Vec<DocumentKind>),
    /// The home visit is recorded by two staff: the signed-in one and this colleague, whose
    /// password the caller has checked.
    RecordHomeVisit { second_visitor: StaffUser },
    /// 先行救助 given, in fen.
    RecordAdvance { amount_fen: i64 },
    /// Referral to a named charity or department; the applicant's consent to it (PIPL Art. 23)
    /// must have been given.
    Refer {
        organisation: String,
        /// The partner of the directory, and the days it has to answer: the referral waits
        /// for its outcome until then, and is chased after.
        partner: Option<(String, u32)>,
        consent_given: bool,
    },
    /// A step that needs only its note.
    Plain(CaseAction),
}

impl CaseStep {
    pub fn action(&self) -> CaseAction {
        match self {
            CaseStep::Accept { .. } => CaseAction::Accept,
            CaseStep::RequestDocuments(_) => CaseAction::RequestDocuments,
            CaseStep::RecordHomeVisit { .. } => CaseAction::RecordHomeVisit,
            CaseStep::RecordAdvance { .. } => CaseAction::RecordAdvance,
            CaseStep::Refer { .. } => CaseAction::Refer,
            CaseStep::Plain(action) => *action,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ActError {
    #[error("no case has this reference")]
    NotFound,
    #[error("the case belongs to another county")]
    OtherCounty,
    #[error("volunteers do not act on cases")]
    Volunteer,
    #[error(
        "only a supervisor or an administrator decides, withdraws a case or closes a referred one"
    )]
    NeedsSupervisor,
    #[error("this action needs a written reason")]
    ReasonRequired,
    #[error("this action needs its details")]
    DetailsMissing,
    #[error("choose at least one document")]
    NoDocuments,
    #[error("the second visitor must be another caseworker or supervisor of the same county")]
    SecondVisitor,
    #[error("the amount must be more than zero")]
    NoAmount,
    #[error("advance assistance is only for a case that declared an emergency")]
    NoEmergency,
    #[error("advances on this case would come to more than the cap of {cap_fen} fen ({paid_fen} fen given already)")]
    AdvanceOverCap { cap_fen: i64, paid_fen: i64 },
    #[error("name the charity or department")]
    NoOrganisation,
    #[error("the applicant has not agreed to the referral")]
    NoReferralConsent,
    #[error("the public notice runs until {ends_at}")]
    NoticeRunning { ends_at: OffsetDateTime },
    #[error("the deliberation's meeting record is not kept yet")]
    NoDeliberationRecord,
    #[error("the deliberation decided the other way")]
    NotAsDeliberated,
    #[error("someone else changed the case at the same moment")]
    Conflict,
    #[error(transparent)]
    NotAllowed(#[from] NotAllowed),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for ActError {
    fn from(e: sqlx::Error) -> Self {
        ActError::Store(StoreError::from(e))
    }
}

/// Whether a member of staff may see and act on a case of this county (POLICY.md §5).
pub(crate) fn may_handle(staff: &StaffUser, county: &str) -> Result<(), ActError> {
    if staff.role == Role::Volunteer {
        return Err(ActError::Volunteer);
    }
    if county != staff.county.id() {
        return Err(ActError::OtherCounty);
    }
    Ok(())
}

fn check_step(
    staff: &StaffUser,
    step: &CaseStep,
    from: CaseState,
    note: &str,
) -> Result<(), ActError> {
    let action = step.action();
    if action.needs_supervisor(from) && !matches!(staff.role, Role::Supervisor | Role::Admin) {
        return Err(ActError::NeedsSupervisor);
    }
    if action.on_consent() {
        // Only the resident's own consent moves a recipient's case on a transfer.
        return Err(ActError::NotAllowed(NotAllowed {
            state: from,
            action,
        }));
    }
    if action.needs_reason(from) && note.is_empty() {
        return Err(ActError::ReasonRequired);
    }
    match step {
        CaseStep::Plain(
            CaseAction::Accept
            | CaseAction::RequestDocuments
            | CaseAction::RecordHomeVisit
            | CaseAction::RecordAdvance
            | CaseAction::Refer,
        ) => Err(ActError::DetailsMissing),
        CaseStep::RequestDocuments(documents) if documents.is_empty() => Err(ActError::NoDocuments),
        CaseStep::RecordHomeVisit { second_visitor }
            if second_visitor.id == staff.id
                || second_visitor.county != staff.county
                || second_visitor.role == Role::Volunteer =>
        {
            Err(ActError::SecondVisitor)
        }
        CaseStep::RecordAdvance { amount_fen } if *amount_fen <= 0 => Err(ActError::NoAmount),
        CaseStep::Refer { organisation, .. } if organisation.trim().is_empty() => {
            Err(ActError::NoOrganisation)
        }
        CaseStep::Refer {
            consent_given: false,
            ..
        } => Err(ActError::NoReferralConsent),
        _ => Ok(()),
    }
}

/// Why a resident's own withdrawal was refused.
#[derive(Debug, thiserror::Error)]
pub enum WithdrawError {
    /// The reference does not exist or the key does not open it (the same answer for both).
    #[error("no case opens with this key")]
    NotFound,
    /// Decided, being paid, or ended already.
    #[error("the case can no longer be withdrawn")]
    NotAllowed,
    #[error("the reason is longer than {WITHDRAW_REASON_MAX_CHARS} characters")]
    ReasonTooLong,
    #[error("the case changed at the same moment")]
    Conflict,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for WithdrawError {
    fn from(e: sqlx::Error) -> Self {
        WithdrawError::Store(StoreError::from(e))
    }
}

/// The longest reason a resident may give for withdrawing, in characters.
pub const WITHDRAW_REASON_MAX_CHARS: usize = 500;

/// Who a resident's own step is recorded as in the timeline (staff steps carry a username).
pub const APPLICANT_ACTOR: &str = "applicant";

impl Store {
    /// The applicant (or whoever holds the case's key: the access code, the verified phone) takes
    /// the application back while it is still open and undecided. The reason is optional. The
    /// timeline entry and the audit entry name the applicant, never a member of staff.
    pub async fn withdraw_by_applicant(
        &self,
        reference: &str,
        key: CaseKey<'_>,
        reason: &str,
    ) -> Result<CaseState, WithdrawError> {
        let reason = reason.trim();
        if reason.chars().count() > WITHDRAW_REASON_MAX_CHARS {
            return Err(WithdrawError::ReasonTooLong);
        }
        let reference = reference.trim().to_ascii_uppercase();
        let found =
            sqlx::query("SELECT id, access_code_hash FROM applications WHERE reference = $1")
                .bind(&reference)
                .fetch_optional(self.pool())
                .await?;
        let Some(found) = found else {
            return Err(WithdrawError::NotFound);
        };
        let id: i64 = found.try_get("id")?;
        if !self.key_opens(&found, id, key).await? {
            return Err(WithdrawError::NotFound);
        }
        let mut tx = self.write_tx().await?;
        let row = sqlx::query(&format!(
            "SELECT phone_sealed, {TIME_COLUMNS} FROM applications WHERE id = $1"
        ))
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        let times = case_times(&row, self.workflow_limits())?;
        if !times.state.applicant_may_withdraw() {
            return Err(WithdrawError::NotAllowed);
        }
        let next =
            next_state(times.state, CaseAction::Withdraw).map_err(|_| WithdrawError::NotAllowed)?;
        if !move_state(&mut tx, id, times.state, next).await? {
            return Err(WithdrawError::Conflict);
        }
        sqlx::query(
            "INSERT INTO application_events (application_id, state, at, note, actor, acted_by) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(next.as_str())
        .bind(self.now_unix())
        .bind(reason)
        .bind(APPLICANT_ACTOR)
        .bind(Actor::Applicant.to_string())
        .execute(&mut *tx)
        .await?;
        let phone = self
            .data_key()
            .open(&row.try_get::<String, _>("phone_sealed")?)?;
        let sms = OutboxMessage::CaseState {
            reference: reference.to_owned(),
            state: next,
        };
        self.queue_message(&mut tx, &phone, &sms).await?;
        self.drop_transfer(&mut tx, id, &Actor::Applicant, &reference)
            .await?;
        let detail = serde_json::json!({
            "action": CaseAction::Withdraw.as_str(),
            "from": times.state.as_str(),
            "to": next.as_str(),
            "by": APPLICANT_ACTOR,
            "reason_given": !reason.is_empty(),
        })
        .to_string();
        self.append_audit(
            &mut tx,
            AuditEntry {
                actor: Actor::Applicant,
                action: "case.act",
                subject: &reference,
                detail: &detail,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(next)
    }

    /// Moves a case on by one step of a staff member of its county. Anything refused changes
    /// nothing.
    pub async fn act_on_case(
        &self,
        staff: &StaffUser,
        reference: &str,
        step: &CaseStep,
        note: &str,
    ) -> Result<CaseState, ActError> {
        let note = note.trim();
        if staff.role == Role::Volunteer {
            return Err(ActError::Volunteer);
        }
        let mut tx = self.write_tx().await?;
        let row = sqlx::query(&format!(
            "SELECT id, county, phone_sealed, emergency_kind, emergency_urgency, household_sealed, {TIME_COLUMNS} \
             FROM applications WHERE reference = $1"
        ))
        .bind(reference)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(ActError::NotFound)?;
        may_handle(staff, &row.try_get::<String, _>("county")?)?;
        let id: i64 = row.try_get("id")?;
        let times = case_times(&row, self.workflow_limits())?;
        check_step(staff, step, times.state, note)?;
        let cap_fen = match step {
            CaseStep::RecordAdvance { .. } => Some(self.advance_cap_fen(&row)?),
            _ => None,
        };
        let action = step.action();
        let next = next_state(times.state, action)?;
        let now = self.clock().now();
        if let (CaseAction::Approve, Some(ends_at)) = (action, times.notice_ends_at) {
            if times.state == CaseState::PublicNotice && now < ends_at {
                return Err(ActError::NoticeRunning { ends_at });
            }
        }
        // A deliberation decides: its record first, and the case goes the way the meeting said.
        if times.state == CaseState::Deliberation
            && matches!(action, CaseAction::Approve | CaseAction::Reject)
        {
            use crate::deliberations::MeetingDecision;
            match (self.meeting_decision(&mut tx, id).await?, action) {
                (None, _) => return Err(ActError::NoDeliberationRecord),
                (Some(MeetingDecision::Approve), CaseAction::Reject)
                | (Some(MeetingDecision::Reject), CaseAction::Approve) => {
                    return Err(ActError::NotAsDeliberated)
                }
                _ => {}
            }
        }
        if !move_state(&mut tx, id, times.state, next).await? {
            return Err(ActError::Conflict);
        }
        let second_actor = match step {
            CaseStep::RecordHomeVisit { second_visitor } => {
                Some(second_visitor.username.as_str().to_owned())
            }
            _ => None,
        };
        sqlx::query(
            "INSERT INTO application_events (application_id, state, at, note, actor, second_actor, acted_by) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id)
        .bind(next.as_str())
        .bind(now.unix_timestamp())
        .bind(note)
        .bind(staff.username.as_str())
        .bind(second_actor)
        .bind(Actor::Staff { id: staff.id }.to_string())
        .execute(&mut *tx)
        .await?;
        let advance = match (step, cap_fen) {
            (CaseStep::RecordAdvance { amount_fen }, Some(cap_fen)) => Some(NewAdvance {
                amount_fen: *amount_fen,
                cap_fen,
                note,
                at: now.unix_timestamp(),
            }),
            _ => None,
        };
        self.record_step(
            &mut tx,
            staff,
            StepCase {
                id,
                submitted_at: times.submitted_at,
            },
            step,
            advance,
            now,
        )
        .await?;
        match action {
            CaseAction::Approve => self.enrol_recipient(&mut tx, id, &row).await?,
            CaseAction::Reject => {
                let by = Actor::Staff { id: staff.id };
                self.drop_transfer(&mut tx, id, &by, reference).await?
            }
            _ => {}
        }
        let phone = self
            .data_key()
            .open(&row.try_get::<String, _>("phone_sealed")?)?;
        let sms = OutboxMessage::CaseState {
            reference: reference.to_owned(),
            state: next,
        };
        self.queue_message(&mut tx, &phone, &sms).await?;
        let mut detail = serde_json::json!({"action": action.as_str(), "from": times.state.as_str(), "to": next.as_str()});
        if let CaseStep::RecordAdvance { amount_fen } = step {
            detail["amount_fen"] = serde_json::json!(amount_fen);
        }
        let detail = detail.to_string();
        self.append_audit(
            &mut tx,
            AuditEntry {
                actor: Actor::Staff { id: staff.id },
                action: "case.act",
                subject: reference,
                detail: &detail,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(next)
    }

    /// What a step records besides the state and the timeline entry; deadlines it sets follow
    /// the periods of the case's own day.
    async fn record_step(
        &self,
        tx: &mut Transaction<'static, Any>,
        staff: &StaffUser,
        case: StepCase,
        step: &CaseStep,
        advance: Option<NewAdvance<'_>>,
        now: OffsetDateTime,
    ) -> Result<(), ActError> {
        let StepCase { id, submitted_at } = case;
        let at = now.unix_timestamp();
        match step {
            CaseStep::Accept { complex } => {
                sqlx::query(
                    "UPDATE applications SET accepted_at = $1, decision_due_at = $2, complex_case = $3 WHERE id = $4",
                )
                .bind(at)
                .bind(
                    self.workflow_limits()
                        .decision_due(submitted_at, now, *complex)
                        .unix_timestamp(),
                )
                .bind(i64::from(*complex))
                .bind(id)
                .execute(&mut **tx)
                .await?;
            }
            CaseStep::RequestDocuments(documents) => {
                for document in documents {
                    sqlx::query(
                        "INSERT INTO application_documents (application_id, document, status, updated_at) VALUES ($1, $2, 'missing', $3) \
                         ON CONFLICT (application_id, document) DO UPDATE SET status = 'missing', updated_at = $3",
                    )
                    .bind(id)
                    .bind(document.as_str())
                    .bind(at)
                    .execute(&mut **tx)
                    .await?;
                }
            }
            CaseStep::RecordAdvance { .. } => {
                let advance = advance.ok_or_else(|| {
                    StoreError::Corrupt("an advance recorded without its cap".into())
                })?;
                self.record_advance(tx, staff, id, advance).await?;
            }
            CaseStep::Refer {
                organisation,
                partner,
                ..
            } => {
                sqlx::query(
                    "INSERT INTO application_referrals (application_id, organisation, at, referred_by, partner_id, answer_due_at) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(id)
                .bind(organisation.trim())
                .bind(at)
                .bind(staff.id)
                .bind(partner.as_ref().map(|(id, _)| id.clone()))
                .bind(
                    partner
                        .as_ref()
                        .map(|(_, days)| at + i64::from(*days) * 86_400),
                )
                .execute(&mut **tx)
                .await?;
                sqlx::query(
                    "INSERT INTO application_consents (application_id, kind, member, text_version, given_by, given_at) \
                     VALUES ($1, $2, NULL, $3, $4, $5)",
                )
                .bind(id)
                .bind(ConsentKind::Referral.as_str())
                .bind(ConsentKind::Referral.text_version())
                .bind(format!("recorded_by:{}", staff.username.as_str()))
                .bind(at)
                .execute(&mut **tx)
                .await?;
            }
            CaseStep::Plain(CaseAction::DocumentsReceived) => {
                sqlx::query(
                    "UPDATE application_documents SET status = 'supplied', updated_at = $1 WHERE application_id = $2",
                )
                .bind(at)
                .bind(id)
                .execute(&mut **tx)
                .await?;
            }
            CaseStep::Plain(CaseAction::StartPublicNotice) => {
                sqlx::query("UPDATE applications SET notice_ends_at = $1 WHERE id = $2")
                    .bind(
                        self.workflow_limits()
                            .notice_ends(submitted_at, now)
                            .unix_timestamp(),
                    )
                    .bind(id)
                    .execute(&mut **tx)
                    .await?;
            }
            CaseStep::Plain(CaseAction::Approve | CaseAction::Reject) => {
                sqlx::query("UPDATE applications SET decided_at = $1 WHERE id = $2")
                    .bind(at)
                    .bind(id)
                    .execute(&mut **tx)
                    .await?;
            }
            CaseStep::RecordHomeVisit { .. } | CaseStep::Plain(_) => {}
        }
        Ok(())
    }
}

/// The case a step is recorded on: its row and the day it was submitted.
#[derive(Debug, Clone, Copy)]
struct StepCase {
    id: i64,
    submitted_at: OffsetDateTime,
}

/// Moves case `id` from `from` to `to` in the transaction; `false` when it is no longer in `from`
/// (someone else acted on it meanwhile), and nothing changed.
async fn move_state(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    id: i64,
    from: CaseState,
    to: CaseState,
) -> Result<bool, sqlx::Error> {
    let changed = sqlx::query("UPDATE applications SET status = $1 WHERE id = $2 AND status = $3")
        .bind(to.as_str())
        .bind(id)
        .bind(from.as_str())
        .execute(&mut **tx)
        .await?;
    Ok(changed.rows_affected() == 1)
}

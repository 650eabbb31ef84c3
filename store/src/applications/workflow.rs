//! The case workflow of POLICY.md §4 as a state machine: which action is allowed in which state,
//! and where it leads. An action that is not allowed is refused and changes nothing.

use serde::{Deserialize, Serialize};

/// A case's state. The main line runs from `Submitted` to `Closed`; the rest are side states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseState {
    Submitted,
    /// 受理 (documents may still be missing).
    Accepted,
    /// 家庭经济状况核对.
    Verifying,
    /// 入户调查 by two staff.
    HomeVisit,
    /// 民主评议 / 审核.
    Review,
    /// 公示, 7 days.
    PublicNotice,
    Approved,
    Rejected,
    Paying,
    Closed,
    NeedsDocuments,
    /// 先行救助 given; the ordinary procedure goes on.
    AdvancePaid,
    Referred,
    /// 一事一议.
    Deliberation,
    Withdrawn,
}

impl CaseState {
    pub const ALL: [CaseState; 15] = [
        CaseState::Submitted,
        CaseState::Accepted,
        CaseState::Verifying,
        CaseState::HomeVisit,
        CaseState::Review,
        CaseState::PublicNotice,
        CaseState::Approved,
        CaseState::Rejected,
        CaseState::Paying,
        CaseState::Closed,
        CaseState::NeedsDocuments,
        CaseState::AdvancePaid,
        CaseState::Referred,
        CaseState::Deliberation,
        CaseState::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseState::Submitted => "submitted",
            CaseState::Accepted => "accepted",
            CaseState::Verifying => "verifying",
            CaseState::HomeVisit => "home_visit",
            CaseState::Review => "review",
            CaseState::PublicNotice => "public_notice",
            CaseState::Approved => "approved",
            CaseState::Rejected => "rejected",
            CaseState::Paying => "paying",
            CaseState::Closed => "closed",
            CaseState::NeedsDocuments => "needs_documents",
            CaseState::AdvancePaid => "advance_paid",
            CaseState::Referred => "referred",
            CaseState::Deliberation => "deliberation",
            CaseState::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(text: &str) -> Option<CaseState> {
        CaseState::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// No action leads anywhere from here.
    pub fn is_final(self) -> bool {
        matches!(self, CaseState::Closed | CaseState::Withdrawn)
    }
}

/// What staff (or the applicant, for `Withdraw`) can do to a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseAction {
    Accept,
    RequestDocuments,
    DocumentsReceived,
    StartVerification,
    /// The household's finances are verified; two staff visit next.
    StartHomeVisit,
    /// The home visit by two staff is recorded; the case goes to review.
    RecordHomeVisit,
    StartPublicNotice,
    Approve,
    Reject,
    StartPaying,
    Close,
    RecordAdvance,
    Refer,
    SendToDeliberation,
    Withdraw,
}

impl CaseAction {
    pub fn as_str(self) -> &'static str {
        match self {
            CaseAction::Accept => "accept",
            CaseAction::RequestDocuments => "request_documents",
            CaseAction::DocumentsReceived => "documents_received",
            CaseAction::StartVerification => "start_verification",
            CaseAction::StartHomeVisit => "start_home_visit",
            CaseAction::RecordHomeVisit => "record_home_visit",
            CaseAction::StartPublicNotice => "start_public_notice",
            CaseAction::Approve => "approve",
            CaseAction::Reject => "reject",
            CaseAction::StartPaying => "start_paying",
            CaseAction::Close => "close",
            CaseAction::RecordAdvance => "record_advance",
            CaseAction::Refer => "refer",
            CaseAction::SendToDeliberation => "send_to_deliberation",
            CaseAction::Withdraw => "withdraw",
        }
    }

    /// Actions whose note is the written reason the law asks for (a rejection, a referral).
    pub fn needs_reason(self) -> bool {
        matches!(
            self,
            CaseAction::Reject | CaseAction::Refer | CaseAction::SendToDeliberation
        )
    }

    /// Decisions are a supervisor's (or an administrator's); the rest any caseworker's.
    pub fn is_decision(self) -> bool {
        matches!(self, CaseAction::Approve | CaseAction::Reject)
    }
}

/// The action is not one this state allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{action:?} is not allowed while a case is {state:?}")]
pub struct NotAllowed {
    pub state: CaseState,
    pub action: CaseAction,
}

/// Where an action leads from a state.
pub fn next_state(state: CaseState, action: CaseAction) -> Result<CaseState, NotAllowed> {
    use CaseAction as A;
    use CaseState as S;
    let refused = NotAllowed { state, action };
    if state.is_final() {
        return Err(refused);
    }
    let open = !matches!(state, S::Approved | S::Rejected | S::Paying);
    let next = match (state, action) {
        (S::Submitted | S::AdvancePaid, A::Accept) => S::Accepted,
        (
            S::Submitted | S::Accepted | S::Verifying | S::HomeVisit | S::AdvancePaid,
            A::RequestDocuments,
        ) => S::NeedsDocuments,
        (S::NeedsDocuments, A::DocumentsReceived) => S::Accepted,
        (S::Accepted, A::StartVerification) => S::Verifying,
        (S::Verifying, A::StartHomeVisit) => S::HomeVisit,
        (S::HomeVisit, A::RecordHomeVisit) => S::Review,
        (S::Review, A::StartPublicNotice) => S::PublicNotice,
        (S::PublicNotice | S::Review | S::Deliberation, A::Approve) => S::Approved,
        (S::PublicNotice | S::Review | S::Deliberation, A::Reject) => S::Rejected,
        (S::Approved, A::StartPaying) => S::Paying,
        (S::Paying | S::Rejected | S::Referred, A::Close) => S::Closed,
        // Advance help comes first, whatever the paperwork's state.
        (S::Submitted | S::Accepted | S::NeedsDocuments | S::Verifying, A::RecordAdvance) => {
            S::AdvancePaid
        }
        (_, A::Refer) if open => S::Referred,
        (_, A::SendToDeliberation) if open && state != S::Deliberation => S::Deliberation,
        (_, A::Withdraw) if open => S::Withdrawn,
        _ => return Err(refused),
    };
    Ok(next)
}

#[cfg(test)]
mod tests {
    use super::*;
    use CaseAction as A;
    use CaseState as S;

    #[test]
    fn the_main_line_runs_from_submitted_to_closed() {
        let mut state = S::Submitted;
        for (action, expected) in [
            (A::Accept, S::Accepted),
            (A::StartVerification, S::Verifying),
            (A::StartHomeVisit, S::HomeVisit),
            (A::RecordHomeVisit, S::Review),
            (A::StartPublicNotice, S::PublicNotice),
            (A::Approve, S::Approved),
            (A::StartPaying, S::Paying),
            (A::Close, S::Closed),
        ] {
            state = next_state(state, action).expect("allowed");
            assert_eq!(state, expected);
        }
    }

    #[test]
    fn an_emergency_gets_advance_help_before_the_paperwork() {
        assert_eq!(
            next_state(S::Submitted, A::RecordAdvance),
            Ok(S::AdvancePaid)
        );
        assert_eq!(next_state(S::AdvancePaid, A::Accept), Ok(S::Accepted));
    }

    #[test]
    fn an_action_out_of_turn_is_refused() {
        assert_eq!(
            next_state(S::Submitted, A::Approve),
            Err(NotAllowed {
                state: S::Submitted,
                action: A::Approve
            })
        );
        assert!(next_state(S::Closed, A::Accept).is_err());
        assert!(next_state(S::Approved, A::Withdraw).is_err());
        assert!(next_state(S::Deliberation, A::SendToDeliberation).is_err());
    }

    #[test]
    fn no_open_state_is_a_dead_end() {
        for state in CaseState::ALL.into_iter().filter(|s| !s.is_final()) {
            let actions = [
                A::Accept,
                A::RequestDocuments,
                A::DocumentsReceived,
                A::StartVerification,
                A::StartHomeVisit,
                A::RecordHomeVisit,
                A::StartPublicNotice,
                A::Approve,
                A::Reject,
                A::StartPaying,
                A::Close,
                A::RecordAdvance,
                A::Refer,
                A::SendToDeliberation,
                A::Withdraw,
            ];
            assert!(
                actions.iter().any(|a| next_state(state, *a).is_ok()),
                "{state:?} leads nowhere"
            );
            assert_eq!(CaseState::parse(state.as_str()), Some(state));
        }
    }
}

pub use act::ActError;

mod act {
    use sqlx::Row;

    use super::{next_state, CaseAction, CaseState, NotAllowed};
    use crate::audit::AuditEntry;
    use crate::db::Store;
    use crate::error::StoreError;
    use crate::staff::{Role, StaffUser};

    #[derive(Debug, thiserror::Error)]
    pub enum ActError {
        #[error("no case has this reference")]
        NotFound,
        #[error("the case belongs to another county")]
        OtherCounty,
        #[error("volunteers do not act on cases")]
        Volunteer,
        #[error("only a supervisor or an administrator decides")]
        NeedsSupervisor,
        #[error("this action needs a written reason")]
        ReasonRequired,
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

    impl Store {
        /// Moves a case on by one action of a staff member of its county: the new state, a
        /// timeline entry with the note, the SMS to the applicant and an audit entry, all in one
        /// transaction. Anything refused changes nothing.
        pub async fn act_on_case(
            &self,
            staff: &StaffUser,
            reference: &str,
            action: CaseAction,
            note: &str,
        ) -> Result<CaseState, ActError> {
            if staff.role == Role::Volunteer {
                return Err(ActError::Volunteer);
            }
            if action.is_decision() && !matches!(staff.role, Role::Supervisor | Role::Admin) {
                return Err(ActError::NeedsSupervisor);
            }
            let note = note.trim();
            if action.needs_reason() && note.is_empty() {
                return Err(ActError::ReasonRequired);
            }
            let mut tx = self.write_tx().await?;
            let row = sqlx::query(
                "SELECT id, county, status, phone_sealed FROM applications WHERE reference = $1",
            )
            .bind(reference)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(ActError::NotFound)?;
            let county: String = row.try_get("county")?;
            if county != staff.county.id() {
                return Err(ActError::OtherCounty);
            }
            let id: i64 = row.try_get("id")?;
            let current: String = row.try_get("status")?;
            let state = CaseState::parse(&current)
                .ok_or_else(|| StoreError::Corrupt(format!("unknown case state {current:?}")))?;
            let next = next_state(state, action)?;
            let now = self.now_unix();
            let changed =
                sqlx::query("UPDATE applications SET status = $1 WHERE id = $2 AND status = $3")
                    .bind(next.as_str())
                    .bind(id)
                    .bind(state.as_str())
                    .execute(&mut *tx)
                    .await?;
            if changed.rows_affected() != 1 {
                return Err(ActError::Conflict);
            }
            sqlx::query(
                "INSERT INTO application_events (application_id, state, at, note, actor) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id)
            .bind(next.as_str())
            .bind(now)
            .bind(note)
            .bind(&staff.username)
            .execute(&mut *tx)
            .await?;
            if action == CaseAction::DocumentsReceived {
                sqlx::query("UPDATE application_documents SET status = 'supplied', updated_at = $1 WHERE application_id = $2")
                    .bind(now)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            let phone = self
                .data_key()
                .open(&row.try_get::<String, _>("phone_sealed")?)?;
            let sms = serde_json::json!({"template": "case_state", "reference": reference, "state": next.as_str()})
                .to_string();
            self.queue_message(&mut tx, &phone, &sms).await?;
            let detail =
                serde_json::json!({"action": action.as_str(), "from": state.as_str(), "to": next.as_str()}).to_string();
            self.append_audit(
                &mut tx,
                AuditEntry {
                    actor: Some(staff.id),
                    action: "case.act",
                    subject: reference,
                    detail: &detail,
                },
            )
            .await?;
            tx.commit().await?;
            Ok(next)
        }
    }
}

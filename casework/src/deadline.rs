//! What is due next on a case, by when, and who acts (POLICY.md §4's time limits). Pure: the
//! caller brings the case's times and the clock's "now".

use serde::Serialize;
use time::OffsetDateTime;

use crate::workflow::CaseState;

/// What is due next and by when.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Deadline {
    /// `advance` (先行救助 for an emergency), `accept` (受理), `decision`, or `notice_ends`
    /// (the 7-day 公示, after which the decision follows).
    pub kind: &'static str,
    #[serde(with = "time::serde::rfc3339")]
    pub due_at: OffsetDateTime,
}

/// Who has to act for the case to move on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NextActor {
    /// The caseworkers of the county.
    Staff,
    /// A supervisor decides.
    Supervisor,
    /// The applicant (documents to supply).
    Applicant,
    /// The charity or department the case was referred to.
    Partner,
}

impl NextActor {
    pub fn as_str(self) -> &'static str {
        match self {
            NextActor::Staff => "staff",
            NextActor::Supervisor => "supervisor",
            NextActor::Applicant => "applicant",
            NextActor::Partner => "partner",
        }
    }
}

/// The times of a case that its deadlines follow from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseTimes {
    pub state: CaseState,
    pub submitted_at: OffsetDateTime,
    /// One working day after submission (by the workflow limits in force).
    pub accept_due_at: OffsetDateTime,
    pub advance_due_at: Option<OffsetDateTime>,
    pub advance_paid_at: Option<OffsetDateTime>,
    pub decision_due_at: Option<OffsetDateTime>,
    pub notice_ends_at: Option<OffsetDateTime>,
}

/// The next step of a case: who acts, and the deadline they work to, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NextStep {
    pub actor: Option<NextActor>,
    pub deadline: Option<Deadline>,
}

impl CaseTimes {
    /// Whether advance help for an emergency is still owed (it comes before the paperwork).
    pub fn advance_owed(&self) -> bool {
        use CaseState as S;
        self.advance_due_at.is_some()
            && self.advance_paid_at.is_none()
            && matches!(
                self.state,
                S::Submitted | S::Accepted | S::NeedsDocuments | S::Verifying
            )
    }

    pub fn next_step(&self) -> NextStep {
        use CaseState as S;
        let deadline =
            |kind, due_at: Option<OffsetDateTime>| due_at.map(|due_at| Deadline { kind, due_at });
        if let (true, Some(due_at)) = (self.advance_owed(), self.advance_due_at) {
            return NextStep {
                actor: Some(NextActor::Staff),
                deadline: Some(Deadline {
                    kind: "advance",
                    due_at,
                }),
            };
        }
        let decision = deadline("decision", self.decision_due_at);
        let (actor, deadline) = match self.state {
            S::Submitted | S::AdvancePaid => (
                Some(NextActor::Staff),
                Some(Deadline {
                    kind: "accept",
                    due_at: self.accept_due_at,
                }),
            ),
            S::Accepted | S::Verifying | S::HomeVisit | S::Review => {
                (Some(NextActor::Staff), decision)
            }
            S::NeedsDocuments => (Some(NextActor::Applicant), decision),
            S::PublicNotice => (
                Some(NextActor::Supervisor),
                deadline("notice_ends", self.notice_ends_at),
            ),
            S::Deliberation => (Some(NextActor::Supervisor), decision),
            S::Approved => (Some(NextActor::Staff), None),
            S::Referred => (Some(NextActor::Partner), None),
            S::Paying | S::Rejected | S::Closed | S::Withdrawn => (None, None),
        };
        NextStep { actor, deadline }
    }

    /// Whether the deadline being worked to has passed. The end of a public notice is not
    /// something anyone can be late for.
    pub fn overdue(&self, now: OffsetDateTime) -> bool {
        self.next_step()
            .deadline
            .is_some_and(|d| d.kind != "notice_ends" && d.due_at < now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn times(state: CaseState) -> CaseTimes {
        CaseTimes {
            state,
            submitted_at: datetime!(2026-12-04 10:00 UTC),
            accept_due_at: datetime!(2026-12-07 10:00 UTC),
            advance_due_at: None,
            advance_paid_at: None,
            decision_due_at: None,
            notice_ends_at: None,
        }
    }

    #[test]
    fn a_new_case_is_accepted_within_a_working_day_by_staff() {
        let step = times(CaseState::Submitted).next_step();
        assert_eq!(step.actor, Some(NextActor::Staff));
        assert_eq!(
            step.deadline,
            Some(Deadline {
                kind: "accept",
                due_at: datetime!(2026-12-07 10:00 UTC)
            })
        );
    }

    #[test]
    fn advance_help_comes_first_until_it_is_given() {
        let mut case = times(CaseState::Accepted);
        case.advance_due_at = Some(datetime!(2026-12-04 12:00 UTC));
        case.decision_due_at = Some(datetime!(2027-01-04 10:00 UTC));
        assert_eq!(case.next_step().deadline.map(|d| d.kind), Some("advance"));
        assert!(case.overdue(datetime!(2026-12-04 12:01 UTC)));
        case.advance_paid_at = Some(datetime!(2026-12-04 11:00 UTC));
        assert_eq!(case.next_step().deadline.map(|d| d.kind), Some("decision"));
        assert!(!case.overdue(datetime!(2026-12-04 12:01 UTC)));
    }

    #[test]
    fn the_applicant_acts_when_documents_are_asked_for() {
        assert_eq!(
            times(CaseState::NeedsDocuments).next_step().actor,
            Some(NextActor::Applicant)
        );
        assert_eq!(times(CaseState::Closed).next_step().actor, None);
        let mut notice = times(CaseState::PublicNotice);
        notice.notice_ends_at = Some(datetime!(2026-12-11 10:00 UTC));
        assert_eq!(notice.next_step().actor, Some(NextActor::Supervisor));
        assert!(!notice.overdue(datetime!(2027-01-01 0:00 UTC)));
    }
}

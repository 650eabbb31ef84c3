//! What is due next on a case, by when, and who acts (POLICY.md §4's time limits). Pure: the
//! caller brings the case's times and the clock's "now".

use serde::Serialize;
use time::{Duration, OffsetDateTime, Weekday};

use super::workflow::CaseState;

/// The time limits of the workflow. The bureau's notice may change them; these are the defaults
/// of POLICY.md §4.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkflowLimits {
    pub accept_working_days: i64,
    pub decide_working_days: i64,
    pub decide_complex_working_days: i64,
    pub notice_days: i64,
}

pub const LIMITS: WorkflowLimits = WorkflowLimits {
    accept_working_days: 1,
    decide_working_days: 20,
    decide_complex_working_days: 30,
    notice_days: 7,
};

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
                    due_at: add_working_days(self.submitted_at, LIMITS.accept_working_days),
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

/// The decision is due this many working days after acceptance.
pub fn decision_due(accepted_at: OffsetDateTime, complex: bool) -> OffsetDateTime {
    let days = if complex {
        LIMITS.decide_complex_working_days
    } else {
        LIMITS.decide_working_days
    };
    add_working_days(accepted_at, days)
}

/// Working days skip Saturdays and Sundays. Public holidays are not known here yet; a deadline
/// over a holiday comes out early, never late.
pub fn add_working_days(from: OffsetDateTime, days: i64) -> OffsetDateTime {
    let mut at = from;
    let mut left = days;
    while left > 0 {
        at += Duration::days(1);
        if !matches!(at.weekday(), Weekday::Saturday | Weekday::Sunday) {
            left -= 1;
        }
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn times(state: CaseState) -> CaseTimes {
        CaseTimes {
            state,
            submitted_at: datetime!(2026-12-04 10:00 UTC),
            advance_due_at: None,
            advance_paid_at: None,
            decision_due_at: None,
            notice_ends_at: None,
        }
    }

    #[test]
    fn working_days_skip_the_weekend() {
        let friday = datetime!(2026-12-04 10:00 UTC);
        assert_eq!(add_working_days(friday, 1), datetime!(2026-12-07 10:00 UTC));
        let monday = datetime!(2026-12-07 10:00 UTC);
        assert_eq!(add_working_days(monday, 1), datetime!(2026-12-08 10:00 UTC));
        assert_eq!(decision_due(monday, false), datetime!(2027-01-04 10:00 UTC));
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

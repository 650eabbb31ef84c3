//! The case workflow of POLICY.md §4 as a state machine: which action is allowed in which state,
//! and where it leads. An action that is not allowed is refused and changes nothing.

rules::wire_enum! {
    /// A case's state. The main line runs from `Submitted` to `Closed`; the rest are side states.
    CaseState {
        Submitted = "submitted",
        /// 受理 (documents may still be missing).
        Accepted = "accepted",
        /// 家庭经济状况核对.
        Verifying = "verifying",
        /// 入户调查 by two staff.
        HomeVisit = "home_visit",
        /// 民主评议 / 审核.
        Review = "review",
        /// 公示, 7 days.
        PublicNotice = "public_notice",
        Approved = "approved",
        Rejected = "rejected",
        Paying = "paying",
        Closed = "closed",
        NeedsDocuments = "needs_documents",
        /// 先行救助 given; the ordinary procedure goes on.
        AdvancePaid = "advance_paid",
        Referred = "referred",
        /// 一事一议.
        Deliberation = "deliberation",
        Withdrawn = "withdrawn",
    }
}

impl CaseState {
    /// Whether the applicant may still take the application back: while it is open and
    /// undecided (not approved, rejected, being paid, referred on or ended).
    pub fn applicant_may_withdraw(self) -> bool {
        self != CaseState::Referred && next_state(self, CaseAction::Withdraw).is_ok()
    }

    /// No action leads anywhere from here.
    pub fn is_final(self) -> bool {
        matches!(self, CaseState::Closed | CaseState::Withdrawn)
    }
}

rules::wire_enum! {
    /// What staff (or the applicant, for `Withdraw`) can do to a case.
    CaseAction {
        Accept = "accept",
        RequestDocuments = "request_documents",
        DocumentsReceived = "documents_received",
        StartVerification = "start_verification",
        /// The household's finances are verified; two staff visit next.
        StartHomeVisit = "start_home_visit",
        /// The home visit by two staff is recorded; the case goes to review.
        RecordHomeVisit = "record_home_visit",
        StartPublicNotice = "start_public_notice",
        Approve = "approve",
        Reject = "reject",
        StartPaying = "start_paying",
        Close = "close",
        RecordAdvance = "record_advance",
        Refer = "refer",
        SendToDeliberation = "send_to_deliberation",
        Withdraw = "withdraw",
        /// A direct transfer on the resident's consent: a 低保 recipient the monthly re-check
        /// finds meeting 特困 goes straight to the public notice.
        TransferToNotice = "transfer_to_notice",
        /// A direct transfer on the household head's consent: a 低保边缘 family meeting 低保 or
        /// 特困 goes straight to review.
        TransferToReview = "transfer_to_review",
    }
}

impl CaseAction {
    /// Whether this action, taken while a case is `from`, needs its note as a written reason: a
    /// decision either way, a referral, a deliberation, and whatever ends a case before its
    /// decision (a withdrawal on staff initiative, closing a referred case).
    pub fn needs_reason(self, from: CaseState) -> bool {
        matches!(
            self,
            CaseAction::Approve
                | CaseAction::Reject
                | CaseAction::Refer
                | CaseAction::SendToDeliberation
        ) || self.ends_undecided(from)
    }

    /// Taken only on the resident's own consent (a direct transfer), never from the console.
    pub fn on_consent(self) -> bool {
        matches!(
            self,
            CaseAction::TransferToNotice | CaseAction::TransferToReview
        )
    }

    /// Decisions are a supervisor's (or an administrator's); the rest any caseworker's.
    pub fn is_decision(self) -> bool {
        matches!(self, CaseAction::Approve | CaseAction::Reject)
    }

    /// Whether this action, taken while a case is `from`, is a supervisor's (or an
    /// administrator's) alone: a decision, or ending a case that nobody decided — withdrawing it
    /// on staff initiative, or closing it after a referral. A caseworker cannot end a case alone.
    pub fn needs_supervisor(self, from: CaseState) -> bool {
        self.is_decision() || self.ends_undecided(from)
    }

    fn ends_undecided(self, from: CaseState) -> bool {
        match self {
            CaseAction::Withdraw => true,
            CaseAction::Close => from == CaseState::Referred,
            _ => false,
        }
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
        // Approval follows the public notice (whose 7 days the store checks) or a deliberation.
        (S::PublicNotice | S::Deliberation, A::Approve) => S::Approved,
        (S::PublicNotice | S::Review | S::Deliberation, A::Reject) => S::Rejected,
        (S::Approved, A::StartPaying) => S::Paying,
        // A recipient's direct transfer, on consent: paid as before until the new decision.
        (S::Approved | S::Paying, A::TransferToNotice) => S::PublicNotice,
        (S::Approved | S::Paying, A::TransferToReview) => S::Review,
        (S::Paying | S::Rejected | S::Referred, A::Close) => S::Closed,
        // Advance help comes first, whatever the paperwork's state.
        // A further advance may follow the first while the household is still within its cap.
        (
            S::Submitted | S::Accepted | S::NeedsDocuments | S::Verifying | S::AdvancePaid,
            A::RecordAdvance,
        ) => S::AdvancePaid,
        // Whoever was turned down may still be helped elsewhere: the loop closes with a referral.
        (S::Rejected, A::Refer) => S::Referred,
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
        assert!(
            next_state(S::Review, A::Approve).is_err(),
            "approval waits for the public notice"
        );
    }

    #[test]
    fn a_rejected_case_can_be_referred_on_or_closed_and_nothing_else() {
        assert_eq!(next_state(S::Rejected, A::Refer), Ok(S::Referred));
        assert_eq!(next_state(S::Rejected, A::Close), Ok(S::Closed));
        assert!(next_state(S::Rejected, A::Approve).is_err());
        assert!(next_state(S::Rejected, A::SendToDeliberation).is_err());
        assert!(next_state(S::Rejected, A::Withdraw).is_err());
    }

    #[test]
    fn ending_a_case_undecided_is_a_supervisors_with_a_reason() {
        assert!(A::Withdraw.needs_supervisor(S::Accepted));
        assert!(A::Withdraw.needs_reason(S::Submitted));
        assert!(A::Close.needs_supervisor(S::Referred));
        assert!(A::Close.needs_reason(S::Referred));
        assert!(!A::Close.needs_supervisor(S::Paying));
        assert!(!A::Close.needs_reason(S::Paying));
        assert!(!A::Accept.needs_supervisor(S::Submitted));
    }

    #[test]
    fn the_applicant_withdraws_only_while_undecided() {
        assert!(S::Submitted.applicant_may_withdraw());
        assert!(S::PublicNotice.applicant_may_withdraw());
        for state in [
            S::Approved,
            S::Rejected,
            S::Paying,
            S::Referred,
            S::Closed,
            S::Withdrawn,
        ] {
            assert!(!state.applicant_may_withdraw(), "{state:?}");
        }
    }

    #[test]
    fn a_second_advance_follows_the_first() {
        assert_eq!(
            next_state(S::AdvancePaid, A::RecordAdvance),
            Ok(S::AdvancePaid)
        );
    }

    #[test]
    fn a_recipient_on_consent_goes_straight_to_notice_or_review() {
        for from in [S::Approved, S::Paying] {
            assert_eq!(next_state(from, A::TransferToNotice), Ok(S::PublicNotice));
            assert_eq!(next_state(from, A::TransferToReview), Ok(S::Review));
        }
        assert!(next_state(S::Submitted, A::TransferToNotice).is_err());
        assert!(A::TransferToNotice.on_consent() && !A::Approve.on_consent());
    }

    #[test]
    fn actions_read_back_from_their_names() {
        for &action in CaseAction::ALL {
            assert_eq!(CaseAction::parse(action.as_str()), Some(action));
        }
    }

    #[test]
    fn no_open_state_is_a_dead_end() {
        for &state in CaseState::ALL.iter().filter(|s| !s.is_final()) {
            assert!(
                CaseAction::ALL
                    .iter()
                    .any(|a| next_state(state, *a).is_ok()),
                "{state:?} leads nowhere"
            );
            assert_eq!(CaseState::parse(state.as_str()), Some(state));
        }
    }
}

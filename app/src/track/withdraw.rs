//! The case page's "withdraw" form: the applicant takes their own application back while it is
//! open and undecided. A plain form (no JS needed) with a box to tick as the confirmation and an
//! optional reason; it posts to `/track/cases/{reference}/withdraw`.

use leptos::prelude::*;

use super::TrackedCase;
use crate::form_fields::{coded_error_summary, SummaryLine};
use crate::i18n::{tr, Lang};

/// Put in the page's context by the server when this browser may act on the case.
#[derive(Debug, Clone, Default)]
pub struct WithdrawForm {
    /// The reason as typed, when the form came back.
    pub reason: String,
    pub problem: Option<WithdrawProblem>,
    /// The case was just withdrawn (after the redirect).
    pub done: bool,
}

/// Why a withdrawal was not made, as the page explains it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WithdrawProblem {
    /// The confirmation box was not ticked.
    Confirm,
    TooLong,
    /// Decided or ended meanwhile.
    NotAllowed,
}

const CONFIRM_ID: &str = "withdraw-confirm";
const REASON_ID: &str = "withdraw-reason";

/// A problem's code, in the page's `data-problem` (for tests and monitoring).
fn problem_code(problem: WithdrawProblem) -> &'static str {
    match problem {
        WithdrawProblem::Confirm => "confirm",
        WithdrawProblem::TooLong => "too_long",
        WithdrawProblem::NotAllowed => "not_allowed",
    }
}

fn problem_text(lang: Lang, problem: WithdrawProblem) -> &'static str {
    match problem {
        WithdrawProblem::Confirm => tr::resident_withdraw_confirm_missing(lang),
        WithdrawProblem::TooLong => tr::resident_withdraw_too_long(lang),
        WithdrawProblem::NotAllowed => tr::resident_withdraw_not_allowed(lang),
    }
}

/// The confirmation after a withdrawal, and the form while the case may still be withdrawn.
/// Type-erased (`AnyView`): the case page's view type is deep enough already.
pub fn withdraw_section(lang: Lang, case: &TrackedCase) -> AnyView {
    let form = use_context::<WithdrawForm>();
    let done = form.as_ref().is_some_and(|f| f.done) && case.status == "withdrawn";
    let problem = form.as_ref().and_then(|f| f.problem);
    let reason = form.as_ref().map(|f| f.reason.clone()).unwrap_or_default();
    let field = match problem {
        Some(WithdrawProblem::TooLong) => REASON_ID,
        _ => CONFIRM_ID,
    };
    let summary = problem
        .map(|p| {
            let line = SummaryLine {
                field: field.to_owned(),
                text: problem_text(lang, p).to_owned(),
            };
            vec![(line, problem_code(p).to_owned())]
        })
        .unwrap_or_default();
    let shown = form.is_some() && (case.may_withdraw || problem.is_some());
    let confirm_problem = problem
        .filter(|p| *p != WithdrawProblem::TooLong)
        .map(|p| problem_text(lang, p));
    let reason_problem = problem
        .filter(|p| *p == WithdrawProblem::TooLong)
        .map(|p| problem_text(lang, p));
    view! {
        {done.then(|| view! { <p class="notice" role="status" data-notice="withdrawn">{tr::resident_withdraw_done(lang)}</p> })}
        {shown.then(|| view! {
            {coded_error_summary(lang, summary)}
            <details class="withdraw" open=problem.is_some()>
                <summary>{tr::resident_withdraw_heading(lang)}</summary>
                <p>{tr::resident_withdraw_lead(lang)}</p>
                <form method="post" action=format!("/track/cases/{}/withdraw", case.reference) novalidate>
                    <div class="field" class:field-error=reason_problem.is_some()>
                        <label for=REASON_ID>{tr::resident_withdraw_reason(lang)}</label>
                        <p class="hint" id=format!("{REASON_ID}-hint")>{tr::resident_withdraw_reason_hint(lang)}</p>
                        {reason_problem.map(|text| view! {
                            <p class="field-message" id=format!("{REASON_ID}-error")>
                                <span class="visually-hidden">{tr::form_error_prefix(lang)}</span>{text}
                            </p>
                        })}
                        <textarea id=REASON_ID name="reason" rows="3" aria-describedby=format!("{REASON_ID}-hint")>{reason}</textarea>
                    </div>
                    <div class="field checkbox" class:field-error=confirm_problem.is_some()>
                        {confirm_problem.map(|text| view! {
                            <p class="field-message" id=format!("{CONFIRM_ID}-error")>
                                <span class="visually-hidden">{tr::form_error_prefix(lang)}</span>{text}
                            </p>
                        })}
                        <input type="checkbox" id=CONFIRM_ID name="confirm" value="yes"
                            aria-describedby=confirm_problem.map(|_| format!("{CONFIRM_ID}-error"))/>
                        <label for=CONFIRM_ID>{tr::resident_withdraw_confirm(lang)}</label>
                    </div>
                    <button type="submit" class="button button-secondary">{tr::resident_withdraw_button(lang)}</button>
                </form>
            </details>
        })}
    }
    .into_any()
}

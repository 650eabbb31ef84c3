//! `/staff/recipients`: the month's re-verification (在保必核) for staff. The month's report
//! (renewed from data alone, warned, decided, paid), then each warning of the county with its
//! evidence and the form on which a person decides: continue, adjust the amount, suspend or stop,
//! always with a written reason that the resident is told. The server prepares the page
//! (`server/src/recipients.rs`); every form is a plain post.

use leptos::prelude::*;
use leptos_meta::Title;
use rules::{Check, ProgrammeId};

use super::discovery::{checks_list, records_table, relation_label, OneProblem};
use super::prices::{prices_part, PricesPart};
use crate::form_fields::{coded_error_summary, hint_and_problem};
use crate::i18n::{format_yuan, tr, Lang};
use crate::preferences::use_prefs;
use crate::self_check::programme_name;

/// `GET ?month=2026-12`.
pub const RECIPIENTS_PAGE: &str = "/staff/recipients";
/// `POST` here starts the month's re-check (supervisors and administrators).
pub const RECIPIENT_RUNS: &str = "/staff/recipients/runs";
/// `POST /{id}`: a person's decision on a warning.
pub const RECIPIENT_WARNINGS: &str = "/staff/recipients/warnings";

/// The decision form's field names, shared with the server that reads them.
pub mod recipients_field {
    pub const DECISION: &str = "decision";
    pub const AMOUNT: &str = "amount";
    pub const REASON: &str = "reason";
}

const DECISIONS: [&str; 4] = ["continue", "adjust", "suspend", "stop"];

/// One warning as the page shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct WarningRow {
    pub id: i64,
    pub reference: String,
    pub programme: ProgrammeId,
    pub monthly_amount_fen: i64,
    pub amount_now_fen: Option<i64>,
    /// Change codes (`income_above_line`, …).
    pub changes: Vec<String>,
    pub offer: Option<ProgrammeId>,
    /// The decision made, if any (`continue`, …).
    pub decision: Option<String>,
    /// (name, relation, age).
    pub members: Vec<(String, String, u8)>,
    /// (member's name, kind, record id, day).
    pub records: Vec<(String, String, String, String)>,
    pub checks: Vec<Check>,
}

/// The page: the month, its figures and its warnings.
#[derive(Debug, Clone, PartialEq)]
pub struct RecipientsPage {
    pub month: String,
    /// (figure's code, value) in the order shown.
    pub figures: Vec<(&'static str, String)>,
    pub warnings: Vec<WarningRow>,
    /// A refused decision: (warning, problem code, what was typed: decision, amount, reason).
    pub refused: Option<(i64, String, [String; 3])>,
    /// Payments residents said did not arrive: (reference, month, kind, when said).
    pub missing: Vec<(String, String, casework::PaymentKind, i64)>,
    /// The latest re-check: (month, state, started, finished).
    pub run: Option<(String, String, i64, Option<i64>)>,
    /// This member of staff may start the month's re-check.
    pub may_start: bool,
    /// The price index and, for those who may, the forms that add to it.
    pub prices: PricesPart,
}

fn figure_label(lang: Lang, code: &str) -> &'static str {
    match code {
        "recipients" => tr::recipients_fig_recipients(lang),
        "renewed" => tr::recipients_fig_renewed(lang),
        "renewal_rate" => tr::recipients_fig_renewal_rate(lang),
        "warned" => tr::recipients_fig_warned(lang),
        "waiting" => tr::recipients_fig_waiting(lang),
        "suspended" => tr::recipients_fig_suspended(lang),
        "stopped" => tr::recipients_fig_stopped(lang),
        "adjusted" => tr::recipients_fig_adjusted(lang),
        "offered" => tr::recipients_fig_offered(lang),
        "paid" => tr::recipients_fig_paid(lang),
        _ => tr::recipients_fig_subsidies(lang),
    }
}

pub fn change_label(lang: Lang, code: &str) -> &'static str {
    match code {
        "died" => tr::recipients_change_died(lang),
        "left_register" => tr::recipients_change_left_register(lang),
        "moved" => tr::recipients_change_moved(lang),
        "income_above_line" => tr::recipients_change_income(lang),
        "assets" => tr::recipients_change_assets(lang),
        "vehicle" => tr::recipients_change_vehicle(lang),
        "property" => tr::recipients_change_property(lang),
        "supporter" => tr::recipients_change_supporter(lang),
        "condition" => tr::recipients_change_condition(lang),
        "job" => tr::recipients_change_job(lang),
        _ => tr::recipients_change_amount(lang),
    }
}

pub fn decision_label(lang: Lang, code: &str) -> &'static str {
    match code {
        "continue" => tr::recipients_decision_continue(lang),
        "adjust" => tr::recipients_decision_adjust(lang),
        "suspend" => tr::recipients_decision_suspend(lang),
        _ => tr::recipients_decision_stop(lang),
    }
}

fn problem_text(lang: Lang, code: &str) -> (&'static str, &'static str) {
    match code {
        "reason_required" => (
            recipients_field::REASON,
            tr::recipients_problem_reason(lang),
        ),
        "amount_required" => (
            recipients_field::AMOUNT,
            tr::recipients_problem_amount(lang),
        ),
        "decided" => (
            recipients_field::DECISION,
            tr::recipients_problem_decided(lang),
        ),
        _ => (
            recipients_field::DECISION,
            tr::recipients_problem_choose(lang),
        ),
    }
}

fn run_text(lang: Lang, month: &str, state: &str, started: i64, finished: Option<i64>) -> String {
    let started = crate::i18n::format_date_time(lang, started);
    match (state, finished) {
        ("running", _) => tr::recipients_run_running(lang, started, month.to_owned()),
        ("done", Some(at)) => tr::recipients_run_done(
            lang,
            month.to_owned(),
            crate::i18n::format_date_time(lang, at),
        ),
        _ => tr::recipients_run_failed(lang, started, month.to_owned()),
    }
}

fn yuan(fen: i64) -> String {
    format_yuan(fen as f64 / 100.0)
}

#[component]
pub fn StaffRecipientsPage() -> impl IntoView {
    let lang = use_prefs().lang;
    use_context::<RecipientsPage>().map(|page| recipients(lang, page))
}

fn recipients(lang: Lang, page: RecipientsPage) -> impl IntoView {
    let refused = page.refused.clone();
    let problem = OneProblem::new(refused.as_ref().map(|(_, code, _)| code.as_str()), |code| {
        problem_text(lang, code)
    });
    let mut summary = problem.summary();
    summary.extend(page.prices.summary(lang));
    let count = page.warnings.len().to_string();
    view! {
        <Title text=tr::recipients_title(lang, page.month.clone())/>
        <super::session_warning::SessionWarning/>
        {coded_error_summary(lang, summary)}
        <p><a href="/staff">{tr::recipients_back(lang)}</a></p>
        <h1>{tr::recipients_title(lang, page.month.clone())}</h1>
        <p>{tr::recipients_intro(lang)}</p>
        <form method="get" action=RECIPIENTS_PAGE class="form-inline">
            <label for="month">{tr::recipients_month(lang)}</label>
            " "
            <input id="month" name="month" type="month" value=page.month.clone()/>
            " "
            <button type="submit" class="button button-secondary">{tr::recipients_show(lang)}</button>
        </form>
        {page.run.as_ref().map(|(month, state, started, finished)| {
            let busy = state == "running";
            view! {
                {busy.then(|| view! { <leptos_meta::Meta http_equiv="refresh" content="3"/> })}
                <p class="notice" data-run-state=state.clone() data-run-month=month.clone()>
                    {run_text(lang, month, state, *started, *finished)}
                </p>
            }
        })}
        {page.may_start.then(|| view! {
            <form method="post" action=RECIPIENT_RUNS class="form-inline">
                <input type="hidden" name="month" value=page.month.clone()/>
                <button type="submit" class="button">{tr::recipients_start(lang, page.month.clone())}</button>
            </form>
        })}
        <dl class="summary-list" data-report=page.month.clone()>
            {page.figures.iter().map(|(code, value)| view! {
                <div data-figure=*code><dt>{figure_label(lang, code)}</dt><dd>{value.clone()}</dd></div>
            }).collect_view()}
        </dl>
        {(!page.missing.is_empty()).then(|| view! {
            <table class="table" data-missing=page.missing.len().to_string()>
                <caption>{tr::recipients_missing(lang)}</caption>
                <thead><tr>
                    <th scope="col">{tr::recipients_missing_reference(lang)}</th>
                    <th scope="col">{tr::track_payment_month(lang)}</th>
                    <th scope="col">{tr::track_payment_what(lang)}</th>
                    <th scope="col">{tr::recipients_missing_when(lang)}</th>
                </tr></thead>
                <tbody>
                    {page.missing.iter().map(|(reference, month, kind, at)| view! {
                        <tr>
                            <td><a href=format!("/staff/cases/{reference}")>{reference.clone()}</a></td>
                            <td>{month.clone()}</td>
                            <td>{crate::track::assistance::payment_kind(lang, *kind)}</td>
                            <td>{crate::i18n::format_date_time(lang, *at)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        })}
        {prices_part(lang, page.prices)}
        <h2>{tr::recipients_warnings(lang)}</h2>
        {page.warnings.is_empty().then(|| view! { <p data-warnings="0">{tr::recipients_no_warnings(lang)}</p> })}
        <div data-warnings=count>
            {page.warnings.into_iter().map(|w| {
                let mine = refused.as_ref().filter(|(id, _, _)| *id == w.id);
                warning(lang, w, mine.map(|(_, _, typed)| typed.clone()), &problem)
            }).collect_view()}
        </div>
    }
}

fn warning(
    lang: Lang,
    w: WarningRow,
    typed: Option<[String; 3]>,
    problem: &OneProblem,
) -> impl IntoView {
    let here = typed.is_some();
    let at = |field: &str| if here { problem.at(field) } else { None };
    let [typed_decision, typed_amount, typed_reason] = typed.unwrap_or_default();
    let id_of = |field: &str| {
        if here {
            field.to_owned()
        } else {
            format!("{field}-{}", w.id)
        }
    };
    let (decision_notes, decision_described) = hint_and_problem(
        lang,
        &id_of(recipients_field::DECISION),
        Some(tr::recipients_decision_hint(lang)),
        at(recipients_field::DECISION),
    );
    let (amount_notes, amount_described) = hint_and_problem(
        lang,
        &id_of(recipients_field::AMOUNT),
        Some(tr::recipients_amount_hint(lang)),
        at(recipients_field::AMOUNT),
    );
    let (reason_notes, reason_described) = hint_and_problem(
        lang,
        &id_of(recipients_field::REASON),
        Some(tr::recipients_reason_hint(lang)),
        at(recipients_field::REASON),
    );
    let changes = w
        .changes
        .iter()
        .map(|c| change_label(lang, c))
        .collect::<Vec<_>>()
        .join(tr::check_list_separator(lang));
    let action = format!("{RECIPIENT_WARNINGS}/{}", w.id);
    view! {
        <section class="warning" id=format!("warning-{}", w.id) data-warning=w.id.to_string()
            data-decision=w.decision.clone().unwrap_or_default()>
            <h3>{tr::recipients_warning_title(lang, w.reference.clone())}</h3>
            <dl class="summary-list">
                <div><dt>{tr::recipients_programme(lang)}</dt><dd>{programme_name(lang, w.programme)}" · "{yuan(w.monthly_amount_fen)}</dd></div>
                <div><dt>{tr::recipients_changes(lang)}</dt><dd>{changes}</dd></div>
                {w.amount_now_fen.map(|fen| view! { <div><dt>{tr::recipients_amount_now(lang)}</dt><dd>{yuan(fen)}</dd></div> })}
                {w.offer.map(|p| view! { <div><dt>{tr::recipients_offer(lang)}</dt><dd>{programme_name(lang, p)}</dd></div> })}
            </dl>
            {(!w.members.is_empty()).then(|| view! {
                <table class="table">
                    <caption>{tr::discovery_members(lang)}</caption>
                    <thead><tr>
                        <th scope="col">{tr::discovery_member_name(lang)}</th>
                        <th scope="col">{tr::discovery_member_relation(lang)}</th>
                        <th scope="col">{tr::discovery_member_age(lang)}</th>
                    </tr></thead>
                    <tbody>
                        {w.members.iter().map(|(name, relation, age)| view! {
                            <tr><td>{name.clone()}</td><td>{relation_label(lang, relation)}</td><td>{*age}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
            {(!w.checks.is_empty()).then(|| checks_list(lang, &w.checks))}
            {records_table(lang, &w.records)}
            {match w.decision.clone() {
                Some(decision) => view! {
                    <p class="notice" data-decided=decision.clone()><strong>{tr::recipients_decided(lang, decision_label(lang, &decision))}</strong></p>
                }.into_any(),
                None => view! {
                    <form method="post" action=action class="form" novalidate>
                        <div class="field" class:field-error=at(recipients_field::DECISION).is_some()>
                            <fieldset aria-describedby=decision_described>
                                <legend>{tr::recipients_decision(lang)}</legend>
                                {decision_notes}
                                <div class="choices">
                                    {DECISIONS.iter().enumerate().map(|(i, d)| {
                                        let id = if i == 0 { id_of(recipients_field::DECISION) } else { format!("decision-{d}-{}", w.id) };
                                        view! {
                                            <div class="choice">
                                                <input type="radio" id=id.clone() name=recipients_field::DECISION value=*d
                                                    checked=typed_decision == *d/>
                                                <label for=id>{decision_label(lang, d)}</label>
                                            </div>
                                        }
                                    }).collect_view()}
                                </div>
                            </fieldset>
                        </div>
                        <div class="field" class:field-error=at(recipients_field::AMOUNT).is_some()>
                            <label for=id_of(recipients_field::AMOUNT)>{tr::recipients_amount(lang)}</label>
                            {amount_notes}
                            <input id=id_of(recipients_field::AMOUNT) name=recipients_field::AMOUNT type="text" inputmode="decimal"
                                class="input-number" value=typed_amount aria-describedby=amount_described
                                aria-invalid=at(recipients_field::AMOUNT).map(|_| "true")/>
                        </div>
                        <div class="field" class:field-error=at(recipients_field::REASON).is_some()>
                            <label for=id_of(recipients_field::REASON)>{tr::recipients_reason(lang)}</label>
                            {reason_notes}
                            <textarea id=id_of(recipients_field::REASON) name=recipients_field::REASON rows="3"
                                aria-describedby=reason_described aria-invalid=at(recipients_field::REASON).map(|_| "true")>{typed_reason}</textarea>
                        </div>
                        <button type="submit" class="button">{tr::recipients_decide(lang)}</button>
                    </form>
                }.into_any(),
            }}
        </section>
    }
}

//! `/track`: a resident opens their case with the reference number and the access code, and sees
//! where it stands, what happened when, what is due next, and which documents are still missing.
//! The form posts to the page itself; the server looks the case up and hands it to the page.

use casework::CaseState;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

use crate::i18n::{format_date_time, tr, Lang};
use crate::preferences::use_prefs;
use crate::self_check::programme_name;

pub mod assistance;
pub mod deliberation;
pub mod phone;
pub mod print;
pub mod referrals;
pub mod todo;
pub mod withdraw;

/// A case as the tracking page shows it; times are unix seconds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrackedCase {
    pub reference: String,
    pub status: CaseState,
    pub submitted_at: i64,
    pub programmes: Vec<rules::ProgrammeId>,
    /// (state, at, note), oldest first.
    pub timeline: Vec<(CaseState, i64, String)>,
    /// (kind: `advance` | `accept` | `decision` | `notice_ends`, due at).
    pub next_deadline: Option<(String, i64)>,
    /// `staff` | `supervisor` | `applicant` | `partner`.
    pub next_actor: Option<String>,
    pub overdue: bool,
    pub missing_documents: Vec<String>,
    /// (at, text) from the caseworker, oldest first.
    pub messages: Vec<(i64, String)>,
    /// Uploaded from the to-do list, waiting for the caseworker to check.
    pub uploaded_documents: Vec<String>,
    /// Whether the applicant may still withdraw it (open and undecided).
    pub may_withdraw: bool,
    /// What the household receives, once the case is approved.
    #[serde(default)]
    pub assistance: Option<assistance::Assistance>,
    /// The county's id, for the link to its windows.
    #[serde(default)]
    pub county: String,
    /// The 一事一议 deliberation, once the case is sent to one.
    #[serde(default)]
    pub deliberation: Option<deliberation::ResidentDeliberation>,
    /// The case's referrals to other organisations, oldest first.
    #[serde(default)]
    pub referrals: Vec<referrals::ResidentReferral>,
}

/// What the server found for a posted form.
#[derive(Debug, Clone)]
pub enum TrackLookup {
    Found(Box<TrackedCase>),
    /// Wrong reference or wrong code: the page does not say which.
    NotFound {
        reference: String,
    },
}

#[component]
pub fn TrackPage() -> impl IntoView {
    let lang = use_prefs().lang;
    let lookup = use_context::<TrackLookup>();
    let query_reference = leptos_router::hooks::use_query_map()
        .with_untracked(|q| q.get("reference").unwrap_or_default());
    match lookup {
        Some(TrackLookup::Found(case)) => Either::Left(case_page(lang, &case)),
        Some(TrackLookup::NotFound { reference }) => {
            Either::Right(form_page(lang, &reference, true))
        }
        None => Either::Right(form_page(lang, &query_reference, false)),
    }
}

fn form_page(lang: Lang, reference: &str, not_found: bool) -> impl IntoView {
    let reference: String = reference
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(20)
        .collect();
    view! {
        <Title text=tr::track_title(lang)/>
        {not_found.then(|| view! {
            <div class="error-summary" role="alert" tabindex="-1">
                <h2>{tr::track_not_found_heading(lang)}</h2>
                <p>{tr::track_not_found(lang)}</p>
            </div>
        })}
        <h1>{tr::track_title(lang)}</h1>
        <p class="lead">{tr::track_lead(lang)}</p>
        <form method="post" action="/track" novalidate>
            <div class="field">
                <label for="reference">{tr::track_reference(lang)}</label>
                <p class="hint" id="reference-hint">{tr::track_reference_hint(lang)}</p>
                <input id="reference" name="reference" type="text" autocomplete="off" value=reference
                    aria-describedby="reference-hint"/>
            </div>
            <div class="field">
                <label for="access_code">{tr::track_access_code(lang)}</label>
                <p class="hint" id="access_code-hint">{tr::track_access_code_hint(lang)}</p>
                <input id="access_code" name="access_code" type="text" inputmode="numeric" autocomplete="off"
                    class="input-number" aria-describedby="access_code-hint"/>
            </div>
            <button type="submit" class="button">{tr::track_open(lang)}</button>
        </form>
        <p><a href="/track/phone">{tr::resident_link_by_phone(lang)}</a></p>
        <p>{tr::track_lost_code(lang)}</p>
    }
}

pub fn status_label(lang: Lang, status: CaseState) -> &'static str {
    match status {
        CaseState::Submitted => tr::track_status_submitted(lang),
        CaseState::Accepted => tr::track_status_accepted(lang),
        CaseState::Verifying => tr::track_status_verifying(lang),
        CaseState::HomeVisit => tr::track_status_home_visit(lang),
        CaseState::Review => tr::track_status_review(lang),
        CaseState::PublicNotice => tr::track_status_public_notice(lang),
        CaseState::Approved => tr::track_status_approved(lang),
        CaseState::Rejected => tr::track_status_rejected(lang),
        CaseState::Paying => tr::track_status_paying(lang),
        CaseState::Closed => tr::track_status_closed(lang),
        CaseState::NeedsDocuments => tr::track_status_needs_documents(lang),
        CaseState::AdvancePaid => tr::track_status_advance_paid(lang),
        CaseState::Referred => tr::track_status_referred(lang),
        CaseState::Deliberation => tr::track_status_deliberation(lang),
        CaseState::Withdrawn => tr::track_status_withdrawn(lang),
    }
}

fn case_page(lang: Lang, case: &TrackedCase) -> impl IntoView {
    let deadline = case
        .next_deadline
        .as_ref()
        .map(|(kind, at)| crate::staff::deadline_text(lang, kind, *at));
    let sep = tr::check_list_separator(lang);
    let programmes = case
        .programmes
        .iter()
        .map(|p| programme_name(lang, *p))
        .collect::<Vec<_>>()
        .join(sep);
    view! {
        <Title text=tr::track_case_title(lang, case.reference.clone())/>
        <h1>{tr::track_case_title(lang, case.reference.clone())}</h1>
        <p class="programme-amount" data-status=case.status.as_str()>{tr::track_status_now(lang, status_label(lang, case.status))}</p>
        {deadline.map(|d| view! { <p class="notice">{d}</p> })}
        {case.overdue.then(|| view! { <p class="notice notice-late"><strong>{tr::track_step_overdue(lang)}</strong></p> })}
        {case.next_actor.as_deref().map(|actor| view! { <p>{crate::staff::actor_text(lang, actor)}</p> })}
        {assistance::assistance_section(lang, case)}
        {deliberation::deliberation_section(lang, case)}
        {referrals::referrals_section(lang, case)}
        <p class="button-group">
            <a class="button button-secondary" href=format!("/track/cases/{}/print", case.reference)>{tr::print_link(lang)}</a>
            <a class="button button-secondary" href=crate::windows::windows_link(Some(&case.county), None)>{tr::windows_link(lang)}</a>
        </p>
        {messages_section(lang, &case.messages)}
        <dl class="summary-list">
            <div><dt>{tr::track_submitted(lang)}</dt><dd>{format_date_time(lang, case.submitted_at)}</dd></div>
            <div><dt>{tr::track_programmes(lang)}</dt><dd>{programmes}</dd></div>
        </dl>
        {todo::todo_section(lang, case)}
        <h2>{tr::track_timeline_heading(lang)}</h2>
        <ol class="timeline">
            {case.timeline.iter().map(|(state, at, note)| view! {
                <li data-status=state.as_str()>
                    <strong>{status_label(lang, *state)}</strong>
                    <span class="timeline-time">{format_date_time(lang, *at)}</span>
                    {(!note.is_empty()).then(|| view! { <span>{note.clone()}</span> })}
                </li>
            }).collect_view()}
        </ol>
        {withdraw::withdraw_section(lang, case)}
        <p class="urgent-banner">{tr::home_urgent_banner(lang)} " " <a href="/help/urgent">{tr::home_urgent_banner_link(lang)}</a></p>
    }
}

fn messages_section(lang: Lang, messages: &[(i64, String)]) -> impl IntoView {
    (!messages.is_empty()).then(|| {
        view! {
            <h2>{tr::track_step_messages_heading(lang)}</h2>
            <ul class="messages">
                {messages.iter().map(|(at, text)| view! {
                    <li><span class="timeline-time">{format_date_time(lang, *at)}</span>{text.clone()}</li>
                }).collect_view()}
            </ul>
        }
    })
}

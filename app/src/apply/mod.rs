//! `/apply`: an aid application, one question per page (POLICY.md §4). It starts from the
//! self-check's answers (the household is asked once), then asks who is applying, the applicant,
//! the programmes, the documents still missing (容缺), and each consent on its own page; then
//! "check your answers", and a confirmation with the reference number and access code.
//!
//! The server keeps the draft (`/apply/{token}/{step}`: the link resumes it) and prepares each
//! page's data; the pages here only render it.

mod draft;
mod live_checks;

#[cfg(all(feature = "hydrate", feature = "outreach"))]
pub(crate) use live_checks::check_on_leaving;
mod pages;

use leptos::prelude::*;
use leptos_meta::Title;

pub use draft::{
    field, ApplicantAnswers, ApplicationDraft, ApplyFieldProblem, ApplyProblem, ApplyStep,
    SubmittedReceipt, Who, ACCESS_CODE_SHOWN_MINUTES,
};
pub use pages::{
    apply_page, document_label, title, upload_problem_code, upload_problem_message, ApplyPageData,
    SubmitLimit, UploadProblem,
};

use crate::i18n::tr;
use crate::not_found::NotFoundPage;
use crate::preferences::use_prefs;

/// The start page: who can apply, what to have ready, and that it begins with the self-check.
#[component]
pub fn ApplyStartPage() -> impl IntoView {
    let lang = use_prefs().lang;
    let policy = leptos_router::hooks::use_query_map().with_untracked(|q| q.get("policy"));
    let start = match policy {
        Some(slug) if slug.chars().all(|c| c.is_ascii_lowercase() || c == '-') => {
            format!("/check?policy={slug}")
        }
        _ => "/check".to_owned(),
    };
    view! {
        <Title text=tr::apply_start_title(lang)/>
        <h1>{tr::apply_start_title(lang)}</h1>
        <p class="lead">{tr::apply_start_lead(lang)}</p>
        <h2>{tr::apply_start_who_heading(lang)}</h2>
        <p>{tr::apply_start_who(lang)}</p>
        <h2>{tr::apply_start_ready_heading(lang)}</h2>
        <ul>
            <li>{tr::apply_start_ready_id(lang)}</li>
            <li>{tr::apply_start_ready_household(lang)}</li>
            <li>{tr::apply_start_ready_documents(lang)}</li>
        </ul>
        <h2>{tr::apply_start_how_heading(lang)}</h2>
        <p>{tr::apply_start_how(lang)}</p>
        <p class="urgent-banner">{tr::home_urgent_banner(lang)} " " <a href="/help/urgent">{tr::home_urgent_banner_link(lang)}</a></p>
        <p><a class="button button-start" href=start>{tr::apply_start_button(lang)}</a></p>
    }
}

/// A page of a draft, from the data the server prepared for this request.
#[component]
pub fn ApplyStepPage() -> impl IntoView {
    let lang = use_prefs().lang;
    let Some(data) = use_context::<ApplyPageData>() else {
        return NotFoundPage().into_any();
    };
    let standards = use_context::<std::sync::Arc<rules::Standards>>()
        .map(|s| *s)
        .unwrap_or_else(rules::Standards::sample_2026);
    #[cfg(feature = "ssr")]
    if !data.problems.is_empty() {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(http::StatusCode::UNPROCESSABLE_ENTITY);
        }
    }
    let heading = pages::title(lang, data.step);
    let page_title = if data.problems.is_empty() {
        heading.to_owned()
    } else {
        tr::form_error_title(lang, heading)
    };
    view! {
        <Title text=page_title/>
        {pages::apply_page(lang, &data, &standards)}
    }
    .into_any()
}

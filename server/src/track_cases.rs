//! `/track/cases/{reference}`: a case this browser opened (with its access code on `/track`, or
//! through a phone verified on `/track/phone`), and its to-do list's uploads. Another browser
//! gets 404, as for a reference that does not exist.

use axum::extract::{Path, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::provide_context;
use serde::Deserialize;
use tower_sessions::Session;

use app::apply::UploadProblem;
use app::track::phone::PhoneLookup;
use app::track::todo::TodoUploads;
use app::track::TrackLookup;
use store::applications::{CaseView, Supplied};

use crate::document_upload::{
    admit, clean_and_keep, client_key, discard, form_problem, read_posted_document, refusal_status,
    room_problem, KeepError,
};
use crate::posted_pages::{render_page_with, render_with};
use crate::resident_access::ResidentAccess;
use crate::router::AppState;
use crate::track_page::tracked;

#[derive(Debug, Deserialize)]
pub struct Shown {
    /// The document just uploaded, for the confirmation.
    uploaded: Option<String>,
}

/// `GET /track/cases/{reference}`.
pub async fn show(
    State(state): State<AppState>,
    session: Session,
    Path(reference): Path<String>,
    Query(shown): Query<Shown>,
    request: Request,
) -> Response {
    let mut access = ResidentAccess::load(&session, &state.store).await;
    let (parts, _) = request.into_parts();
    match access.open_case(&state.store, &reference).await {
        Ok(Some(case)) => {
            let uploads = TodoUploads {
                max_bytes: state.upload_policy.max_bytes,
                refused: None,
                uploaded_now: shown.uploaded,
            };
            render_case(&state, parts, case, uploads).await
        }
        Ok(None) => open_again(&state, parts).await,
        Err(e) => unavailable(&e),
    }
}

/// `POST /track/cases/{reference}/upload`: a missing document from the to-do list.
pub async fn upload(
    State(state): State<AppState>,
    session: Session,
    Path(reference): Path<String>,
    request: Request,
) -> Response {
    let mut access = ResidentAccess::load(&session, &state.store).await;
    let (parts, body) = request.into_parts();
    let case = match access.open_case(&state.store, &reference).await {
        Ok(Some(case)) => case,
        Ok(None) => return open_again(&state, parts).await,
        Err(e) => return unavailable(&e),
    };
    let posted = match read_posted_document(&state, parts.clone(), body).await {
        Ok(posted) => posted,
        Err(response) => return response,
    };
    let on_the_list = case
        .missing_documents
        .iter()
        .chain(&case.uploaded_documents)
        .any(|d| d.as_str() == posted.document);
    let refuse = |problem| {
        refused(
            &state,
            parts.clone(),
            case.clone(),
            &posted.document,
            problem,
        )
    };
    // Before anything is decoded: the client's hourly allowance, and room on the list at all.
    match admit(&state, &client_key(&parts)).await {
        Ok(()) => {}
        Err(KeepError::Refused(problem)) => return refuse(problem).await,
        Err(other) => return other.page(),
    }
    match state
        .store
        .case_upload_room(&case.reference, 0, state.upload_allowance)
        .await
    {
        Ok(room) => {
            if let Some(problem) = room_problem(room) {
                return refuse(problem).await;
            }
        }
        Err(e) => return unavailable(&e),
    }
    let kept = match form_problem(&posted, on_the_list) {
        Some(problem) => Err(KeepError::Refused(problem)),
        None => clean_and_keep(&state, posted.file).await,
    };
    let kept = match kept {
        Ok(kept) => kept,
        Err(KeepError::Refused(problem)) => return refuse(problem).await,
        Err(other) => return other.page(),
    };
    let supplied = state
        .store
        .supply_document(
            &case.reference,
            kept.as_stored(&posted.document),
            state.upload_allowance,
        )
        .await;
    if !matches!(supplied, Ok(Supplied::Recorded)) {
        discard(&state, &kept).await;
    }
    match supplied {
        Ok(Supplied::Recorded) => Redirect::to(&format!(
            "/track/cases/{}?uploaded={}",
            case.reference, posted.document
        ))
        .into_response(),
        // The caseworker changed the to-do list meanwhile.
        Ok(Supplied::NotOnTheList) => refuse(UploadProblem::ChooseDocument).await,
        Ok(Supplied::TooManyFiles) => refuse(UploadProblem::TooManyFiles).await,
        Ok(Supplied::OverQuota) => refuse(UploadProblem::OverQuota).await,
        Err(e) => unavailable(&e),
    }
}

async fn refused(
    state: &AppState,
    parts: Parts,
    case: CaseView,
    document: &str,
    problem: UploadProblem,
) -> Response {
    let uploads = TodoUploads {
        max_bytes: state.upload_policy.max_bytes,
        refused: Some((document.to_owned(), problem)),
        uploaded_now: None,
    };
    let mut response =
        render_case(state, as_case_page(parts, &case.reference), case, uploads).await;
    *response.status_mut() = refusal_status(problem);
    response
}

/// The case page, with its to-do list's upload forms.
pub(crate) async fn render_case(
    state: &AppState,
    parts: Parts,
    case: CaseView,
    uploads: TodoUploads,
) -> Response {
    let lookup = TrackLookup::Found(Box::new(tracked(case)));
    render_with(state, parts, move || {
        provide_context(lookup.clone());
        provide_context(uploads.clone());
    })
    .await
}

/// The request as a GET of the case page, so the page renders at its own address.
fn as_case_page(mut parts: Parts, reference: &str) -> Parts {
    if let Ok(uri) = format!("/track/cases/{reference}").parse::<Uri>() {
        parts.uri = uri;
    }
    parts.method = Method::GET;
    parts
}

/// 404, with the phone form and a word on why: the case must be opened again.
async fn open_again(state: &AppState, mut parts: Parts) -> Response {
    parts.uri = Uri::from_static("/track/phone");
    parts.method = Method::GET;
    let lookup = PhoneLookup::AskPhone {
        typed: String::new(),
        problem: None,
        open_again: true,
    };
    let mut response = render_page_with(state, parts, lookup).await;
    *response.status_mut() = StatusCode::NOT_FOUND;
    response
}

fn unavailable(e: &store::StoreError) -> Response {
    tracing::error!(error = %e, "could not read a case");
    StatusCode::SERVICE_UNAVAILABLE.into_response()
}

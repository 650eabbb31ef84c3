//! `POST /track`: looks the case up with the reference and access code from the form and hands
//! it to the tracking page. Failed look-ups are limited per client and per reference
//! (`crate::limits`).

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use app::track::todo::TodoUploads;
use app::track::withdraw::WithdrawForm;
use app::track::{TrackLookup, TrackedCase};
use store::applications::CaseView;
use tower_sessions::Session;

use crate::client::ClientKey;
use crate::posted_pages::{read_form, render_page_with};
use crate::resident_access::ResidentAccess;
use crate::state::AppState;
use crate::track_cases::render_case;

pub async fn lookup(
    State(state): State<AppState>,
    client: ClientKey,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let Some(fields) = read_form(body).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let reference = fields.text("reference");
    let code = fields.text("access_code");
    let lookup = match state.limits.begin_lookup(&client, &reference).await {
        Ok(lookup) => lookup,
        Err(refused) => return refused.page(),
    };
    let found = match state.store.find_case(&reference, &code).await {
        Ok(found) => found,
        Err(e) => {
            tracing::error!(error = %e, "could not read a case");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    let Some(case) = found else {
        let lookup = TrackLookup::NotFound { reference };
        let mut response = render_page_with(&state, parts, lookup).await;
        *response.status_mut() = StatusCode::NOT_FOUND;
        return response;
    };
    lookup.found().await;
    // This browser may now open the case again, and upload its missing documents, for a while.
    if let Some(session) = parts.extensions.get::<Session>() {
        let mut access = ResidentAccess::load(session, &state.store).await;
        access.remember_case(&case.reference).await;
    }
    let uploads = TodoUploads {
        max_bytes: state.upload_policy.max_bytes,
        ..TodoUploads::default()
    };
    render_case(&state, parts, case, uploads, WithdrawForm::default()).await
}

pub(crate) fn tracked(case: CaseView) -> TrackedCase {
    TrackedCase {
        may_withdraw: case.status.applicant_may_withdraw(),
        reference: case.reference,
        status: case.status,
        submitted_at: case.submitted_at.unix_timestamp(),
        programmes: case.programmes,
        timeline: case
            .timeline
            .into_iter()
            .map(|e| (e.state, e.at.unix_timestamp(), e.note))
            .collect(),
        next_deadline: case
            .next_deadline
            .map(|d| (d.kind.to_owned(), d.due_at.unix_timestamp())),
        next_actor: case.next_actor.map(|a| a.as_str().to_owned()),
        overdue: case.overdue,
        missing_documents: case
            .missing_documents
            .iter()
            .map(|d| d.as_str().to_owned())
            .collect(),
        messages: case
            .messages
            .into_iter()
            .map(|m| (m.at.unix_timestamp(), m.text))
            .collect(),
        uploaded_documents: case
            .uploaded_documents
            .iter()
            .map(|d| d.as_str().to_owned())
            .collect(),
        assistance: None,
        county: case.county.map(|c| c.id().to_owned()).unwrap_or_default(),
        referrals: Vec::new(),
        deliberation: None,
    }
}

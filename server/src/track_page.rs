//! `POST /track`: looks the case up with the reference and access code from the form and hands
//! it to the tracking page. Attempts per address are limited (see `middleware::throttle`).

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use app::track::{TrackLookup, TrackedCase};
use store::applications::CaseView;

use crate::posted_pages::{read_form, render_page_with};
use crate::router::AppState;

pub async fn lookup(State(state): State<AppState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let Some(fields) = read_form(body).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let reference = fields.text("reference");
    let code = fields.text("access_code");
    let found = match state.store.find_case(&reference, &code).await {
        Ok(found) => found,
        Err(e) => {
            tracing::error!(error = %e, "could not read a case");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    let status = if found.is_some() {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    let lookup = match found {
        Some(case) => TrackLookup::Found(tracked(case)),
        None => TrackLookup::NotFound { reference },
    };
    let mut response = render_page_with(&state, parts, lookup).await;
    *response.status_mut() = status;
    response
}

fn tracked(case: CaseView) -> TrackedCase {
    TrackedCase {
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
    }
}

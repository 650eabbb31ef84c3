//! The emergency duty page (`app::staff::StaffDutyPage` draws it) and the follow-through sweep
//! that runs beside the server: emergencies nobody accepted raised to the supervisors, referrals
//! past their answer date chased and then raised. Every instance sweeps; each case and referral
//! is claimed before its messages are queued, so none is told twice.

use std::collections::HashMap;
use std::time::Duration;

use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use identity::MobileNumber;
use tower_sessions::Session;

use app::error_pages::ErrorPage;
use app::staff::{duty_field, DutyPage, DutyRow, DUTY_PAGE};
use store::duty::DutyError;
use store::staff::{Role, StaffUser};
use store::Store;

use crate::middleware::errors::error_page_response;
use crate::posted_pages::{read_form, render_page_at, render_page_with};
use crate::state::AppState;

/// How often each instance sweeps.
const SWEEP_EVERY: Duration = Duration::from_secs(60);

/// The sweep, every minute, for as long as the server runs.
pub fn spawn_follow_through(store: Store) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(SWEEP_EVERY);
        loop {
            every.tick().await;
            sweep(&store).await;
        }
    })
}

/// One sweep; failures are logged and tried again at the next.
pub async fn sweep(store: &Store) {
    match store.escalate_unaccepted().await {
        Ok(done) if done.cases > 0 => tracing::warn!(
            cases = done.cases,
            messages = done.messages,
            "emergencies nobody accepted were raised to the supervisors"
        ),
        Ok(_) => {}
        Err(e) => tracing::error!(error = %e, "could not raise unaccepted emergencies"),
    }
    match store.chase_referrals().await {
        Ok(done) if done.reminded + done.escalated > 0 => tracing::info!(
            reminded = done.reminded,
            escalated = done.escalated,
            "referrals past their answer date chased"
        ),
        Ok(_) => {}
        Err(e) => tracing::error!(error = %e, "could not chase overdue referrals"),
    }
}

fn unavailable(e: &store::StoreError) -> Response {
    tracing::error!(error = %e, "the duty page could not be prepared");
    error_page_response(StatusCode::SERVICE_UNAVAILABLE, ErrorPage::Unavailable)
}

async fn page(
    state: &AppState,
    staff: &StaffUser,
    refused: Option<(i64, String, String)>,
    saved: bool,
) -> Result<DutyPage, store::StoreError> {
    let rows = state.store.duty_roster(staff).await?;
    let now = state.store.clock().now();
    Ok(DutyPage {
        rows: rows
            .into_iter()
            .map(|line| DutyRow {
                id: line.id,
                display_name: line.display_name,
                role: line.role.as_str().to_owned(),
                on_duty: line.on_duty,
                phone: line.phone,
            })
            .collect(),
        may_set: matches!(staff.role, Role::Supervisor | Role::Admin),
        refused,
        escalate_minutes: state
            .store
            .workflow_limits()
            .periods(now)
            .duty_escalate_minutes,
        saved,
    })
}

/// `GET /staff/duty`: the county's duty; volunteers get 403.
pub async fn show(
    State(state): State<AppState>,
    session: Session,
    Query(query): Query<HashMap<String, String>>,
    request: Request,
) -> Response {
    let staff = match crate::discovery::pages::staff_member(&state, &session).await {
        Ok(staff) => staff,
        Err(response) => return response,
    };
    let saved = query.contains_key("saved");
    match page(&state, &staff, None, saved).await {
        Ok(page) => render_page_with(&state, request.into_parts().0, page).await,
        Err(e) => unavailable(&e),
    }
}

/// `POST /staff/duty/{id}`: a supervisor sets one member's duty and phone; a refusal comes back
/// beside the phone with what was typed, and nothing changes.
pub async fn set(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    let staff = match crate::discovery::pages::staff_member(&state, &session).await {
        Ok(staff) => staff,
        Err(response) => return response,
    };
    let Ok(member) = id.parse::<i64>() else {
        return error_page_response(StatusCode::NOT_FOUND, ErrorPage::BadRequest);
    };
    let (parts, body) = request.into_parts();
    let Some(fields) = read_form(body).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let on_duty = fields.text(duty_field::ON_DUTY) == "on";
    let typed = fields.text(duty_field::PHONE).trim().to_owned();
    let phone = if typed.is_empty() {
        None
    } else {
        match typed.parse::<MobileNumber>() {
            Ok(phone) => Some(phone),
            Err(_) => return refused(&state, &staff, parts, member, "phone", typed).await,
        }
    };
    match state
        .store
        .set_duty(&staff, member, on_duty, phone.as_ref())
        .await
    {
        Ok(()) => Redirect::to(&format!("{DUTY_PAGE}?saved=1")).into_response(),
        Err(DutyError::PhoneRequired) => {
            refused(&state, &staff, parts, member, "phone_required", typed).await
        }
        Err(DutyError::NotAllowed) => {
            error_page_response(StatusCode::FORBIDDEN, ErrorPage::Forbidden)
        }
        Err(DutyError::NotFound) => {
            error_page_response(StatusCode::NOT_FOUND, ErrorPage::BadRequest)
        }
        Err(DutyError::Store(e)) => unavailable(&e),
    }
}

async fn refused(
    state: &AppState,
    staff: &StaffUser,
    parts: axum::http::request::Parts,
    member: i64,
    code: &str,
    typed: String,
) -> Response {
    if !matches!(staff.role, Role::Supervisor | Role::Admin) {
        return error_page_response(StatusCode::FORBIDDEN, ErrorPage::Forbidden);
    }
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    match page(state, staff, Some((member, code.to_owned(), typed)), false).await {
        Ok(page) => render_page_at(state, parts, DUTY_PAGE, page, status).await,
        Err(e) => unavailable(&e),
    }
}

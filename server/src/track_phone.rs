//! `/track/phone`: a mobile number, a one-time code sent to it by SMS, and then the list of that
//! phone's applications. Asking for a code for a number with no applications looks exactly
//! the same (the store simply sends nothing). Attempts per address are limited (see
//! `middleware::throttle`), and per phone by the store.

use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use identity::MobileNumber;
use tower_sessions::Session;

use app::track::phone::{CodeProblem, PhoneCase, PhoneLookup, PhoneProblem};
use store::one_time_codes::{CodeCheck, CodeRequest, CODE_DIGITS};

use crate::posted_pages::{read_form, render_page_with};
use crate::resident_access::ResidentAccess;
use crate::state::AppState;

/// `GET /track/phone`.
pub async fn form(State(state): State<AppState>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let lookup = PhoneLookup::AskPhone {
        typed: String::new(),
        problem: None,
        open_again: false,
    };
    render_page_with(&state, parts, lookup).await
}

fn read_phone(typed: &str) -> Result<MobileNumber, PhoneProblem> {
    if typed.trim().is_empty() {
        return Err(PhoneProblem::Enter);
    }
    typed.parse().map_err(|_| PhoneProblem::Format)
}

/// `POST /track/phone`: sends a code, and asks for it.
pub async fn request_code(State(state): State<AppState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let Some(fields) = read_form(body).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let typed = fields.text("phone");
    let phone = match read_phone(&typed) {
        Ok(phone) => phone,
        Err(problem) => return ask_phone(&state, parts, typed, problem).await,
    };
    match state.store.request_one_time_code(&phone).await {
        Ok(CodeRequest::Sent) => ask_code(&state, parts, &phone, None, false).await,
        Ok(CodeRequest::TooSoon) => ask_code(&state, parts, &phone, None, true).await,
        Ok(CodeRequest::TooMany) => {
            ask_phone(&state, parts, typed, PhoneProblem::TooManyCodes).await
        }
        Err(e) => unavailable(&e),
    }
}

/// `POST /track/phone/code`: checks the code; a right one opens the phone's list.
pub async fn check_code(
    State(state): State<AppState>,
    session: Session,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let Some(fields) = read_form(body).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let typed = fields.text("phone");
    let phone = match read_phone(&typed) {
        Ok(phone) => phone,
        Err(problem) => return ask_phone(&state, parts, typed, problem).await,
    };
    let code: String = fields
        .text("code")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if code.is_empty() {
        return ask_code(&state, parts, &phone, Some(CodeProblem::Enter), false).await;
    }
    // Not six digits cannot be the code; it does not use up one of the code's tries.
    if code.len() != CODE_DIGITS || !code.chars().all(|c| c.is_ascii_digit()) {
        return ask_code(&state, parts, &phone, Some(CodeProblem::Wrong), false).await;
    }
    let problem = match state.store.check_one_time_code(&phone, &code).await {
        Ok(CodeCheck::Verified(index)) => {
            let mut access = ResidentAccess::load(&session, &state.store).await;
            return match access.remember_phone(index).await {
                Ok(()) => Redirect::to("/track/phone/cases").into_response(),
                Err(e) => {
                    tracing::error!(error = %e, "could not keep a verified phone in the session");
                    StatusCode::SERVICE_UNAVAILABLE.into_response()
                }
            };
        }
        Ok(CodeCheck::Wrong) => CodeProblem::Wrong,
        Ok(CodeCheck::TooManyTries) => CodeProblem::TooManyTries,
        Ok(CodeCheck::Expired) => CodeProblem::Expired,
        Err(e) => return unavailable(&e),
    };
    ask_code(&state, parts, &phone, Some(problem), false).await
}

/// `GET /track/phone/cases`: the verified phone's applications.
pub async fn cases(State(state): State<AppState>, session: Session, request: Request) -> Response {
    let access = ResidentAccess::load(&session, &state.store).await;
    let Some(phone) = access.verified_phone() else {
        return Redirect::to("/track/phone").into_response();
    };
    let list = match state.store.phone_applications(phone).await {
        Ok(list) => list,
        Err(e) => return unavailable(&e),
    };
    let cases = list
        .into_iter()
        .map(|a| PhoneCase {
            reference: a.reference,
            status: a.status,
            submitted_at: a.submitted_at.unix_timestamp(),
            programmes: a.programmes,
            submitted_by: a.submitted_by,
        })
        .collect();
    let (parts, _) = request.into_parts();
    render_page_with(&state, parts, PhoneLookup::Cases(cases)).await
}

async fn ask_phone(
    state: &AppState,
    parts: Parts,
    typed: String,
    problem: PhoneProblem,
) -> Response {
    let lookup = PhoneLookup::AskPhone {
        typed,
        problem: Some(problem),
        open_again: false,
    };
    let mut response = render_page_with(state, parts, lookup).await;
    *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    response
}

async fn ask_code(
    state: &AppState,
    parts: Parts,
    phone: &MobileNumber,
    problem: Option<CodeProblem>,
    sent_recently: bool,
) -> Response {
    let lookup = PhoneLookup::AskCode {
        phone: phone.as_str().to_owned(),
        masked: phone.masked(),
        problem,
        sent_recently,
    };
    let mut response = render_page_with(state, parts, lookup).await;
    if problem.is_some() {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    response
}

fn unavailable(e: &store::StoreError) -> Response {
    tracing::error!(error = %e, "the one-time code store failed");
    StatusCode::SERVICE_UNAVAILABLE.into_response()
}

//! `POST /api/v1/eligibility` (POLICY.md §3.5): the rules engine over HTTP. Any bad input,
//! malformed JSON included, gets 422 with one entry per bad field; never a 500.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

use app::i18n::Lang;
use app::input_errors::input_error_message;
use rules::{Household, HouseholdRequest};

use crate::router::AppState;

#[derive(Debug, Serialize)]
pub struct ApiError {
    pub field: String,
    pub code: &'static str,
    pub message: &'static str,
}

/// A 422 with the errors, in the language the caller asked for (Chinese by default).
pub fn unprocessable(errors: Vec<ApiError>) -> Response {
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        Json(serde_json::json!({ "errors": errors })),
    )
        .into_response()
}

pub fn caller_language(headers: &HeaderMap) -> Lang {
    Lang::from_accept_language(
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or(""),
    )
}

pub async fn evaluate(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let lang = caller_language(&headers);
    let request: HouseholdRequest = match serde_json::from_slice(&body) {
        Ok(request) => request,
        Err(e) => {
            tracing::debug!(error = %e, "eligibility request is not valid JSON");
            return unprocessable(vec![ApiError {
                field: String::new(),
                code: "invalid_json",
                message: input_error_message(lang, "invalid_json"),
            }]);
        }
    };
    match Household::parse(&request) {
        Ok(household) => Json(rules::evaluate(&state.standards, &household)).into_response(),
        Err(errors) => unprocessable(
            errors
                .0
                .into_iter()
                .map(|e| ApiError {
                    field: e.field,
                    code: e.code.as_str(),
                    message: input_error_message(lang, e.code.as_str()),
                })
                .collect(),
        ),
    }
}

//! `POST /api/v1/eligibility` (POLICY.md §3.5): the rules engine over HTTP. Any bad input,
//! malformed JSON included, gets 422 with one entry per bad field; never a 500.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

use app::i18n::Lang;
use app::input_errors::application_error_message;
use rules::{Household, HouseholdRequest};
use serde_json::Value;

use super::contract::{contract, merge};

use crate::state::AppState;

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
    let to_api = |field: String, code: &'static str| ApiError {
        message: application_error_message(lang, &field, code),
        field,
        code,
    };
    let Ok(value) = serde_json::from_slice::<Value>(&body) else {
        return unprocessable(vec![to_api(String::new(), "invalid_json")]);
    };
    // What the document forbids is refused even where the lenient reader (shared with the pages)
    // would make do: a number sent as text, an unknown field.
    let shape = contract().check("HouseholdRequest", &value);
    let request: HouseholdRequest = match serde_json::from_value(value) {
        Ok(request) => request,
        Err(e) => {
            tracing::debug!(error = %e, "eligibility request does not deserialize");
            if shape.is_empty() {
                return unprocessable(vec![to_api(String::new(), "invalid_json")]);
            }
            return unprocessable(shape.into_iter().map(|s| to_api(s.field, s.code)).collect());
        }
    };
    let reader: Vec<ApiError> = match Household::parse(&request) {
        Ok(household) if shape.is_empty() => {
            return Json(rules::evaluate(&state.standards_today(), &household)).into_response();
        }
        Ok(_) => Vec::new(),
        Err(errors) => errors
            .0
            .into_iter()
            .map(|e| to_api(e.field, e.code.as_str()))
            .collect(),
    };
    // The rules' own codes first, then the document's for the fields they had no quarrel with.
    unprocessable(merge(
        reader,
        shape,
        |e| e.field.as_str(),
        |s| to_api(s.field, s.code),
    ))
}

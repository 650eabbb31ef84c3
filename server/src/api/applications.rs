//! `POST /api/v1/applications` (POLICY.md §6): an aid application from a partner system, the
//! hotline or a test tool. The same idempotency key with the same body answers the first answer
//! again and stores nothing; with another body it is refused. A 201 is sent only after the
//! application is durably stored.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::Value;

use app::input_errors::application_error_message;
use casework::{read_application, FieldProblem, IdempotencyKey};
use store::applications::Submitted;

use super::contract::{contract, merge};
use super::eligibility::{caller_language, ApiError};
use crate::client::ClientKey;
use crate::limits::Caller;
use crate::state::AppState;
use crate::submission::{submit as submit_application, Source, SubmitFailure};

pub const IDEMPOTENCY_KEY: &str = "idempotency-key";
/// How the header is named in error answers.
const KEY_FIELD: &str = "Idempotency-Key";

/// Who calls: a partner system with a valid API key (`Authorization: Bearer …`), or an
/// anonymous client. A key that is unknown, revoked or not a bearer key answers 401.
pub(crate) async fn caller(
    state: &AppState,
    headers: &HeaderMap,
    client: ClientKey,
) -> Result<Caller, Response> {
    let Some(value) = headers.get(axum::http::header::AUTHORIZATION) else {
        return Ok(Caller::Client(client));
    };
    let key = value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    match state.store.partner_for_key(key).await {
        Ok(Some(partner)) => Ok(Caller::Partner(partner)),
        Ok(None) => {
            tracing::warn!(%client, "a request with an invalid API key");
            let lang = caller_language(headers);
            let error = ApiError {
                field: "Authorization".to_owned(),
                code: "invalid_api_key",
                message: app::i18n::tr::input_error_api_key_invalid(lang),
            };
            Err((
                StatusCode::UNAUTHORIZED,
                [(axum::http::header::WWW_AUTHENTICATE, "Bearer")],
                Json(serde_json::json!({ "errors": [error] })),
            )
                .into_response())
        }
        Err(e) => {
            tracing::error!(error = %e, "could not check an API key");
            Err(crate::limits::Refused::Unavailable.json(headers))
        }
    }
}

/// What the document forbids in an application body, with the reader's problems first, as the
/// 422 lists them; `None` when the body has the document's shape (the reader then still checks
/// what no schema can say, in the submission).
pub(crate) fn refused_by_contract(value: &Value) -> Option<Vec<FieldProblem>> {
    let shape = contract().check("ApplicationRequest", value);
    if shape.is_empty() {
        return None;
    }
    Some(merge(
        read_application(value).err().unwrap_or_default(),
        shape,
        |p| p.field.as_str(),
        |s| FieldProblem {
            field: s.field,
            code: s.code,
        },
    ))
}

/// An application's field problems as the API's 422 lists them, each with its message in the
/// caller's language.
pub(crate) fn api_errors(lang: app::i18n::Lang, problems: Vec<FieldProblem>) -> Vec<ApiError> {
    problems
        .into_iter()
        .map(|p| ApiError {
            message: application_error_message(lang, &p.field, p.code),
            field: p.field,
            code: p.code,
        })
        .collect()
}

pub async fn submit(
    State(state): State<AppState>,
    client: ClientKey,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let lang = caller_language(&headers);
    let caller = match caller(&state, &headers, client).await {
        Ok(caller) => caller,
        Err(response) => return response,
    };
    let problem = |status: StatusCode, field: &str, code: &'static str| {
        let error = ApiError {
            field: field.to_owned(),
            code,
            message: application_error_message(lang, field, code),
        };
        (status, Json(serde_json::json!({ "errors": [error] }))).into_response()
    };
    let key = match headers
        .get(IDEMPOTENCY_KEY)
        .map(|v| v.to_str().map(str::parse::<IdempotencyKey>))
    {
        None => return problem(StatusCode::BAD_REQUEST, KEY_FIELD, "required"),
        Some(Ok(Ok(key))) => key,
        Some(_) => return problem(StatusCode::BAD_REQUEST, KEY_FIELD, "format"),
    };
    let Ok(value) = serde_json::from_slice::<Value>(&body) else {
        return problem(StatusCode::UNPROCESSABLE_ENTITY, "", "invalid_json");
    };
    // What the document forbids is refused even where the reader (shared with the pages) would
    // make do: an unknown field, a number sent as text, a value over its maximum.
    let outcome = match refused_by_contract(&value) {
        None => submit_application(&state, &caller, &value, &key, Source::Request).await,
        Some(problems) => Err(SubmitFailure::Invalid(problems)),
    };
    match outcome {
        Ok(Submitted::New(receipt)) => {
            let partner = match &caller {
                Caller::Partner(partner) => Some(partner.id.as_str()),
                _ => None,
            };
            tracing::info!(reference = %receipt.reference, ?partner, "application submitted");
            (StatusCode::CREATED, Json(receipt)).into_response()
        }
        Ok(Submitted::Replayed(receipt)) => (StatusCode::CREATED, Json(receipt)).into_response(),
        Err(SubmitFailure::Invalid(problems)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(serde_json::json!({ "errors": api_errors(lang, problems) })),
        )
            .into_response(),
        Err(SubmitFailure::KeyReused) => {
            problem(StatusCode::UNPROCESSABLE_ENTITY, KEY_FIELD, "key_reused")
        }
        Err(SubmitFailure::Limited(refused)) => refused.json(&headers),
        // Only the outreach sync sends photos with an application.
        Err(SubmitFailure::Photos(_)) => StatusCode::SERVICE_UNAVAILABLE.into_response(),
        Err(SubmitFailure::Store(e)) => {
            tracing::error!(error = %e, "could not store an application");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [(axum::http::header::RETRY_AFTER, "2")],
                Json(serde_json::json!({ "errors": [ApiError {
                    field: String::new(),
                    code: "unavailable",
                    message: application_error_message(lang, "", "unavailable"),
                }] })),
            )
                .into_response()
        }
    }
}

/// `GET /api/v1/applications/{reference}` with `X-Access-Code`: the case's status, timeline, next
/// deadline and missing documents. A wrong code and an unknown reference both answer 404.
/// Served for GET and HEAD alike, so every method counts the same: each look-up is counted
/// against the client (a partner by its key) and the reference before it runs, and given back
/// when the case is found.
pub async fn status(
    State(state): State<AppState>,
    axum::extract::Path(reference): axum::extract::Path<String>,
    client: ClientKey,
    headers: HeaderMap,
) -> Response {
    let client = match caller(&state, &headers, client.clone()).await {
        Ok(Caller::Partner(partner)) => ClientKey::of_partner(&partner.id),
        // The API's callers are clients or partners, never a volunteer's sync.
        Ok(Caller::Client(_) | Caller::Volunteer { .. }) => client,
        Err(response) => return response,
    };
    let lookup = match state.limits.begin_lookup(&client, &reference).await {
        Ok(lookup) => lookup,
        Err(refused) => return refused.json(&headers),
    };
    let code = headers
        .get("x-access-code")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    match state.store.find_case(&reference, code).await {
        Ok(Some(case)) => {
            lookup.found().await;
            Json(case).into_response()
        }
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            tracing::error!(error = %e, "could not read a case");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

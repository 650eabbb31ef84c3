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
use sha2::{Digest, Sha256};

use app::input_errors::application_error_message;
use store::applications::{read_application, FieldProblem, IdempotencyKey, SubmitError, Submitted};

use super::contract::{contract, merge};
use super::eligibility::{caller_language, ApiError};
use crate::client::ClientKey;
use crate::limits::Caller;
use crate::state::AppState;

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
    let shape = contract().check("ApplicationRequest", &value);
    let application = match read_application(&value) {
        Ok(application) if shape.is_empty() => application,
        outcome => {
            let reader = outcome.err().unwrap_or_default();
            let problems = merge(
                reader,
                shape,
                |p| p.field.as_str(),
                |s| FieldProblem {
                    field: s.field,
                    code: s.code,
                },
            );
            let errors: Vec<ApiError> = problems
                .into_iter()
                .map(|p| ApiError {
                    message: application_error_message(lang, &p.field, p.code),
                    field: p.field,
                    code: p.code,
                })
                .collect();
            return (
                StatusCode::UNPROCESSABLE_ENTITY,
                Json(serde_json::json!({ "errors": errors })),
            )
                .into_response();
        }
    };
    let fingerprint = fingerprint(&value);
    // A replay answers the first receipt again and is not counted against any limit.
    let stored = match state.store.earlier_submission(&key, &fingerprint).await {
        Ok(Some(receipt)) => Ok(Submitted::Replayed(receipt)),
        Ok(None) => {
            let phone = state.store.phone_index(&application.applicant.phone);
            let admission = match state.limits.admit_submission(&caller, &phone).await {
                Ok(admission) => admission,
                Err(refused) => return refused.json(&headers),
            };
            let actor = match &caller {
                Caller::Partner(partner) => store::Actor::Partner {
                    api_key: partner.name.clone(),
                },
                Caller::Client(_) => store::Actor::Applicant,
            };
            let stored = state
                .store
                .submit_application_as(&application, &key, &fingerprint, &actor)
                .await;
            if !matches!(stored, Ok(Submitted::New(_))) {
                // A replay that raced its first request, or nothing stored.
                admission.give_back().await;
            }
            stored
        }
        Err(e) => Err(e),
    };
    match stored {
        Ok(Submitted::New(receipt)) => {
            let partner = match &caller {
                Caller::Partner(partner) => Some(partner.id.as_str()),
                Caller::Client(_) => None,
            };
            tracing::info!(reference = %receipt.reference, ?partner, "application submitted");
            (StatusCode::CREATED, Json(receipt)).into_response()
        }
        Ok(Submitted::Replayed(receipt)) => (StatusCode::CREATED, Json(receipt)).into_response(),
        Err(SubmitError::KeyReused) => {
            problem(StatusCode::UNPROCESSABLE_ENTITY, KEY_FIELD, "key_reused")
        }
        Err(SubmitError::Store(e)) => {
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

/// The request's content, whatever its key order or spacing: SHA-256 of the JSON with every
/// object's keys sorted.
pub(crate) fn fingerprint(value: &Value) -> String {
    fn canonical(value: &Value, out: &mut String) {
        match value {
            Value::Object(map) => {
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort();
                out.push('{');
                for (i, key) in keys.into_iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&Value::String(key.clone()).to_string());
                    out.push(':');
                    canonical(&map[key], out);
                }
                out.push('}');
            }
            Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    canonical(item, out);
                }
                out.push(']');
            }
            other => out.push_str(&other.to_string()),
        }
    }
    let mut text = String::new();
    canonical(value, &mut text);
    hex::encode(Sha256::digest(text.as_bytes()))
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
    let client = match caller(&state, &headers, client).await {
        Ok(Caller::Client(client)) => client,
        Ok(Caller::Partner(partner)) => ClientKey::of_partner(&partner.id),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fingerprint_ignores_key_order_and_spacing() {
        let a: Value =
            serde_json::from_str(r#"{"a":1,"b":{"c":[1,2],"d":null}}"#).unwrap_or_default();
        let b: Value = serde_json::from_str(r#"{ "b": {"d": null, "c": [1, 2]}, "a": 1 }"#)
            .unwrap_or_default();
        let c: Value =
            serde_json::from_str(r#"{"a":1,"b":{"c":[2,1],"d":null}}"#).unwrap_or_default();
        assert_eq!(fingerprint(&a), fingerprint(&b));
        assert_ne!(fingerprint(&a), fingerprint(&c));
    }
}

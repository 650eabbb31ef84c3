//! Every error under `/api/v1/` answers in the API's own shape, `{"errors":[{field,code,message}]}`,
//! whichever layer refused the request: the body limit (413), a throttle (429, its Retry-After
//! kept), the origin check (403), the router (404, 405) or a caught panic (500). Those layers
//! answer the pages with HTML (the pages' server functions under `/api/` too, which a browser
//! without JS posts to as a form); a partner's client reads JSON, and the document promises it.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

use app::input_errors::application_error_message;

use super::eligibility::{caller_language, ApiError};

/// Where the public JSON API lives.
pub const API_PREFIX: &str = "/api/v1/";

fn code_for(status: StatusCode) -> &'static str {
    match status {
        StatusCode::BAD_REQUEST => "invalid",
        StatusCode::UNAUTHORIZED => "unauthorized",
        StatusCode::FORBIDDEN => "forbidden",
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "too_large",
        StatusCode::UNPROCESSABLE_ENTITY => "invalid_json",
        StatusCode::TOO_MANY_REQUESTS => "too_many_requests",
        StatusCode::SERVICE_UNAVAILABLE => "unavailable",
        _ if status.is_server_error() => "internal",
        _ => "invalid",
    }
}

fn is_json(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}

/// Rewrites a non-JSON error answer of an API path as the API's error list.
pub async fn as_json(request: Request, next: Next) -> Response {
    if !request.uri().path().starts_with(API_PREFIX) {
        return next.run(request).await;
    }
    let lang = caller_language(request.headers());
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) || is_json(&response) {
        return response;
    }
    let code = code_for(status);
    let error = ApiError {
        field: String::new(),
        code,
        message: application_error_message(lang, "", code),
    };
    let body = serde_json::json!({ "errors": [error] }).to_string();
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(header::CONTENT_ENCODING);
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Response::from_parts(parts, Body::from(body))
}

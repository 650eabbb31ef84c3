//! Turns failures outside the app (a panic, a body over the limit) into plain, bilingual pages.

use std::any::Any;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use app::error_pages::ErrorPage;
use app::server_error::PortalError;

pub fn error_page_response(status: StatusCode, page: ErrorPage) -> Response {
    let mut response = (status, page.html()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}

/// For `CatchPanicLayer`: log the panic, show a 500 page without its details.
pub fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response<Body> {
    let message = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    tracing::error!(panic = message, "a request handler panicked");
    error_page_response(StatusCode::INTERNAL_SERVER_ERROR, ErrorPage::Internal)
}

/// Replaces every bare 503 (a handler that could not reach the database or the shared counters
/// answers with the status alone) with the one page that says so, in plain words, with a
/// `Retry-After`, and every bare 500 (the session layer when it cannot save a session) with the
/// page that says something went wrong; a page or JSON answer that explains itself is kept. The
/// API's answers become its JSON shape further out (`api::errors::as_json`).
pub async fn explain_bare_failures(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if response.headers().contains_key(header::CONTENT_TYPE) {
        return response;
    }
    if response.status() == StatusCode::INTERNAL_SERVER_ERROR {
        return error_page_response(StatusCode::INTERNAL_SERVER_ERROR, ErrorPage::Internal);
    }
    if response.status() != StatusCode::SERVICE_UNAVAILABLE {
        return response;
    }
    let retry_after = response
        .headers()
        .get(header::RETRY_AFTER)
        .cloned()
        .unwrap_or(HeaderValue::from_static(RETRY_UNAVAILABLE_SECONDS));
    let mut page = error_page_response(StatusCode::SERVICE_UNAVAILABLE, ErrorPage::Unavailable);
    page.headers_mut().insert(header::RETRY_AFTER, retry_after);
    page
}

/// A server function that failed answers with its error's wire name (`app::server_error`). A form
/// posted without JavaScript (it accepts HTML) gets that error's page and status instead of being
/// sent back to the page it came from as if nothing had happened; a call from a page's script
/// gets the status with the name, which it reads back.
pub async fn explain_server_fn_error(request: Request, next: Next) -> Response {
    let accepts_html = request
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    let response = next.run(request).await;
    if !response.headers().contains_key(SERVER_FN_ERROR_HEADER) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    // The answer is the error's name, a few bytes; anything longer is not one of ours.
    let body = axum::body::to_bytes(body, 1024).await.unwrap_or_default();
    let error = PortalError::of_answer(&body);
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = if accepts_html {
        error_page_response(status, error.page())
    } else {
        parts.status = status;
        parts.headers.remove(header::LOCATION);
        Response::from_parts(parts, Body::from(body))
    };
    if status == StatusCode::SERVICE_UNAVAILABLE {
        response.headers_mut().insert(
            header::RETRY_AFTER,
            HeaderValue::from_static(RETRY_UNAVAILABLE_SECONDS),
        );
    }
    response
}

/// The header `server_fn` marks a failed server function's answer with.
const SERVER_FN_ERROR_HEADER: &str = leptos::server_fn::error::SERVER_FN_ERROR_HEADER;

/// When to try again after a 503 that names no time of its own.
const RETRY_UNAVAILABLE_SECONDS: &str = "30";

/// Replaces the bare 413 of the body limit with a page that says what to do.
pub async fn explain_too_large(request: Request, next: Next) -> Response {
    let upload = super::body_limit::is_upload(request.uri().path());
    let phone = request.uri().path() == crate::outreach_sync::OUTREACH_SYNC;
    let response = next.run(request).await;
    if response.status() == StatusCode::PAYLOAD_TOO_LARGE && phone {
        // A volunteer's phone reads JSON.
        return crate::outreach_sync::SyncError::TooLarge.response(app::i18n::Lang::default());
    }
    if response.status() == StatusCode::PAYLOAD_TOO_LARGE {
        let page = if upload {
            ErrorPage::UploadTooLarge
        } else {
            ErrorPage::TooLarge
        };
        return error_page_response(StatusCode::PAYLOAD_TOO_LARGE, page);
    }
    response
}

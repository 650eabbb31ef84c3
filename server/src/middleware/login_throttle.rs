//! Slows down password guessing from one address, on top of the per-account lockout in the store.

use axum::extract::{Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use super::errors::error_page_response;
use super::throttle::{client_ip, PerAddress};
use app::error_pages::ErrorPage;

/// The sign-in endpoint this throttle guards.
pub const LOGIN_PATH: &str = "/api/staff/login";

pub async fn check(State(throttle): State<PerAddress>, request: Request, next: Next) -> Response {
    if request.method() != Method::POST || request.uri().path() != LOGIN_PATH {
        return next.run(request).await;
    }
    let ip = client_ip(&request);
    if throttle.allow(ip) {
        return next.run(request).await;
    }
    tracing::warn!(%ip, "staff sign-in throttled");
    let wants_page = request
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    if wants_page {
        Redirect::to(app::staff::THROTTLED_LOGIN_PATH).into_response()
    } else {
        error_page_response(StatusCode::TOO_MANY_REQUESTS, ErrorPage::TooManyRequests)
    }
}

//! Slows down password guessing from one client, on top of the per-account lockout in the store.

use axum::extract::{Request, State};
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use crate::client::ClientKey;
use crate::limits::{Limits, Refused};

/// The sign-in endpoint this throttle guards.
pub const LOGIN_PATH: &str = "/api/staff/login";

pub async fn check(State(limits): State<Limits>, request: Request, next: Next) -> Response {
    if request.method() != Method::POST || request.uri().path() != LOGIN_PATH {
        return next.run(request).await;
    }
    let client = ClientKey::of_request(&request);
    let refused = match limits.attempt(limits.sign_in, &client).await {
        Ok(()) => return next.run(request).await,
        Err(refused) => refused,
    };
    let wants_page = request
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    if wants_page && matches!(refused, Refused::Client { .. }) {
        Redirect::to(app::staff::THROTTLED_LOGIN_PATH).into_response()
    } else {
        refused.page()
    }
}

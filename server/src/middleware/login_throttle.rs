//! Slows down password and code guessing from one client, on top of the per-account lockout in
//! the store: every post that checks a staff password or second-factor code counts.

use axum::extract::{Request, State};
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use crate::client::ClientKey;
use crate::limits::{Limits, Refused};

/// The posts this throttle guards: each checks a password, a code or a passkey's signature.
pub const GUARDED: [&str; 7] = [
    app::staff::SIGN_IN_PAGE,
    app::staff::CODE_PAGE,
    app::staff::PASSKEY_SIGN_IN,
    app::staff::ENROL_PAGE,
    app::staff::NEW_PASSWORD_PAGE,
    app::staff::CHANGE_PASSWORD,
    app::staff::NEW_RECOVERY_CODES,
];

pub async fn check(State(limits): State<Limits>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    if request.method() != Method::POST || !GUARDED.contains(&path.as_str()) {
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
    // A sign-in step goes back to its own page with the message; the account page's forms get
    // the refusal page.
    if wants_page
        && matches!(refused, Refused::Client { .. })
        && path.starts_with(app::staff::SIGN_IN_PAGE)
    {
        Redirect::to(&format!("{path}?error=throttled")).into_response()
    } else {
        refused.page()
    }
}

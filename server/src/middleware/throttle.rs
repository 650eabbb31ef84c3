//! Attempts allowed per client per minute where every attempt counts: the SMS one-time codes
//! (here) and staff sign-in (`login_throttle`). The counters are in the database, shared by every
//! instance (`crate::limits`). Case look-ups are counted by the handlers that open a case, since
//! they also count per reference.

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;

use crate::client::ClientKey;
use crate::limits::Limits;

/// Where an SMS one-time code is asked for or checked (tracking by phone).
fn handles_one_time_code(method: &Method, path: &str) -> bool {
    method == Method::POST && (path == "/track/phone" || path == "/track/phone/code")
}

/// Too many one-time code requests or checks from one client get 429: every attempt counts.
pub async fn one_time_codes(
    State(limits): State<Limits>,
    request: Request,
    next: Next,
) -> Response {
    if !handles_one_time_code(request.method(), request.uri().path()) {
        return next.run(request).await;
    }
    let client = ClientKey::of_request(&request);
    match limits.attempt(limits.one_time_codes, &client).await {
        Ok(()) => next.run(request).await,
        Err(refused) => refused.page(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_code_forms_are_counted() {
        assert!(handles_one_time_code(&Method::POST, "/track/phone"));
        assert!(handles_one_time_code(&Method::POST, "/track/phone/code"));
        assert!(!handles_one_time_code(&Method::GET, "/track/phone"));
    }
}

//! Attempts allowed per client address per minute, for the endpoints where guessing is the
//! attack: staff sign-in, the access code of a case, and the SMS one-time codes.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use super::errors::error_page_response;
use app::error_pages::ErrorPage;

#[derive(Clone)]
pub struct PerAddress(Arc<DefaultKeyedRateLimiter<IpAddr>>);

impl PerAddress {
    pub fn per_minute(attempts: u32) -> Self {
        let attempts = NonZeroU32::new(attempts).unwrap_or(NonZeroU32::MIN);
        Self(Arc::new(RateLimiter::keyed(Quota::per_minute(attempts))))
    }

    /// Counts an attempt; `false` when the address has used up its allowance.
    pub fn allow(&self, ip: IpAddr) -> bool {
        // Forgets addresses that are back at a full allowance once the table grows large.
        const MANY_ADDRESSES: usize = 10_000;
        if self.0.len() > MANY_ADDRESSES {
            self.0.retain_recent();
        }
        self.0.check_key(&ip).is_ok()
    }
}

pub fn client_ip(request: &Request) -> IpAddr {
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip())
        .unwrap_or(IpAddr::from([0, 0, 0, 0]))
}

/// Where an access code is checked: the tracking page's form and the public API.
fn checks_access_code(method: &Method, path: &str) -> bool {
    (method == Method::POST && path == "/track")
        || (method == Method::GET && path.starts_with("/api/v1/applications/"))
}

/// Where an SMS one-time code is asked for or checked (tracking by phone).
fn handles_one_time_code(method: &Method, path: &str) -> bool {
    method == Method::POST && (path == "/track/phone" || path == "/track/phone/code")
}

/// Too many access-code attempts from one address get 429.
pub async fn access_codes(
    State(throttle): State<PerAddress>,
    request: Request,
    next: Next,
) -> Response {
    let guarded = checks_access_code(request.method(), request.uri().path());
    limit(&throttle, guarded, "access-code attempts", request, next).await
}

/// Too many one-time code requests or checks from one address get 429.
pub async fn one_time_codes(
    State(throttle): State<PerAddress>,
    request: Request,
    next: Next,
) -> Response {
    let guarded = handles_one_time_code(request.method(), request.uri().path());
    limit(&throttle, guarded, "one-time code attempts", request, next).await
}

async fn limit(
    throttle: &PerAddress,
    guarded: bool,
    what: &'static str,
    request: Request,
    next: Next,
) -> Response {
    if !guarded || throttle.allow(client_ip(&request)) {
        return next.run(request).await;
    }
    tracing::warn!(ip = %client_ip(&request), "{what} throttled");
    error_page_response(StatusCode::TOO_MANY_REQUESTS, ErrorPage::TooManyRequests)
}

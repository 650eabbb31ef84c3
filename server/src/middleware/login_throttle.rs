//! Slows down password guessing from one address, on top of the per-account lockout in the store.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use super::errors::error_page_response;
use app::error_pages::ErrorPage;

/// The sign-in endpoint this throttle guards.
pub const LOGIN_PATH: &str = "/api/staff/login";

#[derive(Clone)]
pub struct LoginThrottle(Arc<DefaultKeyedRateLimiter<IpAddr>>);

impl LoginThrottle {
    pub fn per_minute(attempts: u32) -> Self {
        let attempts = NonZeroU32::new(attempts).unwrap_or(NonZeroU32::MIN);
        Self(Arc::new(RateLimiter::keyed(Quota::per_minute(attempts))))
    }

    /// Forgets addresses that are back at a full allowance once the table grows large.
    fn forget_idle(&self) {
        const MANY_ADDRESSES: usize = 10_000;
        if self.0.len() > MANY_ADDRESSES {
            self.0.retain_recent();
        }
    }
}

pub async fn check(
    State(throttle): State<LoginThrottle>,
    request: Request,
    next: Next,
) -> Response {
    if request.method() != Method::POST || request.uri().path() != LOGIN_PATH {
        return next.run(request).await;
    }
    let ip = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip())
        .unwrap_or(IpAddr::from([0, 0, 0, 0]));
    throttle.forget_idle();
    if throttle.0.check_key(&ip).is_ok() {
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

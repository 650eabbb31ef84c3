//! Attempts allowed per client address per minute, for the endpoints where guessing is the
//! attack: staff sign-in and the SMS one-time codes (every attempt counts), and the access code
//! of a case (only failed look-ups count, POLICY.md §6).

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
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

/// Forgets addresses with nothing to remember once the table grows large.
const MANY_ADDRESSES: usize = 10_000;

/// Failed access-code look-ups per client address, counted per minute from an address's first
/// failure. A look-up that finds its case costs nothing, so a resident checking again and again
/// is never refused; an address that has used up its allowance is refused before anything is
/// looked up, so guessing stays throttled. Look-ups still running count as failures until they
/// end: parallel guesses cannot slip past the allowance while the first ones are in flight.
/// (governor has no way to look at an allowance without using it, hence this small counter.)
#[derive(Clone)]
pub struct FailedLookups(Arc<Mutex<Tallies>>);

struct Tallies {
    allowance: u32,
    window: Duration,
    by_address: HashMap<IpAddr, Tally>,
}

#[derive(Default)]
struct Tally {
    /// When the current minute of failures started; `None` before the first failure.
    since: Option<Instant>,
    failures: u32,
    in_flight: u32,
}

impl Tally {
    fn forget_old_failures(&mut self, now: Instant, window: Duration) {
        if self
            .since
            .is_some_and(|since| now.saturating_duration_since(since) >= window)
        {
            self.since = None;
            self.failures = 0;
        }
    }

    fn is_empty(&self) -> bool {
        self.failures == 0 && self.in_flight == 0
    }
}

impl FailedLookups {
    pub fn per_minute(allowance: u32) -> Self {
        Self::new(allowance, Duration::from_secs(60))
    }

    fn new(allowance: u32, window: Duration) -> Self {
        Self(Arc::new(Mutex::new(Tallies {
            allowance: allowance.max(1),
            window,
            by_address: HashMap::new(),
        })))
    }

    fn tallies(&self) -> MutexGuard<'_, Tallies> {
        // The counts stay consistent even if a holder panicked: each change is one statement.
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Starts a look-up from `ip`, or says how long until the address may try again.
    pub fn begin(&self, ip: IpAddr, now: Instant) -> Result<Lookup, Duration> {
        let mut tallies = self.tallies();
        let (allowance, window) = (tallies.allowance, tallies.window);
        if tallies.by_address.len() > MANY_ADDRESSES {
            tallies.by_address.retain(|_, tally| {
                tally.forget_old_failures(now, window);
                !tally.is_empty()
            });
        }
        let tally = tallies.by_address.entry(ip).or_default();
        tally.forget_old_failures(now, window);
        if tally.failures + tally.in_flight >= allowance {
            let wait = tally.since.map_or(Duration::from_secs(1), |since| {
                window.saturating_sub(now.saturating_duration_since(since))
            });
            return Err(wait);
        }
        tally.in_flight += 1;
        Ok(Lookup {
            lookups: self.clone(),
            ip,
        })
    }
}

/// A look-up in flight. Dropping it ends it without a failure (the case was found, or the
/// request went away).
pub struct Lookup {
    lookups: FailedLookups,
    ip: IpAddr,
}

impl Lookup {
    /// The case was not found: the address uses up one attempt.
    pub fn failed(self, now: Instant) {
        let mut tallies = self.lookups.tallies();
        let window = tallies.window;
        if let Some(tally) = tallies.by_address.get_mut(&self.ip) {
            tally.forget_old_failures(now, window);
            tally.since.get_or_insert(now);
            tally.failures += 1;
        }
        // Released before `self` is dropped, which takes the lock again.
        drop(tallies);
    }
}

impl Drop for Lookup {
    fn drop(&mut self) {
        let mut tallies = self.lookups.tallies();
        if let Some(tally) = tallies.by_address.get_mut(&self.ip) {
            tally.in_flight = tally.in_flight.saturating_sub(1);
            if tally.is_empty() {
                tallies.by_address.remove(&self.ip);
            }
        }
    }
}

/// An address that failed too many access-code look-ups gets 429 until its minute is over;
/// a look-up that finds its case is never counted.
pub async fn access_codes(
    State(lookups): State<FailedLookups>,
    request: Request,
    next: Next,
) -> Response {
    if !checks_access_code(request.method(), request.uri().path()) {
        return next.run(request).await;
    }
    let ip = client_ip(&request);
    match lookups.begin(ip, Instant::now()) {
        Ok(lookup) => {
            let response = next.run(request).await;
            if response.status() == StatusCode::NOT_FOUND {
                lookup.failed(Instant::now());
            }
            response
        }
        Err(wait) => {
            tracing::warn!(%ip, "access-code look-ups throttled");
            let mut response =
                error_page_response(StatusCode::TOO_MANY_REQUESTS, ErrorPage::TooManyRequests);
            response.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from(wait.as_secs().max(1)),
            );
            response
        }
    }
}

/// Where an SMS one-time code is asked for or checked (tracking by phone).
fn handles_one_time_code(method: &Method, path: &str) -> bool {
    method == Method::POST && (path == "/track/phone" || path == "/track/phone/code")
}

/// Too many one-time code requests or checks from one address get 429: every attempt counts.
pub async fn one_time_codes(
    State(throttle): State<PerAddress>,
    request: Request,
    next: Next,
) -> Response {
    if !handles_one_time_code(request.method(), request.uri().path())
        || throttle.allow(client_ip(&request))
    {
        return next.run(request).await;
    }
    tracing::warn!(ip = %client_ip(&request), "one-time code attempts throttled");
    error_page_response(StatusCode::TOO_MANY_REQUESTS, ErrorPage::TooManyRequests)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOME: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 1));
    const OTHER: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 2));

    #[test]
    fn found_cases_cost_nothing() {
        let lookups = FailedLookups::per_minute(2);
        let now = Instant::now();
        for _ in 0..20 {
            drop(
                lookups
                    .begin(HOME, now)
                    .expect("a look-up that finds its case"),
            );
        }
        assert!(lookups.tallies().by_address.is_empty(), "nothing kept");
    }

    #[test]
    fn failures_use_up_the_allowance_until_the_minute_is_over() {
        let lookups = FailedLookups::per_minute(2);
        let start = Instant::now();
        for _ in 0..2 {
            lookups.begin(HOME, start).expect("allowed").failed(start);
        }
        let later = start + Duration::from_secs(20);
        assert_eq!(
            lookups.begin(HOME, later).err(),
            Some(Duration::from_secs(40)),
            "refused before looking anything up, even with the right code"
        );
        assert!(lookups.begin(OTHER, later).is_ok(), "another address");
        let next_minute = start + Duration::from_secs(60);
        lookups
            .begin(HOME, next_minute)
            .expect("a new minute")
            .failed(next_minute);
        assert!(lookups.begin(HOME, next_minute).is_ok());
    }

    #[test]
    fn look_ups_in_flight_count_until_they_end() {
        let lookups = FailedLookups::per_minute(2);
        let now = Instant::now();
        let first = lookups.begin(HOME, now).expect("first");
        let second = lookups.begin(HOME, now).expect("second");
        assert!(lookups.begin(HOME, now).is_err(), "a third parallel guess");
        drop(first);
        second.failed(now);
        let third = lookups.begin(HOME, now).expect("one attempt left");
        assert!(lookups.begin(HOME, now).is_err());
        drop(third);
        assert_eq!(lookups.tallies().by_address[&HOME].failures, 1);
    }

    #[test]
    fn only_the_access_code_paths_are_counted() {
        assert!(checks_access_code(&Method::POST, "/track"));
        assert!(checks_access_code(
            &Method::GET,
            "/api/v1/applications/JSJ-2026-000001"
        ));
        assert!(!checks_access_code(&Method::GET, "/track"));
        assert!(!checks_access_code(&Method::POST, "/api/v1/applications"));
    }
}

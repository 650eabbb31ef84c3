//! The limits on guessing and flooding, counted in the database (see `store::rate_limits`) so
//! that every instance shares them, and keyed by the client key of `crate::client`:
//! staff sign-in (also the home visit's second password) and SMS codes, every attempt counted;
//! case look-ups, counted before the look-up and given back when the case is found, per client
//! and per reference; applications per client (or per partner's API key) and per phone.

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use store::api_keys::Partner;
use store::one_time_codes::PhoneIndex;
use store::rate_limits::{Hit, RateLimit};
use store::Store;

use app::error_pages::ErrorPage;
use app::i18n::{tr, Lang};

use crate::api::eligibility::{caller_language, ApiError};
use crate::client::ClientKey;
use crate::config::Config;
use crate::middleware::errors::error_page_response;

/// References are at most this long; anything longer is cut before it is counted.
const MAX_REFERENCE_CHARS: usize = 40;

#[derive(Clone)]
pub struct Limits {
    store: Store,
    pub sign_in: RateLimit,
    pub one_time_codes: RateLimit,
    failed_lookups: RateLimit,
    reference_failures: RateLimit,
    submissions_per_client: RateLimit,
    submissions_per_phone: RateLimit,
    /// Uploads begun per client per hour, refused ones included: the work a client can cause.
    pub uploads: RateLimit,
    /// Outreach records one volunteer account may sync per hour, counted instead of the
    /// per-client allowance: the volunteers of one event often share one village network, and a
    /// phone sends a day's records at once. A stolen session can add at most this many
    /// applications an hour, each still counted against its applicant's phone.
    outreach_syncs_per_volunteer: RateLimit,
}

/// Why a request was refused, and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// This client used up its allowance.
    Client { retry_after: u64 },
    /// Too many failed look-ups of this reference, from anywhere.
    Reference { retry_after: u64 },
    /// Too many applications for this phone today.
    Phone { retry_after: u64 },
    /// The counters could not be read: nothing is let through unchecked.
    Unavailable,
}

impl Refused {
    /// Seconds until trying again makes sense.
    pub fn retry_after(self) -> u64 {
        match self {
            Refused::Client { retry_after }
            | Refused::Reference { retry_after }
            | Refused::Phone { retry_after } => retry_after,
            Refused::Unavailable => 2,
        }
    }

    fn status(self) -> StatusCode {
        match self {
            Refused::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::TOO_MANY_REQUESTS,
        }
    }

    /// The answer for a page: the small bilingual page, with `Retry-After`.
    pub fn page(self) -> Response {
        let page = match self {
            Refused::Reference { .. } => ErrorPage::ReferenceLocked,
            Refused::Unavailable => ErrorPage::Internal,
            _ => ErrorPage::TooManyRequests,
        };
        with_retry_after(error_page_response(self.status(), page), self.retry_after())
    }

    /// The answer for the JSON API: `{"errors":[…]}` with `Retry-After`.
    pub fn json(self, headers: &HeaderMap) -> Response {
        let lang = caller_language(headers);
        let (field, code, message) = match self {
            Refused::Client { .. } => ("", "too_many_requests", too_many(lang)),
            Refused::Reference { .. } => (
                "reference",
                "reference_locked",
                tr::input_error_reference_locked(lang),
            ),
            Refused::Phone { .. } => (
                "applicant.phone",
                "too_many_applications",
                tr::input_error_submissions_per_phone(lang),
            ),
            Refused::Unavailable => ("", "unavailable", tr::input_error_unavailable(lang)),
        };
        let body =
            serde_json::json!({ "errors": [ApiError { field: field.to_owned(), code, message }] });
        with_retry_after(
            (self.status(), Json(body)).into_response(),
            self.retry_after(),
        )
    }
}

fn too_many(lang: Lang) -> &'static str {
    tr::input_error_too_many_requests(lang)
}

fn with_retry_after(mut response: Response, seconds: u64) -> Response {
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(seconds.max(1)));
    response
}

/// Who sends an application: an anonymous client, a partner system with its API key, or a
/// volunteer's phone syncing the records it took offline (`POST /outreach/sync`).
#[derive(Debug, Clone)]
pub enum Caller {
    Client(ClientKey),
    Partner(Partner),
    /// A signed-in volunteer account, by its id.
    Volunteer {
        staff_id: i64,
    },
}

/// A case look-up counted before it runs. Dropped, it stays counted as a failure; `found`
/// gives the attempt back.
#[must_use]
pub struct Lookup {
    store: Store,
    hits: Vec<Hit>,
}

impl Lookup {
    /// The case was found: the attempt costs nothing.
    pub async fn found(self) {
        give_back_all(&self.store, &self.hits).await;
    }
}

/// An application counted against its limits; given back when it turns out to be a replay.
#[must_use]
pub struct Admission {
    store: Store,
    hits: Vec<Hit>,
}

impl Admission {
    pub async fn give_back(self) {
        give_back_all(&self.store, &self.hits).await;
    }
}

async fn give_back_all(store: &Store, hits: &[Hit]) {
    for hit in hits {
        if let Err(e) = store.give_back(hit).await {
            tracing::warn!(error = %e, "could not give back a counted attempt");
        }
    }
}

/// The reference as counted: what the look-up itself would find it by.
fn normal_reference(reference: &str) -> String {
    reference
        .trim()
        .to_ascii_uppercase()
        .chars()
        .take(MAX_REFERENCE_CHARS)
        .collect()
}

impl Limits {
    pub fn from_config(config: &Config, store: Store) -> Self {
        Self {
            store,
            sign_in: RateLimit::new(
                "sign_in",
                config.login_attempts_per_minute,
                RateLimit::MINUTE,
            ),
            one_time_codes: RateLimit::new(
                "one_time_codes",
                config.otp_attempts_per_minute,
                RateLimit::MINUTE,
            ),
            failed_lookups: RateLimit::new(
                "failed_lookups",
                config.access_code_attempts_per_minute,
                RateLimit::MINUTE,
            ),
            reference_failures: RateLimit::new(
                "reference_failures",
                config.reference_failures_per_hour,
                RateLimit::HOUR,
            ),
            submissions_per_client: RateLimit::new(
                "submissions_per_client",
                config.submissions_per_hour_per_client,
                RateLimit::HOUR,
            ),
            submissions_per_phone: RateLimit::new(
                "submissions_per_phone",
                config.submissions_per_day_per_phone,
                RateLimit::DAY,
            ),
            uploads: RateLimit::new(
                "uploads",
                config.uploads_per_client_per_hour,
                RateLimit::HOUR,
            ),
            outreach_syncs_per_volunteer: RateLimit::new(
                "outreach_syncs_per_volunteer",
                config.outreach_syncs_per_hour_per_volunteer,
                RateLimit::HOUR,
            ),
        }
    }

    async fn hit(&self, limit: RateLimit, subject: &str) -> Result<Hit, Refused> {
        self.store.hit_limit(limit, subject).await.map_err(|e| {
            tracing::error!(error = %e, limit = limit.name, "could not count an attempt");
            Refused::Unavailable
        })
    }

    /// One attempt that always counts (sign-in, SMS codes).
    pub async fn attempt(&self, limit: RateLimit, client: &ClientKey) -> Result<(), Refused> {
        let hit = self.hit(limit, client.as_str()).await?;
        if hit.allowed() {
            Ok(())
        } else {
            tracing::warn!(%client, limit = limit.name, "attempts throttled");
            Err(Refused::Client {
                retry_after: hit.retry_after,
            })
        }
    }

    /// Starts a look-up of a case with its access code: counted against the client and the
    /// reference before anything is looked up.
    pub async fn begin_lookup(
        &self,
        client: &ClientKey,
        reference: &str,
    ) -> Result<Lookup, Refused> {
        let by_client = self.begin_client_lookup(client).await?;
        let by_reference = match self
            .hit(self.reference_failures, &normal_reference(reference))
            .await
        {
            Ok(hit) => hit,
            Err(refused) => {
                give_back_all(&self.store, &by_client.hits).await;
                return Err(refused);
            }
        };
        if !by_reference.allowed() {
            tracing::warn!(%client, "look-ups of a reference throttled");
            // The client did not get to guess.
            give_back_all(&self.store, &by_client.hits).await;
            return Err(Refused::Reference {
                retry_after: by_reference.retry_after,
            });
        }
        let mut lookup = by_client;
        lookup.hits.push(by_reference);
        Ok(lookup)
    }

    /// Starts the opening of a case through what the browser's session proves (the case opened
    /// before, a verified phone): counted against the client only. No access code is tried
    /// there, so the rest of a much-guessed reference does not shut out its resident.
    pub async fn begin_client_lookup(&self, client: &ClientKey) -> Result<Lookup, Refused> {
        let by_client = self.hit(self.failed_lookups, client.as_str()).await?;
        if !by_client.allowed() {
            tracing::warn!(%client, "case look-ups throttled");
            return Err(Refused::Client {
                retry_after: by_client.retry_after,
            });
        }
        Ok(Lookup {
            store: self.store.clone(),
            hits: vec![by_client],
        })
    }

    /// Counts a new application against its caller's allowance (a partner's own, or the
    /// client's) and its phone's. Replays must not come here.
    pub async fn admit_submission(
        &self,
        caller: &Caller,
        phone: &PhoneIndex,
    ) -> Result<Admission, Refused> {
        let by_caller = match caller {
            Caller::Client(client) => {
                self.hit(self.submissions_per_client, client.as_str())
                    .await?
            }
            Caller::Partner(partner) => {
                let limit = RateLimit::new(
                    "submissions_per_partner",
                    partner.submissions_per_hour,
                    RateLimit::HOUR,
                );
                self.hit(limit, &partner.id).await?
            }
            Caller::Volunteer { staff_id } => {
                self.hit(
                    self.outreach_syncs_per_volunteer,
                    &format!("staff:{staff_id}"),
                )
                .await?
            }
        };
        if !by_caller.allowed() {
            tracing::warn!(?caller, "applications throttled");
            return Err(Refused::Client {
                retry_after: by_caller.retry_after,
            });
        }
        let by_phone = match self.hit(self.submissions_per_phone, phone.as_str()).await {
            Ok(hit) => hit,
            Err(refused) => {
                give_back_all(&self.store, &[by_caller]).await;
                return Err(refused);
            }
        };
        if !by_phone.allowed() {
            tracing::warn!("applications for one phone throttled");
            give_back_all(&self.store, &[by_caller]).await;
            return Err(Refused::Phone {
                retry_after: by_phone.retry_after,
            });
        }
        Ok(Admission {
            store: self.store.clone(),
            hits: vec![by_caller, by_phone],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_counted_as_the_look_up_reads_them() {
        assert_eq!(normal_reference(" jsj-2026-000001 "), "JSJ-2026-000001");
        assert_eq!(
            normal_reference(&"x".repeat(500)).len(),
            MAX_REFERENCE_CHARS
        );
    }
}

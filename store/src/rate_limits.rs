//! Attempts counted per fixed window in the database, so that every instance of the portal
//! shares one allowance: the database is the one store every instance already reaches (no Redis
//! or other service to run and secure beside it), and one upsert counts atomically on both
//! backends.
//!
//! A window is a fixed stretch of time aligned on the epoch (a minute, an hour, a day in UTC).
//! Each hit adds one and returns the count so far; a hit over the allowance is refused, with
//! the seconds left in the window. A hit can be given back (a case look-up that found its case),
//! so callers can count an attempt *before* doing it: parallel attempts cannot slip past the
//! allowance while the first ones are still running.

use crate::db::Store;
use crate::error::StoreError;

/// One limit: its name (part of the key of its counters), how many hits a subject gets per
/// window, and the window's length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub name: &'static str,
    pub allowance: i64,
    pub window_seconds: i64,
}

impl RateLimit {
    pub const MINUTE: i64 = 60;
    pub const HOUR: i64 = 3600;
    pub const DAY: i64 = 86_400;

    pub fn new(name: &'static str, allowance: u32, window_seconds: i64) -> Self {
        Self {
            name,
            allowance: i64::from(allowance.max(1)),
            window_seconds: window_seconds.max(1),
        }
    }

    fn window_start(&self, now: i64) -> i64 {
        now.div_euclid(self.window_seconds) * self.window_seconds
    }
}

/// A hit counted against a limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    limit: RateLimit,
    subject: String,
    window_start: i64,
    /// Hits in this window so far, this one included.
    pub count: i64,
    /// Seconds until the window is over (at least 1).
    pub retry_after: u64,
}

impl Hit {
    /// Within the allowance.
    pub fn allowed(&self) -> bool {
        self.count <= self.limit.allowance
    }
}

impl Store {
    /// Counts one hit of `subject` against `limit` and says whether it is within the allowance.
    /// Only a keyed hash of the subject is stored: the table names no client address, phone or
    /// reference.
    pub async fn hit_limit(&self, limit: RateLimit, subject: &str) -> Result<Hit, StoreError> {
        let subject = self
            .data_key()
            .index(&format!("rate limit {}:{subject}", limit.name));
        let subject = subject.as_str();
        let now = self.now_unix();
        let window_start = limit.window_start(now);
        let expires_at = window_start + limit.window_seconds;
        let count: i64 = sqlx::query_scalar(
            "INSERT INTO rate_limit_hits (limit_name, subject, window_start, hits, expires_at) \
             VALUES ($1, $2, $3, 1, $4) \
             ON CONFLICT (limit_name, subject, window_start) \
             DO UPDATE SET hits = rate_limit_hits.hits + 1 RETURNING hits",
        )
        .bind(limit.name)
        .bind(subject)
        .bind(window_start)
        .bind(expires_at)
        .fetch_one(self.pool())
        .await?;
        Ok(Hit {
            limit,
            subject: subject.to_owned(),
            window_start,
            count,
            retry_after: u64::try_from(expires_at - now).unwrap_or(1).max(1),
        })
    }

    /// Takes a hit back (in the window it was counted in).
    pub async fn give_back(&self, hit: &Hit) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE rate_limit_hits SET hits = hits - 1 \
             WHERE limit_name = $1 AND subject = $2 AND window_start = $3 AND hits > 0",
        )
        .bind(hit.limit.name)
        .bind(&hit.subject)
        .bind(hit.window_start)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Forgets the counters of windows that are over; how many were removed.
    pub async fn sweep_rate_limits(&self) -> Result<u64, StoreError> {
        Ok(
            sqlx::query("DELETE FROM rate_limit_hits WHERE expires_at <= $1")
                .bind(self.now_unix())
                .execute(self.pool())
                .await?
                .rows_affected(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_are_aligned_on_the_epoch() {
        let limit = RateLimit::new("t", 3, 60);
        assert_eq!(limit.window_start(119), 60);
        assert_eq!(limit.window_start(120), 120);
        assert_eq!(RateLimit::new("t", 0, 0).allowance, 1, "never zero");
    }
}

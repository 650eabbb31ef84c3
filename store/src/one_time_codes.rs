//! One-time codes sent by SMS, so a resident can open every application on their phone number
//! without the reference and access code. A code is 6 digits, kept only as a keyed hash, valid
//! for 10 minutes and for 5 wrong tries; a phone gets at most 1 code a minute and 5 an hour, so
//! the portal cannot be used to flood someone's phone with messages.
//!
//! A number that is on no application is treated exactly alike (a code is recorded and counts
//! towards the limits) except that no SMS goes out: what the page says never reveals whether a
//! number has applications.

use identity::MobileNumber;
use serde::{Deserialize, Serialize};
use sqlx::Row;

use crate::audit::AuditEntry;
use crate::db::Store;
use crate::error::StoreError;
use crate::outbox::OutboxMessage;
use casework::Actor;

pub const CODE_DIGITS: usize = 6;
pub const CODE_VALID_SECONDS: i64 = 10 * 60;
pub const MAX_WRONG_TRIES: i64 = 5;
/// At most one code per phone in this many seconds…
pub const ONE_CODE_PER_SECONDS: i64 = 60;
/// …and at most this many in an hour.
pub const CODES_PER_HOUR: i64 = 5;

/// A phone number's keyed hash: what the store finds applications by, and what a session may
/// keep to remember a verified phone without keeping the number.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PhoneIndex(String);

impl PhoneIndex {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What became of a request for a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeRequest {
    /// A new code was recorded (and sent, when the number has applications).
    Sent,
    /// A code was sent less than a minute ago: that one is still the one to type.
    TooSoon,
    /// Five codes in the last hour: no more for now.
    TooMany,
}

/// What a typed code turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeCheck {
    Verified(PhoneIndex),
    Wrong,
    /// That was the fifth wrong try: the code is void now.
    TooManyTries,
    /// No code, or it expired, was used already, or was voided earlier.
    Expired,
}

impl Store {
    pub fn phone_index(&self, phone: &MobileNumber) -> PhoneIndex {
        PhoneIndex(self.data_key().index(phone.as_str()))
    }

    fn code_hash(&self, phone: &PhoneIndex, code: &str) -> String {
        self.data_key()
            .index(&format!("one-time code {} {code}", phone.as_str()))
    }

    /// Records a new code for the phone and queues its SMS, within the limits.
    pub async fn request_one_time_code(
        &self,
        phone: &MobileNumber,
    ) -> Result<CodeRequest, StoreError> {
        let index = self.phone_index(phone);
        let now = self.now_unix();
        let mut tx = self.write_tx().await?;
        let recent: Vec<i64> = sqlx::query_scalar(
            "SELECT created_at FROM one_time_codes WHERE phone_index = $1 AND created_at > $2",
        )
        .bind(index.as_str())
        .bind(now - 3600)
        .fetch_all(&mut *tx)
        .await?;
        if recent.iter().any(|at| *at > now - ONE_CODE_PER_SECONDS) {
            return Ok(CodeRequest::TooSoon);
        }
        if recent.len() as i64 >= CODES_PER_HOUR {
            return Ok(CodeRequest::TooMany);
        }
        let code = casework::random_digits(&mut rand::thread_rng(), CODE_DIGITS);
        let inserted = sqlx::query(
            "INSERT INTO one_time_codes (phone_index, code_hash, created_at, minute, expires_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(index.as_str())
        .bind(self.code_hash(&index, &code))
        .bind(now)
        .bind(now.div_euclid(60))
        .bind(now + CODE_VALID_SECONDS)
        .execute(&mut *tx)
        .await;
        match inserted {
            Ok(_) => {}
            // Another request for this phone committed a code in the same minute.
            Err(e)
                if e.as_database_error()
                    .is_some_and(|d| d.is_unique_violation()) =>
            {
                return Ok(CodeRequest::TooSoon)
            }
            Err(e) => return Err(e.into()),
        }
        let applications = self.count_phone_applications(&mut tx, &index).await?;
        if applications > 0 {
            let sms = OutboxMessage::OneTimeCode { code };
            self.queue_message(&mut tx, phone.as_str(), &sms).await?;
        }
        let detail = serde_json::json!({ "sent": applications > 0 }).to_string();
        self.append_audit(
            &mut tx,
            AuditEntry {
                actor: Actor::Applicant,
                action: "track.code_requested",
                subject: &phone.masked(),
                detail: &detail,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(CodeRequest::Sent)
    }

    /// Checks a typed code against the phone's latest one. A right code is used up; a wrong one
    /// counts towards the code's tries.
    pub async fn check_one_time_code(
        &self,
        phone: &MobileNumber,
        code: &str,
    ) -> Result<CodeCheck, StoreError> {
        let index = self.phone_index(phone);
        let now = self.now_unix();
        let mut tx = self.write_tx().await?;
        let Some(row) = sqlx::query(
            "SELECT id, code_hash, expires_at, failed_attempts, used_at FROM one_time_codes \
             WHERE phone_index = $1 ORDER BY id DESC LIMIT 1",
        )
        .bind(index.as_str())
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(CodeCheck::Expired);
        };
        let id: i64 = row.try_get("id")?;
        let failed: i64 = row.try_get("failed_attempts")?;
        let used_at: Option<i64> = row.try_get("used_at")?;
        if used_at.is_some()
            || failed >= MAX_WRONG_TRIES
            || row.try_get::<i64, _>("expires_at")? <= now
        {
            return Ok(CodeCheck::Expired);
        }
        let expected: String = row.try_get("code_hash")?;
        let given = self.code_hash(&index, code.trim());
        if !crate::applications::same_hash(&expected, &given) {
            sqlx::query(
                "UPDATE one_time_codes SET failed_attempts = failed_attempts + 1 WHERE id = $1",
            )
            .bind(id)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            return Ok(if failed + 1 >= MAX_WRONG_TRIES {
                CodeCheck::TooManyTries
            } else {
                CodeCheck::Wrong
            });
        }
        let used =
            sqlx::query("UPDATE one_time_codes SET used_at = $1 WHERE id = $2 AND used_at IS NULL")
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        if used.rows_affected() != 1 {
            return Ok(CodeCheck::Expired);
        }
        let applications = self.count_phone_applications(&mut tx, &index).await?;
        let detail = serde_json::json!({ "applications": applications }).to_string();
        self.append_audit(
            &mut tx,
            AuditEntry {
                actor: Actor::Applicant,
                action: "track.phone_verified",
                subject: &phone.masked(),
                detail: &detail,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(CodeCheck::Verified(index))
    }

    async fn count_phone_applications(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        index: &PhoneIndex,
    ) -> Result<i64, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT COUNT(*) FROM application_phones WHERE phone_index = $1")
                .bind(index.as_str())
                .fetch_one(&mut **tx)
                .await?,
        )
    }
}

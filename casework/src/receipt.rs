//! What a submission gives back (POLICY.md §6): a reference number, an access code, the status,
//! and the advance-assistance deadline of an emergency; and the client's idempotency key.

use std::fmt;
use std::str::FromStr;

use rand::Rng;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// `JSJ-2026-000001`: the year and the year's running number.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Reference(String);

impl Reference {
    pub fn new(year: i32, number: i64) -> Reference {
        Reference(format!("JSJ-{year}-{number:06}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The secret that, with the reference, opens a case's tracking page: 8 digits, easy to read
/// out on the phone and to type on a keypad. Stored only as a keyed hash.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AccessCode(String);

const ACCESS_CODE_DIGITS: usize = 8;

impl AccessCode {
    pub fn generate(rng: &mut impl Rng) -> AccessCode {
        AccessCode(random_digits(rng, ACCESS_CODE_DIGITS))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// `count` random decimal digits, from the caller's generator.
pub fn random_digits(rng: &mut impl Rng, count: usize) -> String {
    (0..count)
        .map(|_| char::from(b'0' + rng.gen_range(0..10u8)))
        .collect()
}

impl fmt::Debug for AccessCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessCode(********)")
    }
}

/// The answer to a submission, the same on every replay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub reference: Reference,
    pub access_code: AccessCode,
    pub status: String,
    #[serde(with = "time::serde::rfc3339::option")]
    pub advance_due_at: Option<OffsetDateTime>,
}

/// The client's `Idempotency-Key`: a UUID as §6 asks, or any token of 16 to 100 letters, digits,
/// dashes and underscores (what other clients generate).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdempotencyKey(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("an idempotency key is 16 to 100 letters, digits, dashes or underscores, such as a UUID")]
pub struct InvalidIdempotencyKey;

impl IdempotencyKey {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for IdempotencyKey {
    type Err = InvalidIdempotencyKey;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        let allowed = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
        if (16..=100).contains(&text.len()) && text.chars().all(allowed) {
            Ok(IdempotencyKey(text.to_ascii_lowercase()))
        } else {
            Err(InvalidIdempotencyKey)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_count_within_the_year() {
        assert_eq!(Reference::new(2026, 1).as_str(), "JSJ-2026-000001");
        assert_eq!(Reference::new(2026, 1234567).as_str(), "JSJ-2026-1234567");
    }

    #[test]
    fn access_codes_are_eight_digits_and_never_printed() {
        let code = AccessCode::generate(&mut rand::thread_rng());
        assert_eq!(code.as_str().len(), 8);
        assert!(code.as_str().chars().all(|c| c.is_ascii_digit()));
        assert!(!format!("{code:?}").contains(code.as_str()));
    }

    #[test]
    fn idempotency_keys_are_uuids_or_similar_tokens() {
        assert!("3f1c2a4e-9b7d-4c1e-8f00-123456789abc"
            .parse::<IdempotencyKey>()
            .is_ok());
        assert!("short".parse::<IdempotencyKey>().is_err());
        assert!("has spaces in it, which is odd"
            .parse::<IdempotencyKey>()
            .is_err());
    }

    #[test]
    fn a_receipt_serialises_as_the_contract_says() {
        let receipt = Receipt {
            reference: Reference::new(2026, 1),
            access_code: AccessCode("12345678".into()),
            status: "submitted".into(),
            advance_due_at: None,
        };
        assert_eq!(
            serde_json::to_value(&receipt).unwrap_or_default(),
            serde_json::json!({"reference":"JSJ-2026-000001","access_code":"12345678","status":"submitted","advance_due_at":null})
        );
    }
}

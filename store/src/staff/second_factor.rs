//! The second factor of a staff sign-in: codes of an authenticator app (TOTP, RFC 6238: SHA-1,
//! six digits, 30-second steps, one step of drift either way) and ten single-use recovery codes.
//!
//! The secret is sealed with the data key; a code is accepted once per account and time step,
//! whichever instance sees it (`staff_used_codes`); recovery codes are kept only as the data
//! key's keyed hash.

use std::fmt;

use rand::RngCore;
use totp_rs::{Algorithm, Secret, Totp};

use crate::error::StoreError;

/// Seconds per time step.
pub const STEP_SECONDS: u64 = 30;
/// Recovery codes made at once.
pub const RECOVERY_CODES: usize = 10;
/// The name authenticator apps show beside the account.
pub const ISSUER: &str = "济时救";

/// A TOTP secret: 160 random bits, shown to the member as Base32 once, at enrolment.
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSecret(Vec<u8>);

impl fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TotpSecret(***)")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a TOTP secret is Base32 (A–Z, 2–7) of at least 128 bits, e.g. as an authenticator app shows it")]
pub struct NotATotpSecret;

impl TotpSecret {
    pub fn generate() -> Self {
        let mut bytes = vec![0u8; 20];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        Self(bytes)
    }

    /// Base32 as apps show it; spaces and lower case are forgiven.
    pub fn from_base32(text: &str) -> Result<Self, NotATotpSecret> {
        let cleaned: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let bytes = Secret::try_from_base32(cleaned.trim_end_matches('='))
            .map_err(|_| NotATotpSecret)?
            .as_bytes()
            .to_vec();
        if bytes.len() < 16 {
            return Err(NotATotpSecret);
        }
        Ok(Self(bytes))
    }

    pub fn to_base32(&self) -> String {
        Secret::new(self.0.clone().into_boxed_slice()).to_base32()
    }

    /// The secret in groups of four, for typing into an app by hand.
    pub fn grouped(&self) -> String {
        let text = self.to_base32();
        text.as_bytes()
            .chunks(4)
            .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn totp(&self, account: &str) -> Result<Totp, StoreError> {
        totp_rs::Builder::new()
            .with_algorithm(Algorithm::SHA1)
            .with_digits(6)
            .with_skew(1)
            .with_step_duration(STEP_SECONDS)
            .with_secret(Secret::new(self.0.clone().into_boxed_slice()))
            .with_account_name(account.replace(':', "."))
            .with_issuer(Some(ISSUER))
            .build()
            .map_err(|e| StoreError::Corrupt(format!("a TOTP secret: {e}")))
    }

    /// The `otpauth://` address a QR code carries to the app.
    pub fn otpauth_uri(&self, account: &str) -> Result<String, StoreError> {
        self.totp(account)?
            .to_url()
            .map_err(|e| StoreError::Corrupt(format!("a TOTP address: {e}")))
    }

    /// The code an app shows at `unix` seconds.
    pub fn code_at(&self, unix: i64) -> Result<String, StoreError> {
        Ok(self
            .totp("")?
            .generate(u64::try_from(unix).unwrap_or(0))
            .to_string())
    }

    /// The time step a typed code belongs to, within one step of `unix`; `None` when it is not a
    /// code of this secret now. Spaces inside the code are forgiven.
    pub fn step_of(&self, typed: &str, unix: i64) -> Result<Option<i64>, StoreError> {
        let digits: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
        if digits.len() != 6 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Ok(None);
        }
        Ok(self
            .totp("")?
            .check(&digits, u64::try_from(unix).unwrap_or(0))
            .and_then(|step| i64::try_from(step).ok()))
    }

    #[cfg(test)]
    fn from_bytes(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }
}

/// What a typed second-factor code looks like: six digits, or a recovery code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypedCode {
    Totp(String),
    Recovery(String),
}

/// Recovery codes: ten groups like `7KQ2-M9XD-4TPA`, of letters and digits that are not easily
/// mistaken for one another.
const RECOVERY_ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

impl TypedCode {
    /// Reads what was typed: spaces and dashes are forgiven, letters may be lower case.
    pub fn read(typed: &str) -> Option<TypedCode> {
        let cleaned: String = typed
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if cleaned.len() == 6 && cleaned.chars().all(|c| c.is_ascii_digit()) {
            return Some(TypedCode::Totp(cleaned));
        }
        if cleaned.len() == 12 && cleaned.bytes().all(|b| RECOVERY_ALPHABET.contains(&b)) {
            return Some(TypedCode::Recovery(cleaned));
        }
        None
    }
}

/// Ten new recovery codes as shown to the member (once).
pub fn new_recovery_codes() -> Vec<String> {
    let mut rng = rand::rngs::OsRng;
    (0..RECOVERY_CODES)
        .map(|_| {
            let chars: Vec<char> = (0..12)
                .map(|_| {
                    let i = (rng.next_u32() as usize) % RECOVERY_ALPHABET.len();
                    char::from(RECOVERY_ALPHABET[i])
                })
                .collect();
            chars
                .chunks(4)
                .map(|group| group.iter().collect::<String>())
                .collect::<Vec<_>>()
                .join("-")
        })
        .collect()
}

/// The form a recovery code is hashed in: what [`TypedCode::read`] makes of it.
pub(crate) fn recovery_key(shown: &str) -> String {
    match TypedCode::read(shown) {
        Some(TypedCode::Recovery(code)) => code,
        _ => shown.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1, truncated to six digits.
    #[test]
    fn codes_match_the_rfc_test_vectors() {
        let secret = TotpSecret::from_bytes(b"12345678901234567890".to_vec());
        assert_eq!(secret.code_at(59).unwrap(), "287082");
        assert_eq!(secret.code_at(1_111_111_109).unwrap(), "081804");
        assert_eq!(secret.code_at(2_000_000_000).unwrap(), "279037");
        assert_eq!(
            secret.step_of("081 804", 1_111_111_109 + 30).unwrap(),
            Some(1_111_111_109 / 30)
        );
        assert_eq!(secret.step_of("081804", 1_111_111_109 + 90).unwrap(), None);
        assert_eq!(secret.step_of("abc", 59).unwrap(), None);
    }

    #[test]
    fn secrets_read_back_from_what_apps_show() {
        let secret = TotpSecret::generate();
        assert_eq!(secret.to_base32().len(), 32);
        assert_eq!(
            TotpSecret::from_base32(&secret.grouped().to_lowercase()).unwrap(),
            secret
        );
        assert_eq!(TotpSecret::from_base32("ABC"), Err(NotATotpSecret));
        assert_eq!(format!("{secret:?}"), "TotpSecret(***)");
        let uri = secret.otpauth_uri("wang.li").unwrap();
        assert!(uri.starts_with("otpauth://totp/"), "{uri}");
        assert!(uri.contains(&secret.to_base32()), "{uri}");
    }

    #[test]
    fn recovery_codes_are_ten_distinct_and_read_back() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let distinct: std::collections::HashSet<_> = codes.iter().collect();
        assert_eq!(distinct.len(), RECOVERY_CODES);
        for code in &codes {
            assert_eq!(code.len(), 14);
            let typed = code.to_lowercase().replace('-', " ");
            assert_eq!(
                TypedCode::read(&typed),
                Some(TypedCode::Recovery(code.replace('-', "")))
            );
            assert_eq!(recovery_key(&typed), code.replace('-', ""));
        }
        assert_eq!(
            TypedCode::read(" 123 456 "),
            Some(TypedCode::Totp("123456".into()))
        );
        assert_eq!(TypedCode::read("12345"), None);
    }
}

//! Money in fen (分), the unit every computation uses (POLICY.md §3.2).

use core::fmt::{self, Write};

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use thiserror::Error;

/// The largest amount accepted from outside, in yuan. Anything above is a typing error, and the
/// bound keeps every sum the engine makes far from `i64` overflow.
pub const MAX_YUAN: f64 = 1_000_000_000_000.0;

/// An amount of money in fen (1 yuan = 100 fen).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Fen(pub i64);

/// Why a yuan amount could not become fen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum MoneyError {
    #[error("not a finite number")]
    NotANumber,
    #[error("negative amount")]
    Negative,
    #[error("amount too large")]
    TooLarge,
}

impl Fen {
    pub const ZERO: Fen = Fen(0);

    /// Converts a yuan amount to fen, rounding to the nearest fen with halves rounded up.
    ///
    /// The rounding is done on the shortest decimal form of `yuan` (what the person typed), not on
    /// its binary approximation: `1.005` becomes 101 fen although the `f64` is 1.00499999….
    pub fn from_yuan(yuan: f64) -> Result<Fen, MoneyError> {
        if !yuan.is_finite() {
            return Err(MoneyError::NotANumber);
        }
        if yuan < 0.0 {
            return Err(MoneyError::Negative);
        }
        if yuan > MAX_YUAN {
            return Err(MoneyError::TooLarge);
        }
        decimal_scaled(yuan, 2)
            .map(|d| Fen(d.scaled))
            .ok_or(MoneyError::TooLarge)
    }

    /// Reads an amount of yuan as written in decimal (`980`, `980.5`, `0.05`), exactly, without
    /// passing through a float; more than two decimals round half up to the fen.
    pub fn parse_yuan(text: &str) -> Result<Fen, MoneyError> {
        let text = text.trim();
        if text.starts_with('-') {
            return Err(MoneyError::Negative);
        }
        let fen = decimal_text_scaled(text.as_bytes(), 2).ok_or(MoneyError::NotANumber)?;
        if fen.scaled > MAX_YUAN as i64 * 100 {
            return Err(MoneyError::TooLarge);
        }
        Ok(Fen(fen.scaled))
    }

    /// A whole number of yuan, exactly.
    pub const fn from_whole_yuan(yuan: i64) -> Fen {
        Fen(yuan.saturating_mul(100))
    }

    /// The amount in yuan as a float, for display and JSON (`fen / 100`).
    pub fn as_yuan_f64(self) -> f64 {
        self.0 as f64 / 100.0
    }

    /// Whole yuan, 0.5 rounding up: the rounding of amounts paid.
    pub fn to_whole_yuan(self) -> i64 {
        self.0.saturating_add(50).div_euclid(100)
    }

    /// Whether this is a whole number of yuan.
    pub fn is_whole_yuan(self) -> bool {
        self.0 % 100 == 0
    }

    pub fn saturating_add(self, other: Fen) -> Fen {
        Fen(self.0.saturating_add(other.0))
    }
}

impl fmt::Display for Fen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

/// Serializes as a yuan number (`980.5`), and deserializes a yuan number with [`Fen::from_yuan`].
impl Serialize for Fen {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_f64(self.as_yuan_f64())
    }
}

impl<'de> Deserialize<'de> for Fen {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Fen, D::Error> {
        let yuan = f64::deserialize(deserializer)?;
        Fen::from_yuan(yuan).map_err(serde::de::Error::custom)
    }
}

/// Serializes a [`Fen`] as an integer number of yuan when it is whole (`980`), else as a float
/// (`980.5`): the shape of `standards.dibao_standard` in the §3.5 response.
pub(crate) mod whole_or_decimal_yuan {
    use super::Fen;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(fen: &Fen, serializer: S) -> Result<S::Ok, S::Error> {
        if fen.is_whole_yuan() {
            serializer.serialize_i64(fen.0 / 100)
        } else {
            serializer.serialize_f64(fen.as_yuan_f64())
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Fen, D::Error> {
        Fen::deserialize(deserializer)
    }
}

/// A non-negative decimal scaled to a fixed number of decimals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Scaled {
    pub scaled: i64,
    /// False when digits beyond the requested decimals were dropped or rounded.
    pub exact: bool,
}

/// Scales `value` (finite, ≥ 0, ≤ [`MAX_YUAN`]) by 10^`decimals`, rounding half up on its
/// shortest round-tripping decimal representation. `None` when it does not fit.
pub(crate) fn decimal_scaled(value: f64, decimals: u32) -> Option<Scaled> {
    if !(0.0..=MAX_YUAN).contains(&value) {
        return None;
    }
    let mut buf = StackBuf::new();
    // `abs` turns -0.0 into 0.0; Display never uses an exponent for f64.
    write!(buf, "{}", value.abs()).ok()?;
    decimal_text_scaled(buf.as_bytes(), decimals)
}

/// Scales a decimal written as digits with at most one `.` by 10^`decimals`, rounding half up.
/// `None` for anything else, or when it does not fit.
fn decimal_text_scaled(text: &[u8], decimals: u32) -> Option<Scaled> {
    if text.is_empty() || text == b"." || text.iter().filter(|b| **b == b'.').count() > 1 {
        return None;
    }
    let mut integer: i64 = 0;
    let mut fraction: i64 = 0;
    let mut frac_digits: u32 = 0;
    let mut round_up = false;
    let mut exact = true;
    let mut in_fraction = false;
    for &b in text {
        match b {
            b'.' => in_fraction = true,
            b'0'..=b'9' => {
                let digit = i64::from(b - b'0');
                if !in_fraction {
                    integer = integer.checked_mul(10)?.checked_add(digit)?;
                } else if frac_digits < decimals {
                    fraction = fraction * 10 + digit;
                    frac_digits += 1;
                } else {
                    if frac_digits == decimals && digit >= 5 {
                        round_up = true;
                    }
                    if digit != 0 {
                        exact = false;
                    }
                    frac_digits = frac_digits.saturating_add(1);
                }
            }
            _ => return None,
        }
    }
    let mut missing = decimals.saturating_sub(frac_digits.min(decimals));
    while missing > 0 {
        fraction *= 10;
        missing -= 1;
    }
    let scale = 10_i64.checked_pow(decimals)?;
    let scaled = integer
        .checked_mul(scale)?
        .checked_add(fraction)?
        .checked_add(i64::from(round_up))?;
    Some(Scaled { scaled, exact })
}

/// Enough for the Display form of any f64 up to [`MAX_YUAN`], including subnormals.
struct StackBuf {
    bytes: [u8; 400],
    len: usize,
}

impl StackBuf {
    fn new() -> Self {
        StackBuf {
            bytes: [0; 400],
            len: 0,
        }
    }

    fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or(&[])
    }
}

impl Write for StackBuf {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len.checked_add(s.len()).ok_or(fmt::Error)?;
        let dest = self.bytes.get_mut(self.len..end).ok_or(fmt::Error)?;
        dest.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yuan_as_typed_is_read_exactly() {
        let cases: &[(&str, i64)] = &[
            ("980", 98_000),
            ("980.5", 98_050),
            (" 0.05 ", 5),
            ("1.005", 101),
            ("2.675", 268),
            ("0.1", 10),
            ("3000.", 300_000),
            (".5", 50),
        ];
        for (text, fen) in cases {
            assert_eq!(Fen::parse_yuan(text), Ok(Fen(*fen)), "{text}");
        }
        assert_eq!(Fen::parse_yuan("-1"), Err(MoneyError::Negative));
        for text in ["", ".", "1.2.3", "12a", "1e3", "１２"] {
            assert_eq!(Fen::parse_yuan(text), Err(MoneyError::NotANumber), "{text}");
        }
        assert_eq!(
            Fen::parse_yuan("1000000000000.01"),
            Err(MoneyError::TooLarge)
        );
    }

    #[test]
    fn yuan_to_fen_rounds_to_nearest_fen_half_up() {
        let cases: &[(f64, i64)] = &[
            (0.0, 0),
            (-0.0, 0),
            (0.004, 0),
            (0.005, 1),
            (0.0049999, 0),
            (0.015, 2),
            (1.005, 101),
            (2.675, 268),
            (300.0, 30000),
            (979.99, 97999),
            (0.1, 10),
            (0.29, 29),
            (1e-300, 0),
            (5e-324, 0),
            (123456789.125, 12345678913),
            (MAX_YUAN, 100_000_000_000_000),
        ];
        for &(yuan, fen) in cases {
            assert_eq!(Fen::from_yuan(yuan), Ok(Fen(fen)), "{yuan}");
        }
    }

    #[test]
    fn yuan_to_fen_rejects_bad_numbers() {
        assert_eq!(Fen::from_yuan(f64::NAN), Err(MoneyError::NotANumber));
        assert_eq!(Fen::from_yuan(f64::INFINITY), Err(MoneyError::NotANumber));
        assert_eq!(
            Fen::from_yuan(f64::NEG_INFINITY),
            Err(MoneyError::NotANumber)
        );
        assert_eq!(Fen::from_yuan(-0.01), Err(MoneyError::Negative));
        assert_eq!(Fen::from_yuan(1e13), Err(MoneyError::TooLarge));
        assert_eq!(Fen::from_yuan(f64::MAX), Err(MoneyError::TooLarge));
    }

    #[test]
    fn fen_to_whole_yuan_rounds_half_up() {
        let cases: &[(i64, i64)] = &[
            (0, 0),
            (49, 0),
            (50, 1),
            (149, 1),
            (150, 2),
            (68000, 680),
            (68049, 680),
            (68050, 681),
            (-50, 0),
            (-51, -1),
            (i64::MAX, i64::MAX / 100),
        ];
        for &(fen, yuan) in cases {
            assert_eq!(Fen(fen).to_whole_yuan(), yuan, "{fen}");
        }
    }

    #[test]
    fn decimal_scaling_reports_exactness() {
        assert_eq!(
            decimal_scaled(1.3, 4),
            Some(Scaled {
                scaled: 13000,
                exact: true
            })
        );
        assert_eq!(
            decimal_scaled(0.33333, 4),
            Some(Scaled {
                scaled: 3333,
                exact: false
            })
        );
    }

    #[test]
    fn display_and_serde() {
        assert_eq!(Fen(98050).to_string(), "980.50");
        assert_eq!(Fen(-5).to_string(), "-0.05");
        assert_eq!(
            serde_json::to_string(&Fen(30000)).ok().as_deref(),
            Some("300.0")
        );
        let parsed: Result<Fen, _> = serde_json::from_str("1.005");
        assert_eq!(parsed.ok(), Some(Fen(101)));
        assert!(serde_json::from_str::<Fen>("-1").is_err());
    }
}

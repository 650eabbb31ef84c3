//! Numbers that identify a resident, parsed so that a value of these types is always valid:
//! [`IdNumber`] (the 18-character citizen ID of GB 11643-1999, check digit verified) and
//! [`MobileNumber`] (11 digits starting with 1). Pure, so the same checks run on the server and,
//! as you type, in the browser.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// What is wrong with a typed number; `code` is the stable name of the JSON contracts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NumberError {
    #[error("an ID number has 18 characters: 17 digits and a final digit or X")]
    IdFormat,
    #[error("the ID number's check digit does not match")]
    IdChecksum,
    #[error("a mobile number has 11 digits and starts with 1")]
    MobileFormat,
}

impl NumberError {
    pub const fn code(self) -> &'static str {
        match self {
            NumberError::IdFormat | NumberError::MobileFormat => "format",
            NumberError::IdChecksum => "checksum",
        }
    }
}

/// People type these with spaces, and a lower-case x; neither changes the number.
fn compact(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// A citizen ID number whose check digit is right.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IdNumber(String);

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

impl IdNumber {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The date of birth as written in the number: (year, month, day).
    pub fn birth_date(&self) -> (u16, u8, u8) {
        let digits = |range: std::ops::Range<usize>| self.0[range].parse::<u16>().unwrap_or(0);
        (digits(6..10), digits(10..12) as u8, digits(12..14) as u8)
    }

    /// The number with all but the first 3 and last 2 characters hidden, for logs and screens
    /// that need to say which person without showing who.
    pub fn masked(&self) -> String {
        format!("{}*************{}", &self.0[..3], &self.0[16..])
    }
}

impl FromStr for IdNumber {
    type Err = NumberError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let id = compact(text);
        let chars: Vec<char> = id.chars().collect();
        if chars.len() != 18
            || !chars[..17].iter().all(char::is_ascii_digit)
            || !(chars[17].is_ascii_digit() || chars[17] == 'X')
        {
            return Err(NumberError::IdFormat);
        }
        let sum: u32 = chars[..17]
            .iter()
            .zip(WEIGHTS)
            .map(|(c, w)| c.to_digit(10).unwrap_or(0) * w)
            .sum();
        if CHECK_CHARS[(sum % 11) as usize] != chars[17] {
            return Err(NumberError::IdChecksum);
        }
        Ok(IdNumber(id))
    }
}

/// How a department's ID number was put right before it matched (see
/// [`IdNumber::from_department`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdRepair {
    /// A first-generation 15-digit number, upgraded as GB 11643-1999 says: `19` put before the
    /// two-digit year and the check digit added.
    Upgraded15,
    /// 17 digits: the check digit (often an `X` a system could not hold) was lost and is put back.
    CheckDigitRestored,
}

/// Why a department's ID number cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DepartmentIdError {
    #[error("no ID number")]
    Missing,
    #[error("Excel turned the ID number into a number (such as 3.70802E+17) and its last digits are lost: format the column as text")]
    MangledByExcel,
    #[error(transparent)]
    Number(#[from] NumberError),
}

fn check_char(first17: &[u32]) -> char {
    let sum: u32 = first17.iter().zip(WEIGHTS).map(|(d, w)| d * w).sum();
    CHECK_CHARS[(sum % 11) as usize]
}

impl IdNumber {
    /// Reads an ID number as department files carry it: spaces and a lower-case `x` as people
    /// type them, a first-generation 15-digit number, or 17 digits with the check digit lost.
    /// A number in Excel's scientific form has lost digits for good and is refused; so is an 18
    /// character number whose check digit is wrong (the mistake could be anywhere).
    pub fn from_department(text: &str) -> Result<(IdNumber, Option<IdRepair>), DepartmentIdError> {
        let id = compact(text.trim_matches(|c: char| c == '\'' || c == '"'));
        if id.is_empty() {
            return Err(DepartmentIdError::Missing);
        }
        if (id.contains('E') && id.contains('.')) || id.contains("E+") {
            return Err(DepartmentIdError::MangledByExcel);
        }
        let digits: Option<Vec<u32>> = id.chars().map(|c| c.to_digit(10)).collect();
        match (id.len(), digits) {
            (15, Some(digits)) => {
                let mut first17: Vec<u32> = digits[..6].to_vec();
                first17.extend([1, 9]);
                first17.extend_from_slice(&digits[6..15]);
                let mut upgraded: String = first17
                    .iter()
                    .filter_map(|d| char::from_digit(*d, 10))
                    .collect();
                upgraded.push(check_char(&first17));
                Ok((upgraded.parse()?, Some(IdRepair::Upgraded15)))
            }
            (17, Some(digits)) => {
                let mut restored = id.clone();
                restored.push(check_char(&digits));
                Ok((restored.parse()?, Some(IdRepair::CheckDigitRestored)))
            }
            _ => Ok((id.parse()?, None)),
        }
    }
}

/// Never printed whole by accident.
impl fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdNumber({})", self.masked())
    }
}

/// A mainland mobile number.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct MobileNumber(String);

impl MobileNumber {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn masked(&self) -> String {
        format!("{}****{}", &self.0[..3], &self.0[7..])
    }
}

impl FromStr for MobileNumber {
    type Err = NumberError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let number: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        let number = number.strip_prefix("+86").unwrap_or(&number).to_owned();
        if number.len() == 11
            && number.starts_with('1')
            && number.chars().all(|c| c.is_ascii_digit())
        {
            Ok(MobileNumber(number))
        } else {
            Err(NumberError::MobileFormat)
        }
    }
}

impl fmt::Debug for MobileNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MobileNumber({})", self.masked())
    }
}

macro_rules! string_serde {
    ($t:ty) => {
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

string_serde!(IdNumber);
string_serde!(MobileNumber);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_example_and_real_shapes_parse() {
        let id: IdNumber = "11010519491231002X".parse().expect("valid");
        assert_eq!(id.birth_date(), (1949, 12, 31));
        assert_eq!(id.masked(), "110*************2X");
        assert!(" 110105 19491231 002x ".parse::<IdNumber>().is_ok());
        assert!("370811199001010014".parse::<IdNumber>().is_ok());
    }

    #[test]
    fn a_wrong_check_digit_is_a_checksum_error() {
        assert_eq!(
            "110105194912310021".parse::<IdNumber>(),
            Err(NumberError::IdChecksum)
        );
        assert_eq!(NumberError::IdChecksum.code(), "checksum");
    }

    #[test]
    fn wrong_lengths_and_letters_are_format_errors() {
        for bad in [
            "",
            "11010519491231002",
            "11010519491231002XX",
            "1101051949123100AX",
            "X10105194912310021",
        ] {
            assert_eq!(bad.parse::<IdNumber>(), Err(NumberError::IdFormat), "{bad}");
        }
    }

    #[test]
    fn mobile_numbers_have_eleven_digits_starting_with_one() {
        assert_eq!(
            "138 0013 8000".parse::<MobileNumber>().map(|m| m.0),
            Ok("13800138000".into())
        );
        assert!("+8613800138000".parse::<MobileNumber>().is_ok());
        for bad in ["23800138000", "1380013800", "138001380000", "1380013800a"] {
            assert_eq!(
                bad.parse::<MobileNumber>(),
                Err(NumberError::MobileFormat),
                "{bad}"
            );
        }
    }

    #[test]
    fn debug_output_never_shows_the_whole_number() {
        let id: IdNumber = "11010519491231002X".parse().expect("valid");
        assert!(!format!("{id:?}").contains("19491231"));
    }

    #[test]
    fn serde_refuses_invalid_numbers() {
        assert!(serde_json::from_str::<IdNumber>("\"110105194912310021\"").is_err());
    }

    #[test]
    fn department_numbers_are_repaired_where_nothing_is_guessed() {
        let (id, repair) = IdNumber::from_department(" 11010519491231002x ").unwrap();
        assert_eq!((id.as_str(), repair), ("11010519491231002X", None));
        let (id, repair) = IdNumber::from_department("11010519491231002").unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(repair, Some(IdRepair::CheckDigitRestored));
        // 110105 49 1231 002 → 110105 1949 1231 002 + check digit.
        let (id, repair) = IdNumber::from_department("110105491231002").unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(repair, Some(IdRepair::Upgraded15));
        assert_eq!(
            IdNumber::from_department("3.70802E+17"),
            Err(DepartmentIdError::MangledByExcel)
        );
        assert_eq!(
            IdNumber::from_department("110105194912310021"),
            Err(DepartmentIdError::Number(NumberError::IdChecksum))
        );
        assert_eq!(
            IdNumber::from_department(""),
            Err(DepartmentIdError::Missing)
        );
        assert!(IdNumber::from_department("1101051949").is_err());
    }
}

//! A new staff password, parsed by the rules of NIST SP 800-63B: length over complexity, and
//! common, repetitive or account-related passwords refused.
//!
//! The rules, checked in this order (the first that fails is reported):
//!
//! 1. Length, in characters (not bytes): 12 to 128 ([`PasswordError::TooShort`],
//!    [`PasswordError::TooLong`]). No composition rules: any character is allowed, spaces and
//!    Chinese included, so a long passphrase is the easy way through.
//! 2. Not a common password ([`PasswordError::Common`]): the whole password, lower-cased, is
//!    looked up in `store/data/common-passwords.txt`. It is neither trimmed nor truncated.
//! 3. Not repetitive ([`PasswordError::Repetitive`]); see [`is_repetitive`] for the exact rule.
//! 4. Only in [`NewPassword::for_account`]: not containing the account's own words or the
//!    service's name ([`PasswordError::Personal`]).

use std::collections::HashSet;
use std::fmt;
use std::str::FromStr;
use std::sync::LazyLock;

use thiserror::Error;

/// Fewest characters in a password (ASVS 2.1.1).
const MIN_CHARS: usize = 12;
/// Most characters in a password.
const MAX_CHARS: usize = 128;

/// A new password: at least 12 characters (ASVS 2.1.1), at most 128, not common, not
/// repetitive; from [`NewPassword::for_account`] also free of the account's and the
/// service's names.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

impl NewPassword {
    /// The service's own names, refused inside a password like the account's names are.
    pub const SERVICE_WORDS: &'static [&'static str] = &["jishijiu", "jining", "济时救", "济宁"];

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Parses a password for one account: the [`FromStr`] rules, then refuses a password that
    /// contains, case-insensitively, any of `context` (the caller passes the username and the
    /// display name) or of [`Self::SERVICE_WORDS`].
    ///
    /// A context word counts when it has at least 4 characters, or at least 2 when it holds a
    /// Chinese (Han) character, since one Chinese character carries about as much as a short
    /// Latin syllable or more; shorter words (and blank ones) are ignored, as they would refuse
    /// too many good passwords. Context words are trimmed of surrounding whitespace; the
    /// password never is.
    pub fn for_account(text: &str, context: &[&str]) -> Result<NewPassword, PasswordError> {
        let password: NewPassword = text.parse()?;
        let lower = text.to_lowercase();
        let personal = context
            .iter()
            .chain(Self::SERVICE_WORDS)
            .map(|word| word.trim())
            .filter(|word| counts_as_context_word(word))
            .any(|word| lower.contains(&word.to_lowercase()));
        if personal {
            return Err(PasswordError::Personal);
        }
        Ok(password)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PasswordError {
    #[error("the password must be at least 12 characters long")]
    TooShort,
    #[error("the password must be at most 128 characters long")]
    TooLong,
    #[error(
        "the password is one of the most common passwords; choose one that is harder to guess"
    )]
    Common,
    #[error(
        "the password is a repeated or sequential pattern (like abcabc or 123456); \
         choose one that is harder to guess"
    )]
    Repetitive,
    #[error(
        "the password contains your username, your name or the name of this service; \
         choose one that does not"
    )]
    Personal,
}

impl PasswordError {
    /// A stable snake_case code for the error, by which pages pick a translated message.
    pub fn code(&self) -> &'static str {
        match self {
            Self::TooShort => "too_short",
            Self::TooLong => "too_long",
            Self::Common => "common",
            Self::Repetitive => "repetitive",
            Self::Personal => "personal",
        }
    }
}

impl FromStr for NewPassword {
    type Err = PasswordError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.chars().count() {
            n if n < MIN_CHARS => return Err(PasswordError::TooShort),
            n if n > MAX_CHARS => return Err(PasswordError::TooLong),
            _ => {}
        }
        let lower = s.to_lowercase();
        if is_common(&lower) {
            return Err(PasswordError::Common);
        }
        if is_repetitive(&lower) {
            return Err(PasswordError::Repetitive);
        }
        Ok(Self(s.to_owned()))
    }
}

/// The list of common passwords, one a line, lower-case, with `#` comment lines; see the
/// file's own header for where it comes from.
const COMMON_PASSWORDS_FILE: &str = include_str!("../../data/common-passwords.txt");

/// The entries of [`COMMON_PASSWORDS_FILE`], built on first use. A hash set of slices of the
/// embedded file: one allocation for the table, none per entry, and a lookup that does not
/// depend on the list's order.
static COMMON_PASSWORDS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| common_password_lines().collect());

/// The entry lines of [`COMMON_PASSWORDS_FILE`]: blank lines and `#` lines skipped. Entries
/// are not trimmed, since a space may be part of a password.
fn common_password_lines() -> impl Iterator<Item = &'static str> {
    COMMON_PASSWORDS_FILE
        .lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
}

/// Whether `lower`, the whole password lower-cased, is on the common list.
fn is_common(lower: &str) -> bool {
    COMMON_PASSWORDS.contains(lower)
}

/// Orders in which one character follows another, each read as a cycle (the last character
/// is followed by the first again): the digits; the alphabet; the three letter rows of a
/// QWERTY keyboard read one after another, top to bottom.
const SEQUENCES: &[&str] = &[
    "0123456789",
    "abcdefghijklmnopqrstuvwxyz",
    "qwertyuiopasdfghjklzxcvbnm",
];

/// Whether `lower`, the whole password lower-cased, is repetitive. It is when either
///
/// - it is one piece repeated, at least twice, with nothing else ("aaaaaaaaaaaa",
///   "abcabcabcabc", "123456123456"); or
/// - every character is the next one, or every character the previous one, after the
///   character before it in one of [`SEQUENCES`], wrapping around at the end
///   ("123456789012", "abcdefghijkl", "qwertyuiopas", "987654321098").
///
/// Only the whole password is judged: a passphrase that merely includes "123456" passes.
fn is_repetitive(lower: &str) -> bool {
    let chars: Vec<char> = lower.chars().collect();
    is_repeated_unit(&chars) || SEQUENCES.iter().any(|seq| is_run_of(&chars, seq))
}

/// Whether `chars` is a shorter piece repeated at least twice.
fn is_repeated_unit(chars: &[char]) -> bool {
    let n = chars.len();
    (1..=n / 2)
        .filter(|unit| n.is_multiple_of(*unit))
        .any(|unit| {
            chars
                .iter()
                .zip(chars[..unit].iter().cycle())
                .all(|(a, b)| a == b)
        })
}

/// Whether `chars` steps through the cycle `sequence` one place at a time, always forwards or
/// always backwards.
fn is_run_of(chars: &[char], sequence: &str) -> bool {
    let seq: Vec<char> = sequence.chars().collect();
    let len = seq.len();
    let positions: Option<Vec<usize>> = chars
        .iter()
        .map(|c| seq.iter().position(|s| s == c))
        .collect();
    let Some(positions) = positions else {
        return false;
    };
    let steps = || positions.windows(2).map(|w| (w[1] + len - w[0]) % len);
    chars.len() >= 2 && (steps().all(|s| s == 1) || steps().all(|s| s == len - 1))
}

/// Whether a (trimmed) context word is long enough to be refused inside a password.
fn counts_as_context_word(word: &str) -> bool {
    let n = word.chars().count();
    n >= 4 || (n >= 2 && word.chars().any(is_han))
}

/// Whether `c` is a Chinese (Han) character: the CJK unified ideographs, their extensions
/// and the compatibility ideographs.
fn is_han(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{323AF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<NewPassword, PasswordError> {
        s.parse()
    }

    #[test]
    fn too_short_and_too_long_count_characters() {
        assert_eq!(parse("short"), Err(PasswordError::TooShort));
        assert_eq!(parse("elevenchars"), Err(PasswordError::TooShort));
        // 10 Chinese characters are 30 bytes but still too short.
        assert_eq!(parse("我家门前有两棵枣树啊"), Err(PasswordError::TooShort));
        assert_eq!(parse(&"x".repeat(129)), Err(PasswordError::TooLong));
        assert!(parse(&format!("{}好的", "长".repeat(64))).is_ok());
        // Length is checked first, so a long repeated password is TooLong, not Repetitive.
        assert_eq!(parse(&"ab".repeat(65)), Err(PasswordError::TooLong));
    }

    #[test]
    fn good_passphrases_parse() {
        let pw = parse("correct horse battery staple").unwrap();
        assert_eq!(pw.as_str(), "correct horse battery staple");
        assert!(parse("一株是枣树还有一株也是枣树").is_ok());
        assert!(parse("abcdefghijkm").is_ok());
        assert!(parse("my 123456 is not enough").is_ok());
    }

    #[test]
    fn common_passwords_are_refused_case_insensitively() {
        assert_eq!(parse("password123456"), Err(PasswordError::Common));
        assert_eq!(parse("PassWord123456"), Err(PasswordError::Common));
        // On the list, and not repetitive by the rule: Common.
        assert_eq!(parse("Qwerty123456"), Err(PasswordError::Common));
        assert!(!is_repetitive("qwerty123456"));
        // From the Chinese part of the list.
        assert_eq!(parse("WoAiNi1314520"), Err(PasswordError::Common));
        assert_eq!(parse("jishijiu2026"), Err(PasswordError::Common));
        // The whole value is compared, neither trimmed nor truncated.
        assert!(parse("password123456 ").is_ok());
        assert!(parse("password1234567x").is_ok());
    }

    #[test]
    fn repetitive_passwords_are_refused() {
        for pw in [
            "abcabcabcabc",
            "aaaaaaaaaaaa",
            "AbCaBcAbCaBc",
            "哈哈哈哈哈哈哈哈哈哈哈哈",
            "123456789012",
            "abcdefghijkl",
            "QWERTYUIOPAS",
            "qwertyuiopas",
            "987654321098",
            "lkjhgfdsapoi",
            "uvwxyzabcdef",
        ] {
            assert!(!is_common(&pw.to_lowercase()), "{pw} is on the common list");
            assert_eq!(parse(pw), Err(PasswordError::Repetitive), "{pw}");
        }
        // Repeated, but also on the common list, which is checked first.
        assert_eq!(parse("123456123456"), Err(PasswordError::Common));
        assert!(is_repetitive("123456123456"));
        // Not quite a run or a repetition.
        assert!(!is_repetitive("abcabcabcabd"));
        assert!(!is_repetitive("1234567890135"));
        assert!(!is_repetitive("qwertyuiopzx"));
    }

    #[test]
    fn personal_words_are_refused() {
        assert_eq!(
            NewPassword::for_account("wang.li.password!", &["wang.li", "王丽"]),
            Err(PasswordError::Personal)
        );
        assert_eq!(
            NewPassword::for_account("我的同事王丽的密码很长", &["wang.li", "王丽"]),
            Err(PasswordError::TooShort)
        );
        assert_eq!(
            NewPassword::for_account("我的同事王丽的密码很长很长", &["wang.li", "王丽"]),
            Err(PasswordError::Personal)
        );
        assert_eq!(
            NewPassword::for_account("MyNameIsWANG.LI, really", &[" Wang.Li "]),
            Err(PasswordError::Personal)
        );
        // The service's own words, whatever the context.
        assert_eq!(
            NewPassword::for_account("济时救的工作密码很长很长", &[]),
            Err(PasswordError::Personal)
        );
        assert!(parse("济时救的工作密码很长很长").is_ok());
        assert_eq!(
            NewPassword::for_account("JiShiJiu staff portal", &[]),
            Err(PasswordError::Personal)
        );
        assert_eq!(
            NewPassword::for_account("我在济宁市任城区上班很久了", &[]),
            Err(PasswordError::Personal)
        );
    }

    #[test]
    fn short_and_blank_context_words_are_ignored() {
        assert!(NewPassword::for_account("li is not in this one", &["li", "", "   "]).is_ok());
        assert!(NewPassword::for_account("wan is three letters", &["wan"]).is_ok());
        assert!(NewPassword::for_account("一株是枣树还有一株也是枣树", &["枣"]).is_ok());
        assert_eq!(
            NewPassword::for_account("一株是枣树还有一株也是枣树", &["枣树"]),
            Err(PasswordError::Personal)
        );
    }

    #[test]
    fn for_account_applies_the_from_str_rules_first() {
        assert_eq!(
            NewPassword::for_account("short", &["short"]),
            Err(PasswordError::TooShort)
        );
        assert_eq!(
            NewPassword::for_account("Password123456", &["password"]),
            Err(PasswordError::Common)
        );
        assert_eq!(
            NewPassword::for_account("abcabcabcabc", &["abcabc"]),
            Err(PasswordError::Repetitive)
        );
        let pw =
            NewPassword::for_account("correct horse battery staple", &["wang.li", "王丽"]).unwrap();
        assert_eq!(pw.as_str(), "correct horse battery staple");
    }

    #[test]
    fn codes_are_stable() {
        assert_eq!(PasswordError::TooShort.code(), "too_short");
        assert_eq!(PasswordError::TooLong.code(), "too_long");
        assert_eq!(PasswordError::Common.code(), "common");
        assert_eq!(PasswordError::Repetitive.code(), "repetitive");
        assert_eq!(PasswordError::Personal.code(), "personal");
        for e in [
            PasswordError::TooShort,
            PasswordError::TooLong,
            PasswordError::Common,
            PasswordError::Repetitive,
            PasswordError::Personal,
        ] {
            let message = e.to_string();
            assert!(message.starts_with(char::is_lowercase), "{message}");
        }
    }

    #[test]
    fn the_common_list_is_long_unique_and_well_formed() {
        let lines: Vec<&str> = common_password_lines().collect();
        assert!(
            COMMON_PASSWORDS.len() > 250,
            "{} entries",
            COMMON_PASSWORDS.len()
        );
        assert_eq!(lines.len(), COMMON_PASSWORDS.len(), "duplicate entries");
        for entry in lines {
            assert!(entry.chars().count() >= MIN_CHARS, "{entry:?} is too short");
            assert_eq!(entry, entry.to_lowercase(), "{entry:?} is not lower-case");
            assert_eq!(entry, entry.trim_end(), "{entry:?} has trailing whitespace");
        }
        assert!(COMMON_PASSWORDS_FILE.starts_with('#'));
    }

    #[test]
    fn debug_is_redacted() {
        let pw = parse("correct horse battery staple").unwrap();
        let shown = format!("{pw:?}");
        assert_eq!(shown, "NewPassword(***)");
        assert!(!shown.contains("horse"));
    }
}

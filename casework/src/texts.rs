//! The free texts of an application as a person types them (names, the address, a family
//! member's relation, a volunteer's and an event's codes), with their field rules declared once
//! with `validator`'s derive. The API's reader (`request.rs`) and the application pages
//! (`app::apply::draft`) both check typed text with these, and turn the same codes into their
//! own answers: a [`FieldProblem`] for the API, a sentence beside the field for the pages.
//!
//! Numbers with a structure (ID numbers, mobile numbers) are not texts: they are parsed into
//! their types (`identity`), which can only hold a valid one.

use std::borrow::Cow;

use validator::{Validate, ValidationError, ValidationErrors};

use crate::request::FieldProblem;

/// The longest name (the applicant's, a family member's), in characters.
pub const NAME_MAX_CHARS: usize = 50;
/// The longest address, in characters.
pub const ADDRESS_MAX_CHARS: usize = 200;
/// The longest volunteer or event code, in characters.
pub const CODE_MAX_CHARS: usize = 40;
/// The longest relation of a family member to the applicant ("女儿", "daughter-in-law").
pub const RELATION_MAX_CHARS: usize = 20;

// The derive takes its limits as u64.
const NAME_MAX: u64 = NAME_MAX_CHARS as u64;
const ADDRESS_MAX: u64 = ADDRESS_MAX_CHARS as u64;
const CODE_MAX: u64 = CODE_MAX_CHARS as u64;
const RELATION_MAX: u64 = RELATION_MAX_CHARS as u64;

/// What is wrong with a typed text. The API answers with the wire name as the problem's `code`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextProblem {
    /// Nothing typed (or only spaces).
    Required,
    /// More characters than the field holds.
    TooLong,
    /// A code with characters a badge or poster never has.
    Format,
}

impl TextProblem {
    pub const fn code(self) -> &'static str {
        match self {
            TextProblem::Required => "required",
            TextProblem::TooLong => "too_long",
            TextProblem::Format => "format",
        }
    }

    fn of(code: &str) -> TextProblem {
        match code {
            "required" => TextProblem::Required,
            "format" => TextProblem::Format,
            _ => TextProblem::TooLong,
        }
    }
}

/// The applicant's name and address, trimmed.
#[derive(Debug, Clone, Copy, Validate)]
pub struct ApplicantTexts<'a> {
    #[validate(custom(function = typed), length(max = NAME_MAX, code = "too_long"))]
    pub name: &'a str,
    #[validate(custom(function = typed), length(max = ADDRESS_MAX, code = "too_long"))]
    pub address: &'a str,
}

/// The family member who applies for the applicant: their name and relation, trimmed.
#[derive(Debug, Clone, Copy, Validate)]
pub struct FamilyTexts<'a> {
    #[validate(custom(function = typed), length(max = NAME_MAX, code = "too_long"))]
    pub name: &'a str,
    #[validate(custom(function = typed), length(max = RELATION_MAX, code = "too_long"))]
    pub relation: &'a str,
}

/// The codes a volunteer enters: their own and the outreach event's, trimmed and upper-cased
/// (see [`VolunteerCodes::new`]).
#[derive(Debug, Clone, Validate)]
pub struct VolunteerCodes {
    #[validate(custom(function = badge_code), length(max = CODE_MAX, code = "too_long"))]
    pub volunteer_code: String,
    #[validate(custom(function = badge_code), length(max = CODE_MAX, code = "too_long"))]
    pub event_code: String,
}

impl VolunteerCodes {
    /// The codes as typed, written as the badge and the poster print them.
    pub fn new(volunteer_code: &str, event_code: &str) -> VolunteerCodes {
        VolunteerCodes {
            volunteer_code: volunteer_code.trim().to_ascii_uppercase(),
            event_code: event_code.trim().to_ascii_uppercase(),
        }
    }
}

/// Whether `text` (already upper-cased) is written as a volunteer or event code: letters, digits
/// and dashes, as printed on a badge or a poster.
pub fn is_code(text: &str) -> bool {
    text.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

fn typed(text: &str) -> Result<(), ValidationError> {
    if text.trim().is_empty() {
        Err(ValidationError::new("required"))
    } else {
        Ok(())
    }
}

fn badge_code(text: &str) -> Result<(), ValidationError> {
    typed(text)?;
    if is_code(text) {
        Ok(())
    } else {
        Err(ValidationError::new("format"))
    }
}

/// Each field's problems, in `order` (the order the form and the contract list the fields),
/// the first problem of a field only: an empty field is not also reported too short.
pub fn text_problems(
    result: Result<(), ValidationErrors>,
    order: &[&'static str],
) -> Vec<(&'static str, TextProblem)> {
    let Err(errors) = result else {
        return Vec::new();
    };
    let by_field = errors.field_errors();
    order
        .iter()
        .filter_map(|field| {
            let first = by_field.get(&Cow::Borrowed(*field))?.first()?;
            Some((*field, TextProblem::of(&first.code)))
        })
        .collect()
}

/// The problems as the API reports them, each field under `prefix` (`applicant.name`).
pub(crate) fn field_problems(
    result: Result<(), ValidationErrors>,
    order: &[&'static str],
    prefix: &str,
) -> Vec<FieldProblem> {
    text_problems(result, order)
        .into_iter()
        .map(|(field, problem)| FieldProblem {
            field: format!("{prefix}.{field}"),
            code: problem.code(),
        })
        .collect()
}

impl ApplicantTexts<'_> {
    /// The fields in the order of the form.
    pub const FIELDS: &'static [&'static str] = &["name", "address"];
}

impl FamilyTexts<'_> {
    pub const FIELDS: &'static [&'static str] = &["name", "relation"];
}

impl VolunteerCodes {
    pub const FIELDS: &'static [&'static str] = &["volunteer_code", "event_code"];
}

#[cfg(test)]
mod tests {
    use super::*;

    fn applicant(name: &str, address: &str) -> Vec<(&'static str, TextProblem)> {
        let texts = ApplicantTexts { name, address };
        text_problems(texts.validate(), ApplicantTexts::FIELDS)
    }

    #[test]
    fn an_empty_or_too_long_text_is_named_with_its_field_in_form_order() {
        assert!(applicant("张三", "任城区").is_empty());
        assert_eq!(
            applicant("  ", &"路".repeat(ADDRESS_MAX_CHARS + 1)),
            [
                ("name", TextProblem::Required),
                ("address", TextProblem::TooLong)
            ]
        );
        // Characters, not bytes: fifty Chinese characters fit.
        assert!(applicant(&"张".repeat(NAME_MAX_CHARS), "任城区").is_empty());
        assert_eq!(
            applicant(&"张".repeat(NAME_MAX_CHARS + 1), "任城区"),
            [("name", TextProblem::TooLong)]
        );
    }

    #[test]
    fn codes_are_read_as_printed_on_badges() {
        let codes = VolunteerCodes::new(" vol-001 ", "");
        assert_eq!(codes.volunteer_code, "VOL-001");
        assert_eq!(
            text_problems(codes.validate(), VolunteerCodes::FIELDS),
            [("event_code", TextProblem::Required)]
        );
        let codes = VolunteerCodes::new("vol 001", &"E".repeat(CODE_MAX_CHARS + 1));
        assert_eq!(
            text_problems(codes.validate(), VolunteerCodes::FIELDS),
            [
                ("volunteer_code", TextProblem::Format),
                ("event_code", TextProblem::TooLong)
            ]
        );
    }

    #[test]
    fn a_relation_has_its_own_limit() {
        let family = FamilyTexts {
            name: "张小三",
            relation: &"女".repeat(RELATION_MAX_CHARS + 1),
        };
        assert_eq!(
            text_problems(family.validate(), FamilyTexts::FIELDS),
            [("relation", TextProblem::TooLong)]
        );
    }
}

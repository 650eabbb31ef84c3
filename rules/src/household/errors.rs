//! The field errors a request can have: their codes and the list of every bad field.

use core::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::money::MoneyError;

/// What is wrong with a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The field is missing or null.
    Required,
    /// A negative amount.
    Negative,
    /// A number outside its allowed range (age 0–130, grade 1–4, a fraction where a whole number
    /// is needed, an absurdly large amount).
    OutOfRange,
    /// A value that is not one of the allowed ones.
    UnknownValue,
    /// More than 30 members.
    TooMany,
    /// No members.
    Empty,
    /// NaN, infinity or something that is not a number.
    NotANumber,
}

impl ErrorCode {
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Required => "required",
            ErrorCode::Negative => "negative",
            ErrorCode::OutOfRange => "out_of_range",
            ErrorCode::UnknownValue => "unknown_value",
            ErrorCode::TooMany => "too_many",
            ErrorCode::Empty => "empty",
            ErrorCode::NotANumber => "not_a_number",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One bad field: its path (`members[0].incomes[1].monthly`) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub code: ErrorCode,
}

/// Every bad field of a request, in the order of the request.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Error)]
#[serde(transparent)]
pub struct InputErrors(pub Vec<FieldError>);

impl fmt::Display for InputErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid household:")?;
        for e in &self.0 {
            write!(f, " {}: {};", e.field, e.code)?;
        }
        Ok(())
    }
}

impl InputErrors {
    pub(super) fn push(&mut self, field: impl Into<String>, code: ErrorCode) {
        self.0.push(FieldError {
            field: field.into(),
            code,
        });
    }

    /// Whether a field has an error.
    pub fn has(&self, field: &str, code: ErrorCode) -> bool {
        self.0.iter().any(|e| e.field == field && e.code == code)
    }
}

impl From<MoneyError> for ErrorCode {
    fn from(e: MoneyError) -> ErrorCode {
        match e {
            MoneyError::NotANumber => ErrorCode::NotANumber,
            MoneyError::Negative => ErrorCode::Negative,
            MoneyError::TooLarge => ErrorCode::OutOfRange,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn error_list_serializes_for_the_422() {
        let errs = InputErrors(vec![FieldError {
            field: "members[0].incomes[1].monthly".into(),
            code: ErrorCode::Negative,
        }]);
        assert_eq!(
            serde_json::to_value(&errs).unwrap(),
            json!([{"field":"members[0].incomes[1].monthly","code":"negative"}])
        );
    }
}

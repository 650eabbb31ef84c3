//! What each kind of bad input means, in words a person can act on. Shared by the JSON API's
//! 422 answers and the pages' error messages.

use crate::i18n::{tr, Lang};

/// The message for an error code of the rules engine (`rules::ErrorCode::as_str`) or of the API.
pub fn input_error_message(lang: Lang, code: &str) -> &'static str {
    match code {
        "required" => tr::input_error_required(lang),
        "negative" => tr::input_error_negative(lang),
        "out_of_range" => tr::input_error_out_of_range(lang),
        "unknown_value" => tr::input_error_unknown_value(lang),
        "too_many" => tr::input_error_too_many(lang),
        "empty" => tr::input_error_empty(lang),
        "not_a_number" => tr::input_error_not_a_number(lang),
        _ => tr::input_error_invalid_json(lang),
    }
}

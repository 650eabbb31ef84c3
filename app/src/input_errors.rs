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

/// The message for a problem with a field of an application: specific where a generic one would
/// not say how to fix it.
pub fn application_error_message(lang: Lang, field: &str, code: &str) -> &'static str {
    match code {
        "checksum" => tr::input_error_id_checksum(lang),
        "format" if field.ends_with("id_number") => tr::input_error_id_format(lang),
        "format" if field.ends_with("phone") => tr::input_error_phone_format(lang),
        "format" if field == "Idempotency-Key" => tr::input_error_idempotency_key_format(lang),
        "format" if field.ends_with("_code") => tr::input_error_code_format(lang),
        "required" if field == "Idempotency-Key" => tr::input_error_idempotency_key_required(lang),
        "consent_required" if field == "consents.verification_authorizations" => {
            tr::input_error_verification_authorizations(lang)
        }
        "consent_required" => tr::input_error_consent_required(lang),
        "too_long" => tr::input_error_too_long(lang),
        "unknown_value" if field.ends_with("_code") => tr::input_error_code_not_given(lang),
        "not_on_event" => tr::input_error_not_on_event(lang),
        "invalid" | "not_a_boolean" | "format" => tr::input_error_invalid(lang),
        "key_reused" => tr::input_error_key_reused(lang),
        "unavailable" => tr::input_error_unavailable(lang),
        "unknown_field" => tr::input_error_unknown_field(lang),
        "unauthorized" => tr::input_error_unauthorized(lang),
        "not_found" => tr::input_error_not_found(lang),
        "method_not_allowed" => tr::input_error_method_not_allowed(lang),
        "too_large" => tr::input_error_too_large(lang),
        "too_many_requests" => tr::input_error_too_many_requests(lang),
        "forbidden" => tr::input_error_forbidden(lang),
        "internal" => tr::input_error_internal(lang),
        other => input_error_message(lang, other),
    }
}

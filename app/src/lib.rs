//! The 济时救 portal's user interface, rendered on the server; islands hydrate in the browser.

#![recursion_limit = "256"]

pub mod apply;
pub mod counties;
pub mod error_pages;
mod form_fields;
mod handbook;
mod home;
pub mod i18n;
pub mod input_errors;
mod layout;
mod not_found;
mod offline;
pub mod outreach;
pub mod page_cache;
pub mod posted_form;
pub mod preferences;
mod qr;
mod read_aloud;
mod self_check;
pub mod server_error;
mod shell;
pub mod staff;
pub mod track;
mod urgent_help;
pub mod windows;

pub use shell::{shell, App};

/// A programme's name as residents read it (for the server's text messages).
#[cfg(feature = "ssr")]
pub fn programme_name(lang: i18n::Lang, programme: rules::ProgrammeId) -> &'static str {
    self_check::programme_name(lang, programme)
}

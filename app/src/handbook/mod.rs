//! The policy handbook: the list with search and filters, and one page per policy. Plain HTML
//! and GET forms, so it works on any phone without JS.

mod detail;
mod instant_search;
mod list;

use std::sync::Arc;

use handbook::Handbook;
use leptos::prelude::*;

use crate::i18n::Lang;

pub use detail::PolicyPage;
pub use list::PolicyListPage;

/// The handbook the server loaded at start.
fn use_handbook() -> Option<Arc<Handbook>> {
    use_context::<Arc<Handbook>>()
}

fn english(lang: Lang) -> bool {
    lang == Lang::En
}

//! Pages that are the same for every visitor (given language and display settings) say so, and
//! the server may then serve them again from memory instead of rendering them anew.

/// The response header a shareable page sets; the server's page cache removes it.
pub const SHAREABLE_HEADER: &str = "x-portal-shareable";

/// Marks the page being rendered as shareable. Call it only from pages that show nothing
/// personal: no session, no query-dependent message, no form state.
pub fn mark_page_shareable() {
    #[cfg(feature = "ssr")]
    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        response.insert_header(
            http::HeaderName::from_static(SHAREABLE_HEADER),
            http::HeaderValue::from_static("1"),
        );
    }
}

use leptos::prelude::*;
use leptos_meta::Title;

use crate::i18n::tr;
use crate::preferences::use_prefs;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    let lang = use_prefs().lang;
    view! {
        <Title text=tr::not_found_title(lang)/>
        <h1>{tr::not_found_title(lang)}</h1>
        <p>{tr::not_found_text(lang)}</p>
        <p><a href="/">{tr::not_found_back_home(lang)}</a></p>
    }
}

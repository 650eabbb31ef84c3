//! Warns staff before an idle session ends, so nobody loses what they were typing. The notice is
//! in the page from the start, hidden; the island shows it two minutes before the end.

use leptos::prelude::*;

use crate::i18n::tr;
use crate::preferences::use_prefs;

#[component]
pub fn SessionWarning() -> impl IntoView {
    let lang = use_prefs().lang;
    view! {
        <SessionTimer>
            <div class="notice session-warning" role="alert" data-session="warning" hidden>
                <p>{tr::staff_session_ending(lang)}</p>
                <form method="get">
                    <button type="submit" class="button">{tr::staff_session_keep(lang)}</button>
                </form>
            </div>
            <div class="notice session-warning" role="alert" data-session="ended" hidden>
                <p>{tr::staff_session_ended(lang)}</p>
                <p><a href="/staff/login">{tr::staff_login_title(lang)}</a></p>
            </div>
        </SessionTimer>
    }
}

#[island]
fn SessionTimer(children: Children) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    {
        use std::time::Duration;
        // Every request restarts the server's idle clock, so this page's load is its start; on a
        // slow network the island hydrates a while after it, and that while has already passed.
        let idle = Duration::from_secs(super::IDLE_MINUTES * 60);
        let warn_before = Duration::from_secs(120);
        let since_load = web_sys::window()
            .and_then(|w| w.performance())
            .map_or(Duration::ZERO, |p| Duration::from_millis(p.now() as u64));
        let left = idle.saturating_sub(since_load);
        set_timeout(
            || reveal("[data-session=warning]", "[data-session=ended]"),
            left.saturating_sub(warn_before),
        );
        set_timeout(
            || reveal("[data-session=ended]", "[data-session=warning]"),
            left,
        );
    }
    view! { <div>{children()}</div> }
}

#[cfg(feature = "hydrate")]
fn reveal(show: &str, hide: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Ok(Some(element)) = document.query_selector(show) {
        let _ = element.remove_attribute("hidden");
    }
    if let Ok(Some(element)) = document.query_selector(hide) {
        let _ = element.set_attribute("hidden", "");
    }
}

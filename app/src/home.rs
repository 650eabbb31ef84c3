//! The start page: what the service is, and five big ways in.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::i18n::tr;
use crate::preferences::use_prefs;

#[component]
pub fn HomePage() -> impl IntoView {
    crate::page_cache::mark_page_shareable();
    let lang = use_prefs().lang;
    let actions = [
        (
            "/policies",
            "handbook",
            tr::home_action_handbook(lang),
            tr::home_action_handbook_hint(lang),
        ),
        (
            "/check",
            "check",
            tr::home_action_check(lang),
            tr::home_action_check_hint(lang),
        ),
        (
            "/apply",
            "apply",
            tr::home_action_apply(lang),
            tr::home_action_apply_hint(lang),
        ),
        (
            "/track",
            "track",
            tr::home_action_track(lang),
            tr::home_action_track_hint(lang),
        ),
        (
            "/help/urgent",
            "urgent",
            tr::home_action_urgent(lang),
            tr::home_action_urgent_hint(lang),
        ),
    ];
    view! {
        <Title text=tr::home_title(lang)/>
        <h1>{tr::home_title(lang)}</h1>
        <p class="lead">{tr::home_intro(lang)}</p>
        <p class="urgent-banner">
            <strong>{tr::home_urgent_banner(lang)}</strong>" "
            <a href="/help/urgent">{tr::home_urgent_banner_link(lang)}</a>
        </p>
        <h2>{tr::home_actions_heading(lang)}</h2>
        <ul class="actions">
            {actions
                .into_iter()
                .map(|(href, id, label, hint)| {
                    view! {
                        <li>
                            <a class=format!("action action-{id}") href=href>
                                <span class="action-label">{label}</span>
                                <span class="action-hint">{hint}</span>
                            </a>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
        <h2>{tr::home_promise_heading(lang)}</h2>
        <p>{tr::home_promise_text(lang)}</p>
    }
}

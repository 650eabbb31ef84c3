//! What to do right now: emergency numbers, the hotline, and how fast help comes.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::i18n::{tr, Lang};
use crate::preferences::use_prefs;

fn call_link(lang: Lang, number: &'static str, what: &'static str) -> impl IntoView {
    view! {
        <li>
            <a class="call" href=format!("tel:{number}")>
                <span class="visually-hidden">{tr::urgent_call_label(lang)}</span>
                <span class="call-number">{number}</span>
                <span class="call-what">{what}</span>
            </a>
        </li>
    }
}

#[component]
pub fn UrgentHelpPage() -> impl IntoView {
    crate::page_cache::mark_page_shareable();
    let lang = use_prefs().lang;
    view! {
        <Title text=tr::urgent_title(lang)/>
        <h1>{tr::urgent_title(lang)}</h1>
        <p class="lead">{tr::urgent_intro(lang)}</p>
        <h2>{tr::urgent_danger_heading(lang)}</h2>
        <ul class="calls">
            {call_link(lang, "110", tr::urgent_police(lang))}
            {call_link(lang, "119", tr::urgent_fire(lang))}
            {call_link(lang, "120", tr::urgent_ambulance(lang))}
        </ul>
        <h2>{tr::urgent_hotline_heading(lang)}</h2>
        <p>{tr::urgent_hotline_text(lang)}</p>
        <ul class="calls">{call_link(lang, "12345", tr::urgent_hotline_12345(lang))}</ul>
        <p>{tr::urgent_hotline_window(lang)}</p>
        <h2>{tr::urgent_promise_heading(lang)}</h2>
        <ul class="promises">
            <li>{tr::urgent_promise_critical(lang)}</li>
            <li>{tr::urgent_promise_urgent(lang)}</li>
            <li>{tr::urgent_promise_paperwork(lang)}</li>
        </ul>
    }
}

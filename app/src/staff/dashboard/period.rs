//! The periods the dashboard can show, their labels and the form that chooses one.

use leptos::prelude::*;

use crate::i18n::{tr, Lang};

/// The periods the chooser offers, by the store's ids (`store::applications::Period`).
const PERIODS: [&str; 4] = ["30d", "90d", "365d", "all"];

pub(super) fn period_label(lang: Lang, period: &str) -> &'static str {
    match period {
        "90d" => tr::dashboard_period_90d(lang),
        "365d" => tr::dashboard_period_365d(lang),
        "all" => tr::dashboard_period_all(lang),
        _ => tr::dashboard_period_30d(lang),
    }
}

pub(super) fn period_form(lang: Lang, current: &str) -> impl IntoView {
    view! {
        <form method="get" action="/staff/dashboard" class="dash-period">
            <label for="period">{tr::dashboard_period_label(lang)}</label>
            <select id="period" name="period">
                {PERIODS.into_iter().map(|p| view! {
                    <option value=p selected={p == current}>{period_label(lang, p)}</option>
                }).collect_view()}
            </select>
            <button type="submit" class="button button-secondary">{tr::dashboard_show(lang)}</button>
        </form>
    }
}

//! The dashboard page: the whole view for those allowed, and the refusal for others.

use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;

use super::compliance::{compliance_chart, compliance_table, overdue_summary, Measure};
use super::period::{period_form, period_label};
use super::states::{legend, patterns, states_chart, states_table};
use super::{load_dashboard, DashboardAccess, DashboardData};
use crate::i18n::{format_date_time, tr, Lang};
use crate::preferences::use_prefs;

fn dashboard_view(lang: Lang, data: DashboardData) -> impl IntoView {
    let measures = [Measure::Critical, Measure::Urgent, Measure::Decisions];
    view! {
        <h1>{tr::dashboard_title(lang)}</h1>
        <p class="lead">{tr::dashboard_lead(lang)}</p>
        {period_form(lang, &data.period)}
        <p>{tr::dashboard_as_of(lang, format_date_time(lang, data.as_of))}" "{period_label(lang, &data.period)}</p>
        {overdue_summary(lang, &data)}
        {patterns()}
        <section class="dash-section" aria-labelledby="dash-states">
            <h2 id="dash-states">{tr::dashboard_states_heading(lang)}</h2>
            {legend(lang)}
            <figure class="dash-figure">{states_chart(lang, &data)}</figure>
            {states_table(lang, &data)}
        </section>
        <section class="dash-section" aria-labelledby="dash-compliance">
            <h2 id="dash-compliance">{tr::dashboard_compliance_heading(lang)}</h2>
            <p>{tr::dashboard_compliance_lead(lang)}</p>
            {measures.into_iter().map(|m| view! {
                <h3>{m.title(lang)}</h3>
                <figure class="dash-figure">{compliance_chart(lang, &data, m)}</figure>
                {compliance_table(lang, &data, m)}
            }).collect_view()}
        </section>
        <section class="dash-section" aria-labelledby="funnel">
            {crate::staff::discovery_funnel_view(lang, data.discovery.clone())}
        </section>
        <section class="dash-section" aria-labelledby="dash-referrals">
            <h2 id="dash-referrals">{tr::referral_dashboard_heading(lang)}</h2>
            <table class="table" data-referral-partners=data.referrals.len().to_string()>
                <thead><tr>
                    <th scope="col">{tr::referral_dashboard_partner(lang)}</th>
                    <th scope="col">{tr::referral_dashboard_waiting(lang)}</th>
                    <th scope="col">{tr::referral_dashboard_overdue(lang)}</th>
                    <th scope="col">{tr::referral_dashboard_helped(lang)}</th>
                    <th scope="col">{tr::referral_dashboard_declined(lang)}</th>
                    <th scope="col">{tr::referral_dashboard_amount(lang)}</th>
                </tr></thead>
                <tbody>
                    {data.referrals.iter().map(|(partner, waiting, overdue, helped, declined, fen)| view! {
                        <tr data-partner=partner.clone()>
                            <th scope="row">{partner.clone()}</th>
                            <td>{*waiting}</td>
                            <td>{*overdue}</td>
                            <td>{*helped}</td>
                            <td>{*declined}</td>
                            <td>{crate::i18n::format_yuan(*fen as f64 / 100.0)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
        <p><a href="/staff">{tr::staff_home_title(lang)}</a></p>
    }
}

fn forbidden(lang: Lang) -> AnyView {
    view! {
        <Title text=tr::dashboard_forbidden_title(lang)/>
        <h1 data-error="forbidden">{tr::dashboard_forbidden_title(lang)}</h1>
        <p>{tr::dashboard_forbidden_text(lang)}</p>
        <p><a href="/staff">{tr::staff_home_title(lang)}</a></p>
    }
    .into_any()
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    let lang = use_prefs().lang;
    let period = leptos_router::hooks::use_query_map()
        .with_untracked(|q| q.get("period").unwrap_or_default());
    let data = Resource::new_blocking(move || period.clone(), load_dashboard);
    view! {
        <crate::staff::session_warning::SessionWarning/>
        <Suspense>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(DashboardAccess::Allowed(data)) => Either::Left(view! {
                        <Title text=tr::dashboard_title(lang)/>
                        {dashboard_view(lang, *data)}
                    }),
                    _ => Either::Right(forbidden(lang)),
                }
            })}
        </Suspense>
    }
}

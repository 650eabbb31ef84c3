use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

use handbook::{ApplyRoute, Policy};

use super::{english, use_handbook};
use crate::i18n::{format_date, tr, Lang};
use crate::not_found::NotFoundPage;
use crate::preferences::use_prefs;
use crate::read_aloud::{ReadAloud, READ_ALOUD_TEXT_ID};

fn list(items: &[String]) -> impl IntoView {
    view! { <ul>{items.iter().map(|item| view! { <li>{item.clone()}</li> }).collect_view()}</ul> }
}

/// Where the policy leads: for one the portal takes (its programmes), "check if I qualify" and
/// "apply", carrying the policy along; for one applied for at a window or a department, the
/// windows that handle its department's matters; for one given without applying, what to do
/// if it did not come. Each page leads somewhere real.
fn next_steps(policy: &Policy, lang: Lang) -> impl IntoView {
    let slug = &policy.slug;
    let windows = crate::windows::windows_link(None, Some(&policy.department));
    let route = policy.apply.as_str();
    view! {
        <h2>{tr::handbook_actions_heading(lang)}</h2>
        {match policy.apply {
            ApplyRoute::Portal => view! {
                <p class="button-group" data-apply=route>
                    <a class="button" href=format!("/check?policy={slug}")>{tr::handbook_check_link(lang)}</a>
                    <a class="button button-secondary" href=format!("/apply?policy={slug}")>{tr::handbook_apply_link(lang)}</a>
                </p>
                <p><a href=windows>{tr::handbook_window_also(lang)}</a></p>
            }.into_any(),
            ApplyRoute::Window => view! {
                <p data-apply=route>{tr::handbook_apply_at_window(lang)}</p>
                <p class="button-group"><a class="button" href=windows>{tr::windows_link(lang)}</a></p>
            }.into_any(),
            ApplyRoute::Department => view! {
                <p data-apply=route>{tr::handbook_apply_at_department(lang)}</p>
                <p class="button-group"><a class="button" href=windows>{tr::windows_link(lang)}</a></p>
            }.into_any(),
            ApplyRoute::Automatic => view! {
                <p data-apply=route>{tr::handbook_apply_automatic(lang)}</p>
                <p class="button-group"><a class="button" href="/track">{tr::handbook_automatic_track(lang)}</a></p>
                <p><a href=windows>{tr::windows_link(lang)}</a></p>
            }.into_any(),
        }}
    }
}

#[component]
pub fn PolicyPage() -> impl IntoView {
    let lang = use_prefs().lang;
    let slug = use_params_map().with_untracked(|p| p.get("slug").unwrap_or_default());
    let Some(handbook) = use_handbook() else {
        return NotFoundPage().into_any();
    };
    let Some(policy) = handbook.policy(&slug) else {
        return NotFoundPage().into_any();
    };
    crate::page_cache::mark_page_shareable();
    let en = english(lang);
    let text = policy.text.get(en).clone();
    let department = handbook.department(&policy.department).cloned();
    let category = handbook
        .category(&policy.category)
        .map(|c| c.name.get(en).clone())
        .unwrap_or_default();
    view! {
        <Title text=text.title.clone()/>
        <Meta name="description" content=text.summary.clone()/>
        <p class="breadcrumb"><a href="/policies">{tr::handbook_back_to_list(lang)}</a></p>
        <ReadAloud lang=lang/>
        <article class="policy" id=READ_ALOUD_TEXT_ID>
            <p class="policy-category">{category}</p>
            <h1>{text.title.clone()}</h1>
            <p class="lead">{text.summary.clone()}</p>
            {policy.sample_figures.then(|| view! { <p class="notice">{tr::handbook_sample_figures(lang)}</p> })}
            <h2>{tr::handbook_who(lang)}</h2>
            <p>{text.who.clone()}</p>
            <h2>{tr::handbook_what_you_get(lang)}</h2>
            <p>{text.what_you_get.clone()}</p>
            <h2>{tr::handbook_conditions(lang)}</h2>
            {list(&text.conditions)}
            <h2>{tr::handbook_documents(lang)}</h2>
            {list(&text.documents)}
            <p class="hint">{tr::handbook_documents_missing_note(lang)}</p>
            <h2>{tr::handbook_how_to_apply(lang)}</h2>
            <p>{text.how_to_apply.clone()}</p>
            <h2>{tr::handbook_where_to_apply(lang)}</h2>
            <p>{text.where_to_apply.clone()}</p>
            <h2>{tr::handbook_time_limits(lang)}</h2>
            <p>{text.time_limits.clone()}</p>
            <h2>{tr::handbook_contact(lang)}</h2>
            <p>{text.contact.clone()}</p>
            {department.map(|d| view! {
                <p>
                    {tr::handbook_department_of(lang, d.name.get(en))}<br/>
                    <a href=format!("tel:{}", d.phone)>{tr::handbook_department_phone(lang, &d.phone)}</a><br/>
                    {d.address.get(en).clone()}
                    {d.contact_is_sample.then(|| view! { " "<span class="hint">{tr::handbook_sample_contact(lang)}</span> })}
                </p>
            })}
            <h2>{tr::handbook_legal_basis(lang)}</h2>
            {list(&text.legal_basis)}
            <p class="hint">{tr::handbook_last_reviewed(lang, format_date(lang, policy.last_reviewed))}</p>
        </article>
        {next_steps(policy, lang)}
    }
    .into_any()
}

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use handbook::{Handbook, PolicyQuery};

use super::instant_search::InstantSearch;
use super::{english, use_handbook};
use crate::i18n::{tr, Lang};
use crate::not_found::NotFoundPage;
use crate::preferences::use_prefs;

#[component]
pub fn PolicyListPage() -> impl IntoView {
    let lang = use_prefs().lang;
    let Some(handbook) = use_handbook() else {
        return NotFoundPage().into_any();
    };
    crate::page_cache::mark_page_shareable();
    let query = use_query_map().with_untracked(|q| PolicyQuery {
        text: q.get("q").unwrap_or_default(),
        category: q.get("category").filter(|v| !v.is_empty()),
        department: q.get("department").filter(|v| !v.is_empty()),
        situation: q.get("situation").filter(|v| !v.is_empty()),
    });
    let filtered = !query.text.trim().is_empty()
        || query.category.is_some()
        || query.department.is_some()
        || query.situation.is_some();
    let hits = handbook.search(&query);
    let en = english(lang);
    let results: Vec<_> = hits
        .iter()
        .map(|hit| {
            let policy = hit.policy;
            let text = policy.text.get(en);
            let category = handbook.category(&policy.category).map(|c| c.name.get(en).clone()).unwrap_or_default();
            let department = handbook.department(&policy.department).map(|d| d.name.get(en).clone()).unwrap_or_default();
            view! {
                <li class="policy-item">
                    <h2 class="policy-item-title"><a href=format!("/policies/{}", policy.slug)>{text.title.clone()}</a></h2>
                    <p>{text.summary.clone()}</p>
                    <p class="policy-item-meta">{category}" · "{department}</p>
                </li>
            }
        })
        .collect();
    let count = results.len();
    let form = view! { <SearchForm handbook=&handbook query=&query lang=lang filtered=filtered/> }
        .into_any();
    view! {
        <Title text=tr::handbook_title(lang)/>
        <h1>{tr::handbook_title(lang)}</h1>
        <p class="lead">{tr::handbook_intro(lang, handbook.policies.len())}</p>
        <InstantSearch>
            {form}
            <p id="results-count" class="results-count" role="status">{tr::handbook_results_count(lang, count)}</p>
            <div id="policy-results">
                {(count == 0).then(|| view! {
                    <p>{tr::handbook_no_results(lang)}</p>
                    <p><a href="/policies">{tr::handbook_show_all(lang)}</a></p>
                })}
                <ul class="policy-list">{results}</ul>
                {filtered.then(|| view! { <p><a href="/policies">{tr::handbook_show_all(lang)}</a></p> })}
            </div>
        </InstantSearch>
    }
    .into_any()
}

/// The GET form: a search box, and the filters folded away until wanted.
#[component]
fn SearchForm<'a>(
    handbook: &'a Handbook,
    query: &'a PolicyQuery,
    lang: Lang,
    filtered: bool,
) -> impl IntoView {
    let en = english(lang);
    let select = |id: &'static str,
                  label: &'static str,
                  selected: Option<String>,
                  options: Vec<(String, String)>| {
        view! {
            <div class="field">
                <label for=id>{label}</label>
                <select id=id name=id>
                    <option value="">{tr::handbook_any(lang)}</option>
                    {options
                        .into_iter()
                        .map(|(value, name)| {
                            let is_selected = selected.as_deref() == Some(value.as_str());
                            view! { <option value=value selected=is_selected>{name}</option> }
                        })
                        .collect_view()}
                </select>
            </div>
        }
    };
    let categories = handbook
        .categories
        .iter()
        .map(|c| (c.id.clone(), c.name.get(en).clone()))
        .collect();
    let departments = handbook
        .departments
        .iter()
        .map(|d| (d.id.clone(), d.name.get(en).clone()))
        .collect();
    let situations = handbook
        .life_situations
        .iter()
        .map(|s| (s.id.clone(), s.name.get(en).clone()))
        .collect();
    let any_filter =
        query.category.is_some() || query.department.is_some() || query.situation.is_some();
    view! {
        <form method="get" action="/policies" class="search-form" role="search">
            <div class="field">
                <label for="q">{tr::handbook_search_label(lang)}</label>
                <p class="hint" id="q-hint">{tr::handbook_search_hint(lang)}</p>
                <div class="search-row">
                    <input id="q" name="q" type="search" value=query.text.clone() aria-describedby="q-hint" enterkeyhint="search"/>
                    <button type="submit" class="button">{tr::handbook_search_button(lang)}</button>
                </div>
            </div>
            <details class="filters" open=any_filter>
                <summary>{tr::handbook_filters(lang)}</summary>
                {select("category", tr::handbook_category_label(lang), query.category.clone(), categories)}
                {select("department", tr::handbook_department_label(lang), query.department.clone(), departments)}
                {select("situation", tr::handbook_situation_label(lang), query.situation.clone(), situations)}
                <button type="submit" class="button button-secondary">{tr::handbook_apply_filters(lang)}</button>
            </details>
        </form>
        {(!filtered).then(|| view! {
            <nav class="category-links" aria-label=tr::handbook_categories_heading(lang)>
                <h2>{tr::handbook_categories_heading(lang)}</h2>
                <ul>
                    {handbook.categories.iter().map(|c| view! {
                        <li><a href=format!("/policies?category={}", c.id)>{c.name.get(en).clone()}</a></li>
                    }).collect_view()}
                </ul>
            </nav>
        })}
    }
}

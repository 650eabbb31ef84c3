//! `/windows`: where to go in person. The resident chooses their county and township (a plain
//! GET form, so it works without JavaScript) and sees the township's service window and its
//! village or community stations: address, opening hours, whether it is open now, the phone to
//! tap, and what each handles. `?service=` narrows to the windows that handle one department's
//! matters (the policy pages link it so). The server fills the page from `content/windows.toml`
//! (`server/src/windows.rs`); the data are samples until the bureau supplies its own.

use leptos::prelude::*;
use leptos_meta::Title;

use handbook::Localized;

use crate::i18n::{tr, Lang};
use crate::preferences::use_prefs;
use crate::read_aloud::{ReadAloud, READ_ALOUD_TEXT_ID};

pub const WINDOWS_PAGE: &str = "/windows";

/// One window as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WindowCard {
    pub name: Localized<String>,
    pub address: Localized<String>,
    pub township: String,
    pub village: Option<String>,
    pub phone: String,
    /// (day ids `mon`…, from `08:30`, to `12:00`).
    pub hours: Vec<(Vec<String>, String, String)>,
    /// The departments' names.
    pub services: Vec<Localized<String>>,
    pub open_now: bool,
}

/// The page's data.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WindowsView {
    /// The county chosen (its id), if any.
    pub county: Option<String>,
    /// The townships of the county, in the file's order.
    pub townships: Vec<String>,
    pub township: Option<String>,
    /// The department whose matters the list is narrowed to: (id, name).
    pub service: Option<(String, Localized<String>)>,
    /// That department's own contact: (phone, address, a sample).
    pub department: Option<(String, Localized<String>, bool)>,
    /// No window of the county handles the department's matters: the list is of the township
    /// windows, which take the papers and pass them on or say where to go.
    pub fallback: bool,
    pub windows: Vec<WindowCard>,
    pub sample: bool,
}

/// `/windows` with the county (and township, department) filled in.
pub fn windows_link(county: Option<&str>, service: Option<&str>) -> String {
    let mut query = Vec::new();
    if let Some(county) = county.filter(|c| !c.is_empty()) {
        query.push(format!("county={county}"));
    }
    if let Some(service) = service.filter(|s| !s.is_empty()) {
        query.push(format!("service={service}"));
    }
    if query.is_empty() {
        WINDOWS_PAGE.to_owned()
    } else {
        format!("{WINDOWS_PAGE}?{}", query.join("&"))
    }
}

fn day_label(lang: Lang, day: &str) -> &'static str {
    match day {
        "mon" => tr::windows_mon(lang),
        "tue" => tr::windows_tue(lang),
        "wed" => tr::windows_wed(lang),
        "thu" => tr::windows_thu(lang),
        "fri" => tr::windows_fri(lang),
        "sat" => tr::windows_sat(lang),
        _ => tr::windows_sun(lang),
    }
}

#[component]
pub fn WindowsPage() -> impl IntoView {
    let lang = use_prefs().lang;
    use_context::<WindowsView>().map(|page| windows_page(lang, page))
}

fn windows_page(lang: Lang, page: WindowsView) -> impl IntoView {
    let county = page.county.clone().unwrap_or_default();
    let township = page.township.clone().unwrap_or_default();
    let en = lang == Lang::En;
    let service = page
        .service
        .clone()
        .map(|(id, name)| (id, name.get(en).clone()));
    let heading = match (&page.township, &page.county) {
        (Some(t), Some(c)) => {
            tr::windows_of_township(lang, crate::counties::county_name_of(lang, c), t.clone())
        }
        (None, Some(c)) => tr::windows_of_county(lang, crate::counties::county_name_of(lang, c)),
        _ => tr::windows_title(lang).to_owned(),
    };
    let count = page.windows.len().to_string();
    view! {
        <Title text=tr::windows_title(lang)/>
        <h1>{tr::windows_title(lang)}</h1>
        <p class="lead">{tr::windows_lead(lang)}</p>
        {page.sample.then(|| view! { <p class="notice" data-sample="windows">{tr::windows_sample(lang)}</p> })}
        {service.as_ref().map(|(_, name)| view! { <p class="notice" data-service="">{tr::windows_for_service(lang, name.clone())}</p> })}
        {page.department.clone().zip(service.clone()).map(|((phone, address, sample), (_, name))| view! {
            <section class="window-card" data-department="">
                <h2>{tr::windows_department(lang, name)}</h2>
                <p><a class="tel" href=format!("tel:{phone}")>{tr::windows_call(lang, phone.clone())}</a></p>
                <p>{address.get(en).clone()}</p>
                {sample.then(|| view! { <p class="hint">{tr::windows_sample(lang)}</p> })}
            </section>
        })}
        <form method="get" action=WINDOWS_PAGE class="form">
            {service.as_ref().map(|(id, _)| view! { <input type="hidden" name="service" value=id.clone()/> })}
            <div class="field">
                <label for="county">{tr::windows_county(lang)}</label>
                <select id="county" name="county">
                    <option value="">{tr::windows_county_choose(lang)}</option>
                    {casework::County::ALL.iter().map(|c| view! {
                        <option value=c.id() selected=county == c.id()>{crate::counties::county_name(lang, *c)}</option>
                    }).collect_view()}
                </select>
            </div>
            {(!page.townships.is_empty()).then(|| view! {
                <div class="field">
                    <label for="township">{tr::windows_township(lang)}</label>
                    <p class="hint" id="township-hint">{tr::windows_township_hint(lang)}</p>
                    <select id="township" name="township" aria-describedby="township-hint">
                        <option value="">{tr::windows_township_all(lang)}</option>
                        {page.townships.iter().map(|t| view! {
                            <option value=t.clone() selected=township == *t>{t.clone()}</option>
                        }).collect_view()}
                    </select>
                </div>
            })}
            <button type="submit" class="button">{tr::windows_find(lang)}</button>
        </form>
        {page.county.is_some().then(|| view! {
            <ReadAloud lang=lang/>
            <section id=READ_ALOUD_TEXT_ID data-windows=count.clone()>
                <h2>{heading}</h2>
                {page.windows.is_empty().then(|| view! { <p>{tr::windows_none(lang)}</p> })}
                {page.fallback.then(|| view! { <p class="notice" data-fallback="">{tr::windows_fallback(lang)}</p> })}
                {page.windows.into_iter().map(|w| card(lang, w)).collect_view()}
            </section>
        })}
    }
}

fn card(lang: Lang, w: WindowCard) -> impl IntoView {
    let en = lang == Lang::En;
    let place = match &w.village {
        Some(village) => format!("{} {}", w.township, village),
        None => w.township.clone(),
    };
    let sep = tr::check_list_separator(lang);
    view! {
        <article class="window-card" data-township=w.township.clone() data-village=w.village.clone().unwrap_or_default()>
            <h3>{w.name.get(en).clone()}</h3>
            <p class="hint">{place}</p>
            <p><strong>{if w.open_now { tr::windows_open_now(lang) } else { tr::windows_closed_now(lang) }}</strong></p>
            <dl class="summary-list">
                <div><dt>{tr::windows_address(lang)}</dt><dd>{w.address.get(en).clone()}</dd></div>
                <div><dt>{tr::windows_hours(lang)}</dt><dd>
                    <ul class="plain">
                        {w.hours.iter().map(|(days, from, to)| {
                            let days = days.iter().map(|d| day_label(lang, d)).collect::<Vec<_>>().join(sep);
                            view! { <li>{tr::windows_hours_line(lang, days, format!("{from}–{to}"))}</li> }
                        }).collect_view()}
                    </ul>
                </dd></div>
                <div><dt>{tr::windows_phone(lang)}</dt><dd><a class="tel" href=format!("tel:{}", w.phone)>{tr::windows_call(lang, w.phone.clone())}</a></dd></div>
                <div><dt>{tr::windows_services(lang)}</dt><dd>{w.services.iter().map(|s| s.get(en).as_str()).collect::<Vec<_>>().join(sep)}</dd></div>
            </dl>
        </article>
    }
}

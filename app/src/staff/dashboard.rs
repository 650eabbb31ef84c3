//! The supervisors' dashboard: cases by county and stage, and how the deadlines were kept, as
//! charts drawn on the server in SVG (no script), each with the same figures as a table below it.
//! Every bar carries its number as text; stages differ by pattern as well as colour.

use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

use crate::counties::county_name;
use crate::i18n::{format_date_time, tr, Lang};
use crate::preferences::use_prefs;
use crate::track::status_label;

/// The periods the chooser offers, by the store's ids (`store::applications::Period`).
const PERIODS: [&str; 4] = ["30d", "90d", "365d", "all"];

/// One deadline's figures: done on time, missed, and of the missed those still open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Share {
    pub on_time: i64,
    pub missed: i64,
    pub overdue: i64,
    /// Whole percent on time, `None` when nothing can be measured yet.
    pub percent: Option<i64>,
}

impl Share {
    fn measured(&self) -> i64 {
        self.on_time + self.missed
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FiguresRow {
    /// Cases per state id, every state in the workflow's order.
    pub cases: Vec<(String, i64)>,
    pub critical: Share,
    pub urgent: Share,
    pub decisions: Share,
}

impl FiguresRow {
    fn total(&self) -> i64 {
        self.cases.iter().map(|(_, n)| n).sum()
    }

    fn in_group(&self, group: Group) -> i64 {
        self.cases
            .iter()
            .filter(|(s, _)| group_of(s) == group)
            .map(|(_, n)| n)
            .sum()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardData {
    pub period: String,
    pub as_of: i64,
    /// The viewer's own county id, highlighted.
    pub own_county: String,
    /// (county id, figures), every county in the official order.
    pub counties: Vec<(String, FiguresRow)>,
    pub total: FiguresRow,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum DashboardAccess {
    Forbidden,
    Allowed(Box<DashboardData>),
}

#[cfg(feature = "ssr")]
mod ssr {
    use store::applications::{Compliance, Dashboard, Figures};

    use super::{DashboardData, FiguresRow, Share};

    fn share(c: &Compliance) -> Share {
        Share {
            on_time: c.on_time,
            missed: c.missed,
            overdue: c.overdue,
            percent: c.percent_on_time(),
        }
    }

    fn row(f: &Figures) -> FiguresRow {
        FiguresRow {
            cases: f
                .cases
                .iter()
                .map(|(s, n)| (s.as_str().to_owned(), *n))
                .collect(),
            critical: share(&f.critical),
            urgent: share(&f.urgent),
            decisions: share(&f.decisions),
        }
    }

    pub fn data(dashboard: &Dashboard, own_county: store::County) -> DashboardData {
        DashboardData {
            period: dashboard.period.as_str().to_owned(),
            as_of: dashboard.as_of.unix_timestamp(),
            own_county: own_county.id().to_owned(),
            counties: dashboard
                .counties
                .iter()
                .map(|(c, f)| (c.id().to_owned(), row(f)))
                .collect(),
            total: row(&dashboard.total),
        }
    }
}

/// The dashboard for a supervisor or an administrator; others are sent to sign in or refused (403).
#[server(endpoint = "staff/dashboard")]
pub async fn load_dashboard(period: String) -> Result<DashboardAccess, ServerFnError> {
    use store::applications::{DashboardError, Period};
    let store = use_context::<store::Store>().ok_or_else(|| ServerFnError::new("store missing"))?;
    let session = leptos_axum::extract::<tower_sessions::Session>().await?;
    let staff = super::session::current_staff(&session, &store)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "could not read the staff session");
            ServerFnError::new("session")
        })?;
    let Some(staff) = staff else {
        leptos_axum::redirect("/staff/login");
        return Ok(DashboardAccess::Forbidden);
    };
    let period = Period::parse(&period).unwrap_or_default();
    match store.dashboard(&staff, period).await {
        Ok(dashboard) => Ok(DashboardAccess::Allowed(Box::new(ssr::data(
            &dashboard,
            staff.county,
        )))),
        Err(DashboardError::NotAllowed) => {
            if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
                response.set_status(http::StatusCode::FORBIDDEN);
            }
            Ok(DashboardAccess::Forbidden)
        }
        Err(e) => {
            tracing::error!(error = %e, "could not read the dashboard");
            Err(ServerFnError::new("dashboard"))
        }
    }
}

/// The stages the chart colours, each a few of the workflow's states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Group {
    Waiting,
    InProgress,
    Decided,
    Emergency,
    Closed,
}

const GROUPS: [Group; 5] = [
    Group::Waiting,
    Group::InProgress,
    Group::Decided,
    Group::Emergency,
    Group::Closed,
];

fn group_of(state: &str) -> Group {
    match state {
        "submitted" | "needs_documents" => Group::Waiting,
        "approved" | "rejected" | "paying" => Group::Decided,
        "advance_paid" => Group::Emergency,
        "closed" | "withdrawn" | "referred" => Group::Closed,
        _ => Group::InProgress,
    }
}

impl Group {
    fn label(self, lang: Lang) -> &'static str {
        match self {
            Group::Waiting => tr::dashboard_group_waiting(lang),
            Group::InProgress => tr::dashboard_group_in_progress(lang),
            Group::Decided => tr::dashboard_group_decided(lang),
            Group::Emergency => tr::dashboard_group_emergency(lang),
            Group::Closed => tr::dashboard_group_closed(lang),
        }
    }

    /// The pattern (defined once in [`patterns`]) that fills its bars and its key swatch.
    fn fill(self) -> &'static str {
        match self {
            Group::Waiting => "url(#dash-waiting)",
            Group::InProgress => "url(#dash-in-progress)",
            Group::Decided => "url(#dash-decided)",
            Group::Emergency => "url(#dash-emergency)",
            Group::Closed => "url(#dash-closed)",
        }
    }
}

/// The chart coordinate system: this many units wide, scaled to the page's width.
const WIDTH: i64 = 340;

fn period_label(lang: Lang, period: &str) -> &'static str {
    match period {
        "90d" => tr::dashboard_period_90d(lang),
        "365d" => tr::dashboard_period_365d(lang),
        "all" => tr::dashboard_period_all(lang),
        _ => tr::dashboard_period_30d(lang),
    }
}

/// The county's name, marked as the viewer's own in words (not only by the highlight).
fn county_label(lang: Lang, county: &str, own: &str) -> String {
    let name = county_name(lang, county);
    if county == own {
        tr::dashboard_own_county(lang, name)
    } else {
        name.to_owned()
    }
}

/// The fill patterns of the stages, defined once for every chart and key on the page: stripes,
/// solid, dots, cross-hatch and plain light, so they differ without colour too.
fn patterns() -> impl IntoView {
    view! {
        <svg class="dash-defs" width="0" height="0" aria-hidden="true" focusable="false">
            <defs>
                <pattern id="dash-waiting" width="8" height="8" patternUnits="userSpaceOnUse">
                    <rect class="dash-paper" width="8" height="8"/>
                    <path class="dash-stroke-brand" d="M-2,2 L2,-2 M0,8 L8,0 M6,10 L10,6"/>
                </pattern>
                <pattern id="dash-in-progress" width="8" height="8" patternUnits="userSpaceOnUse">
                    <rect class="dash-ink-brand" width="8" height="8"/>
                </pattern>
                <pattern id="dash-decided" width="8" height="8" patternUnits="userSpaceOnUse">
                    <rect class="dash-paper" width="8" height="8"/>
                    <circle class="dash-ink-dark" cx="4" cy="4" r="2.5"/>
                </pattern>
                <pattern id="dash-emergency" width="8" height="8" patternUnits="userSpaceOnUse">
                    <rect class="dash-paper" width="8" height="8"/>
                    <path class="dash-stroke-urgent" d="M0,0 L8,8 M8,0 L0,8"/>
                </pattern>
                <pattern id="dash-closed" width="8" height="8" patternUnits="userSpaceOnUse">
                    <rect class="dash-ink-light" width="8" height="8"/>
                </pattern>
            </defs>
        </svg>
    }
}

fn legend(lang: Lang) -> impl IntoView {
    view! {
        <p class="dash-legend-title">{tr::dashboard_legend(lang)}</p>
        <ul class="dash-legend">
            {GROUPS.into_iter().map(|g| view! {
                <li>
                    <svg class="dash-swatch" viewBox="0 0 20 20" aria-hidden="true" focusable="false">
                        <rect class="dash-segment" x="1" y="1" width="18" height="18" fill=g.fill()/>
                    </svg>
                    {g.label(lang)}
                </li>
            }).collect_view()}
        </ul>
    }
}

/// One block per county: its name and total, a bar in stage segments (scaled to the largest
/// county), and under it each stage's number beside its swatch, in the key's order.
fn states_chart(lang: Lang, data: &DashboardData) -> impl IntoView {
    const BLOCK: i64 = 76;
    let largest = data
        .counties
        .iter()
        .map(|(_, f)| f.total())
        .max()
        .unwrap_or(0)
        .max(1);
    let height = BLOCK * data.counties.len() as i64;
    let cell = WIDTH / GROUPS.len() as i64;
    let blocks = data
        .counties
        .iter()
        .enumerate()
        .map(|(i, (county, figures))| {
            let top = i as i64 * BLOCK;
            let own = *county == data.own_county;
            let mut x = 0;
            let segments = GROUPS
                .into_iter()
                .filter_map(|g| {
                    let n = figures.in_group(g);
                    let width = n * WIDTH / largest;
                    let start = x;
                    x += width;
                    (n > 0).then(|| {
                        view! {
                            <rect class="dash-segment" x=start.to_string() y=(top + 26).to_string()
                                width=width.max(2).to_string() height="20" fill=g.fill()/>
                        }
                    })
                })
                .collect_view();
            let numbers = GROUPS
                .into_iter()
                .enumerate()
                .map(|(j, g)| {
                    let left = j as i64 * cell;
                    view! {
                        <rect class="dash-segment" x=left.to_string() y=(top + 53).to_string()
                            width="16" height="16" fill=g.fill()/>
                        <text class="dash-number" x=(left + 21).to_string() y=(top + 67).to_string()>
                            {figures.in_group(g).to_string()}
                        </text>
                    }
                })
                .collect_view();
            view! {
                {own.then(|| view! {
                    <rect class="dash-own" x="0" y=top.to_string() width=WIDTH.to_string()
                        height=(BLOCK - 4).to_string()/>
                })}
                <text class="dash-label" class:dash-label-own=own x="2" y=(top + 19).to_string()>
                    {county_label(lang, county, &data.own_county)}
                </text>
                <text class="dash-label" x=(WIDTH - 2).to_string() y=(top + 19).to_string() text-anchor="end">
                    {tr::dashboard_cases_total(lang, figures.total())}
                </text>
                <rect class="dash-track" x="0" y=(top + 26).to_string() width=WIDTH.to_string() height="20"/>
                {segments}
                {numbers}
            }
        })
        .collect_view();
    view! {
        <svg class="dash-chart" viewBox=format!("0 0 {WIDTH} {height}") role="img"
            aria-label=tr::dashboard_states_chart_label(lang)>
            {blocks}
        </svg>
    }
}

/// Every state's number per county, the states grouped under their stage.
fn states_table(lang: Lang, data: &DashboardData) -> impl IntoView {
    let columns: Vec<(Group, Vec<String>)> = GROUPS
        .into_iter()
        .map(|g| {
            (
                g,
                data.total
                    .cases
                    .iter()
                    .map(|(s, _)| s.clone())
                    .filter(|s| group_of(s) == g)
                    .collect(),
            )
        })
        .collect();
    let ordered: Vec<String> = columns.iter().flat_map(|(_, s)| s.clone()).collect();
    let cells = |figures: &FiguresRow| {
        ordered
            .iter()
            .map(|state| {
                let n = figures
                    .cases
                    .iter()
                    .find(|(s, _)| s == state)
                    .map_or(0, |(_, n)| *n);
                view! { <td>{n.to_string()}</td> }
            })
            .collect_view()
    };
    let rows = data
        .counties
        .iter()
        .map(|(county, figures)| {
            let own = *county == data.own_county;
            view! {
                <tr class:dash-row-own=own>
                    <th scope="row">{county_label(lang, county, &data.own_county)}</th>
                    {cells(figures)}
                    <td>{figures.total().to_string()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="dash-table-scroll" role="region" aria-labelledby="dash-states-caption" tabindex="0">
            <table class="dash-table">
                <caption id="dash-states-caption">{tr::dashboard_states_caption(lang)}</caption>
                <colgroup span="1"></colgroup>
                {columns.iter().map(|(_, states)| view! { <colgroup span=states.len().to_string()></colgroup> }).collect_view()}
                <colgroup span="1"></colgroup>
                <thead>
                    <tr>
                        <td></td>
                        {columns.iter().map(|(g, states)| view! {
                            <th scope="colgroup" colspan=states.len().to_string()>{g.label(lang)}</th>
                        }).collect_view()}
                        <td></td>
                    </tr>
                    <tr>
                        <th scope="col">{tr::dashboard_county_column(lang)}</th>
                        {ordered.iter().map(|s| view! { <th scope="col">{status_label(lang, s)}</th> }).collect_view()}
                        <th scope="col">{tr::dashboard_total_column(lang)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
                <tfoot>
                    <tr>
                        <th scope="row">{tr::dashboard_total(lang)}</th>
                        {cells(&data.total)}
                        <td>{data.total.total().to_string()}</td>
                    </tr>
                </tfoot>
            </table>
        </div>
    }
}

#[derive(Clone, Copy)]
enum Measure {
    Critical,
    Urgent,
    Decisions,
}

impl Measure {
    fn title(self, lang: Lang) -> &'static str {
        match self {
            Measure::Critical => tr::dashboard_critical(lang),
            Measure::Urgent => tr::dashboard_urgent(lang),
            Measure::Decisions => tr::dashboard_decisions(lang),
        }
    }

    fn of(self, figures: &FiguresRow) -> Share {
        match self {
            Measure::Critical => figures.critical,
            Measure::Urgent => figures.urgent,
            Measure::Decisions => figures.decisions,
        }
    }

    fn id(self) -> &'static str {
        match self {
            Measure::Critical => "critical",
            Measure::Urgent => "urgent",
            Measure::Decisions => "decisions",
        }
    }
}

/// The rows of a compliance chart or table: all counties together first, then each county.
fn compliance_rows(lang: Lang, data: &DashboardData) -> Vec<(String, bool, &FiguresRow)> {
    std::iter::once((tr::dashboard_total(lang).to_owned(), false, &data.total))
        .chain(data.counties.iter().map(|(county, figures)| {
            (
                county_label(lang, county, &data.own_county),
                *county == data.own_county,
                figures,
            )
        }))
        .collect()
}

/// One row per county: its name, then a bar of the share on time with the figures beside it.
fn compliance_chart(lang: Lang, data: &DashboardData, measure: Measure) -> impl IntoView {
    const ROW: i64 = 54;
    const BAR: i64 = 180;
    let rows = compliance_rows(lang, data);
    let height = ROW * rows.len() as i64;
    let bars = rows
        .into_iter()
        .enumerate()
        .map(|(i, (label, own, figures))| {
            let top = i as i64 * ROW;
            let share = measure.of(figures);
            let (width, figure) = match share.percent {
                Some(percent) => (
                    percent * BAR / 100,
                    tr::dashboard_bar_figure(lang, percent, share.on_time, share.measured()),
                ),
                None => (0, tr::dashboard_none_measured(lang).to_owned()),
            };
            view! {
                {own.then(|| view! {
                    <rect class="dash-own" x="0" y=top.to_string() width=WIDTH.to_string() height=(ROW - 4).to_string()/>
                })}
                <text class="dash-label" class:dash-label-own=own x="2" y=(top + 19).to_string()>{label}</text>
                <rect class="dash-track" x="0" y=(top + 26).to_string() width=BAR.to_string() height="20"/>
                <rect class="dash-bar" x="0" y=(top + 26).to_string() width=width.to_string() height="20"/>
                <text class="dash-number" x=(BAR + 8).to_string() y=(top + 42).to_string()>{figure}</text>
            }
        })
        .collect_view();
    view! {
        <svg class="dash-chart" viewBox=format!("0 0 {WIDTH} {height}") role="img"
            aria-label=tr::dashboard_compliance_chart_label(lang, measure.title(lang))>
            {bars}
        </svg>
    }
}

fn compliance_table(lang: Lang, data: &DashboardData, measure: Measure) -> impl IntoView {
    let caption = format!("dash-{}-caption", measure.id());
    let labelled_by = caption.clone();
    let rows = compliance_rows(lang, data)
        .into_iter()
        .map(|(label, own, figures)| {
            let share = measure.of(figures);
            let percent = share.percent.map_or_else(
                || tr::dashboard_no_share(lang).to_owned(),
                |p| tr::dashboard_percent(lang, p),
            );
            view! {
                <tr class:dash-row-own=own>
                    <th scope="row">{label}</th>
                    <td>{share.on_time.to_string()}</td>
                    <td>{share.missed.to_string()}</td>
                    <td>{percent}</td>
                    <td>{share.overdue.to_string()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="dash-table-scroll" role="region" aria-labelledby=labelled_by tabindex="0">
            <table class="dash-table">
                <caption id=caption>{tr::dashboard_compliance_caption(lang, measure.title(lang))}</caption>
                <thead>
                    <tr>
                        <th scope="col">{tr::dashboard_county_column(lang)}</th>
                        <th scope="col">{tr::dashboard_on_time_column(lang)}</th>
                        <th scope="col">{tr::dashboard_missed_column(lang)}</th>
                        <th scope="col">{tr::dashboard_share_column(lang)}</th>
                        <th scope="col">{tr::dashboard_overdue_column(lang)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// What can still be done now: the overdue counts of the viewer's county and of all.
fn overdue_summary(lang: Lang, data: &DashboardData) -> impl IntoView {
    let own = data
        .counties
        .iter()
        .find(|(c, _)| *c == data.own_county)
        .map(|(_, f)| f.clone());
    view! {
        <h2>{tr::dashboard_overdue_heading(lang)}</h2>
        <p>{tr::dashboard_overdue_lead(lang)}</p>
        <dl class="summary-list dash-overdue">
            {[Measure::Critical, Measure::Urgent, Measure::Decisions].into_iter().map(|m| {
                let mine = own.as_ref().map_or(0, |f| m.of(f).overdue);
                view! {
                    <div>
                        <dt>{m.title(lang)}</dt>
                        <dd>
                            {tr::dashboard_overdue_own(lang, mine)}" · "
                            {tr::dashboard_overdue_all(lang, m.of(&data.total).overdue)}
                        </dd>
                    </div>
                }
            }).collect_view()}
        </dl>
    }
}

fn period_form(lang: Lang, current: &str) -> impl IntoView {
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
        <p><a href="/staff">{tr::staff_home_title(lang)}</a></p>
    }
}

fn forbidden(lang: Lang) -> AnyView {
    view! {
        <Title text=tr::dashboard_forbidden_title(lang)/>
        <h1>{tr::dashboard_forbidden_title(lang)}</h1>
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
        <super::session_warning::SessionWarning/>
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

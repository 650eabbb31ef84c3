//! The cases by county and stage: the stages, their fill patterns and key, the chart and the table.

use casework::CaseState;
use leptos::prelude::*;

use super::{county_label, DashboardData, FiguresRow, WIDTH};
use crate::i18n::{tr, Lang};
use crate::track::status_label;

/// The stages the chart colours, each a few of the workflow's states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Group {
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

pub(super) fn group_of(state: CaseState) -> Group {
    use CaseState as S;
    match state {
        S::Submitted | S::NeedsDocuments => Group::Waiting,
        S::Approved | S::Rejected | S::Paying => Group::Decided,
        S::AdvancePaid => Group::Emergency,
        S::Closed | S::Withdrawn | S::Referred => Group::Closed,
        S::Accepted
        | S::Verifying
        | S::HomeVisit
        | S::Review
        | S::PublicNotice
        | S::Deliberation => Group::InProgress,
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

/// The fill patterns of the stages, defined once for every chart and key on the page: stripes,
/// solid, dots, cross-hatch and plain light, so they differ without colour too.
pub(super) fn patterns() -> impl IntoView {
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

pub(super) fn legend(lang: Lang) -> impl IntoView {
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
pub(super) fn states_chart(lang: Lang, data: &DashboardData) -> impl IntoView {
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
                <text class="dash-label" x=(WIDTH - 2).to_string() y=(top + 19).to_string() text-anchor="end"
                    data-county=county.clone() data-total=figures.total()>
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
pub(super) fn states_table(lang: Lang, data: &DashboardData) -> impl IntoView {
    let columns: Vec<(Group, Vec<CaseState>)> = GROUPS
        .into_iter()
        .map(|g| {
            (
                g,
                data.total
                    .cases
                    .iter()
                    .map(|(s, _)| *s)
                    .filter(|s| group_of(*s) == g)
                    .collect(),
            )
        })
        .collect();
    let ordered: Vec<CaseState> = columns.iter().flat_map(|(_, s)| s.clone()).collect();
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
                        {ordered.iter().map(|s| view! { <th scope="col">{status_label(lang, *s)}</th> }).collect_view()}
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

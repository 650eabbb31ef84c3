//! How the deadlines were kept: the measures, their charts and tables, and the overdue summary.

use leptos::prelude::*;

use super::{county_label, DashboardData, FiguresRow, Share, WIDTH};
use crate::i18n::{tr, Lang};

#[derive(Clone, Copy)]
pub(super) enum Measure {
    Critical,
    Urgent,
    Decisions,
}

impl Measure {
    pub(super) fn title(self, lang: Lang) -> &'static str {
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
pub(super) fn compliance_chart(
    lang: Lang,
    data: &DashboardData,
    measure: Measure,
) -> impl IntoView {
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

pub(super) fn compliance_table(
    lang: Lang,
    data: &DashboardData,
    measure: Measure,
) -> impl IntoView {
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
pub(super) fn overdue_summary(lang: Lang, data: &DashboardData) -> impl IntoView {
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
                        <dd data-measure=m.id() data-overdue-own=mine>
                            {tr::dashboard_overdue_own(lang, mine)}" · "
                            {tr::dashboard_overdue_all(lang, m.of(&data.total).overdue)}
                        </dd>
                    </div>
                }
            }).collect_view()}
        </dl>
    }
}

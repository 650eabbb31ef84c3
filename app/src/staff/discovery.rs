//! `/staff/discovery`: proactive discovery (主动发现) for staff. Department files are uploaded and
//! runs started (with their progress, the page refreshing itself while work goes on, so it works
//! without JavaScript); caseworkers find the visit lists by township and village, read a
//! candidate's evidence and record the visit; supervisors see the funnel from record to approval
//! and download it. The server prepares every page (`server/src/discovery/pages.rs`); every form
//! is a plain post. `/stop` is the resident's page that stops the 主动告知 text messages.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use rules::{Check, ProgrammeId};

use crate::form_fields::{coded_error_summary, hint_and_problem, SummaryLine};
use crate::i18n::{format_date_time, format_yuan, tr, Lang};
use crate::preferences::use_prefs;
use crate::self_check::{check_sentence, met_label, programme_name};

/// The overview: uploads, runs, the places with visits and (for supervisors) the funnel.
pub const DISCOVERY_PAGE: &str = "/staff/discovery";
/// `POST` a file here; `GET /staff/discovery/imports/{id}` is its report.
pub const DISCOVERY_IMPORTS: &str = "/staff/discovery/imports";
/// `POST` here starts a run.
pub const DISCOVERY_RUNS: &str = "/staff/discovery/runs";
/// `GET ?name=TOWNSHIP`: the visit list of a township.
pub const DISCOVERY_TOWNSHIP: &str = "/staff/discovery/township";
/// `GET /{id}`: a candidate and its evidence; `POST /{id}` records the visit.
pub const DISCOVERY_CANDIDATES: &str = "/staff/discovery/candidates";
/// The funnel as CSV.
pub const DISCOVERY_FUNNEL_CSV: &str = "/staff/discovery/funnel.csv";
/// The resident's page that stops the 主动告知 messages.
pub const STOP_PAGE: &str = "/stop";

/// The forms' field names, shared with the server that reads them.
pub mod discovery_field {
    pub const KIND: &str = "kind";
    pub const FILE: &str = "file";
    pub const OUTCOME: &str = "outcome";
    pub const NOTE: &str = "note";
    pub const CODE: &str = "code";
}

/// An import as the pages list it.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportRow {
    pub id: i64,
    /// The kind's id (`household_register`, …).
    pub kind: String,
    pub file_name: String,
    pub started_at: i64,
    /// `running`, `done`, `failed` or `interrupted`.
    pub state: String,
    pub rows_read: u64,
    pub accepted: u64,
    pub refused: u64,
    pub changed: u64,
    pub repaired: u64,
    pub match_rate: f64,
}

/// A run as the page lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct RunRow {
    pub id: i64,
    pub started_at: i64,
    pub state: String,
    pub stage: String,
    pub progress: u64,
    pub total: u64,
    pub households: u64,
    pub likely: u64,
    pub new: u64,
    pub refreshed: u64,
    pub suppressed: u64,
    pub notified: u64,
}

/// Visits in one place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceRow {
    pub township: String,
    pub village: String,
    pub open: u64,
    pub overdue: u64,
    pub visited: u64,
}

/// One line of the funnel.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FunnelLine {
    pub imported: u64,
    pub matched: u64,
    pub candidates: u64,
    pub visited: u64,
    pub confirmed: u64,
    pub refuted: u64,
    pub applied: u64,
    pub approved: u64,
    pub precision: Option<f64>,
}

/// The funnel of the county.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FunnelView {
    pub total: FunnelLine,
    /// (kind id, line)
    pub by_source: Vec<(String, FunnelLine)>,
    pub by_programme: Vec<(ProgrammeId, FunnelLine)>,
}

#[cfg(feature = "ssr")]
impl FunnelLine {
    pub fn from_store(row: &store::discovery::FunnelRow) -> FunnelLine {
        FunnelLine {
            imported: row.imported,
            matched: row.matched,
            candidates: row.candidates,
            visited: row.visited,
            confirmed: row.confirmed,
            refuted: row.refuted,
            applied: row.applied,
            approved: row.approved,
            precision: row.precision(),
        }
    }
}

#[cfg(feature = "ssr")]
impl FunnelView {
    pub fn from_store(funnel: &store::discovery::Funnel) -> FunnelView {
        FunnelView {
            total: FunnelLine::from_store(&funnel.total),
            by_source: funnel
                .by_source
                .iter()
                .map(|(kind, row)| (kind.as_str().to_owned(), FunnelLine::from_store(row)))
                .collect(),
            by_programme: funnel
                .by_programme
                .iter()
                .map(|(programme, row)| (*programme, FunnelLine::from_store(row)))
                .collect(),
        }
    }
}

/// The overview as the server prepared it.
#[derive(Debug, Clone, PartialEq)]
pub struct DiscoveryOverview {
    pub county: String,
    /// The kinds of file, in order (ids).
    pub kinds: Vec<String>,
    pub imports: Vec<ImportRow>,
    pub runs: Vec<RunRow>,
    pub places: Vec<PlaceRow>,
    pub funnel: Option<FunnelView>,
    /// The upload form's problem code, when it was refused (`choose_kind`, `choose_file`,
    /// `not_csv_or_xlsx`, `too_large`, `busy`).
    pub upload_problem: Option<String>,
    /// A run was asked for while another goes on.
    pub run_busy: bool,
}

/// An import's report.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportReportPage {
    pub import: ImportRow,
    pub refused_by_reason: Vec<(String, u64)>,
    /// (row, column, problem code)
    pub refused_lines: Vec<(u64, String, String)>,
    pub file_problem: Option<String>,
}

/// A household on a visit list.
#[derive(Debug, Clone, PartialEq)]
pub struct VisitRow {
    pub id: i64,
    pub village: String,
    pub name: String,
    pub programme: ProgrammeId,
    pub score: u8,
    pub due_at: i64,
    pub overdue: bool,
    pub outcome: Option<String>,
}

/// A township's visit list.
#[derive(Debug, Clone, PartialEq)]
pub struct TownshipPage {
    pub township: String,
    pub lines: Vec<VisitRow>,
}

/// A member as the candidate page shows them.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberRow {
    pub name: String,
    pub relation: String,
    pub age: u8,
    pub concerned: bool,
}

/// A candidate with its evidence and the visit form.
#[derive(Debug, Clone, PartialEq)]
pub struct CandidatePage {
    pub id: i64,
    pub township: String,
    pub village: String,
    pub address: String,
    pub programme: ProgrammeId,
    pub eligible: Vec<ProgrammeId>,
    pub monthly_amount: Option<i64>,
    pub score: u8,
    pub standards_year: i64,
    pub found_at: i64,
    pub due_at: i64,
    pub overdue: bool,
    pub notified_at: Option<i64>,
    pub members: Vec<MemberRow>,
    /// (member name, kind id, record id, day `YYYY-MM-DD`)
    pub records: Vec<(String, String, String, String)>,
    /// The recommended programme's checks.
    pub checks: Vec<Check>,
    pub outcome: Option<String>,
    pub outcome_note: Option<String>,
    pub outcome_at: Option<i64>,
    /// The evidence was erased at the end of the retention period.
    pub erased: bool,
    /// A refused visit form: its problem code (`choose_outcome`, `reason_needed`, `too_long`,
    /// `already_recorded`) and what was typed.
    pub problem: Option<String>,
    pub note: String,
}

/// The stop page: done, or its problem (`enter_code`, `unknown_code`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StopPage {
    pub done: bool,
    pub problem: Option<String>,
}

/// The outcomes a visit can record, in the order the form offers them.
pub const OUTCOMES: [&str; 4] = ["applied", "not_eligible", "declined", "not_found"];

/// A kind of department file, as staff read it.
pub fn kind_label(lang: Lang, kind: &str) -> &'static str {
    match kind {
        "household_register" => tr::discovery_kind_household_register(lang),
        "deaths" => tr::discovery_kind_deaths(lang),
        "disability" => tr::discovery_kind_disability(lang),
        "serious_illness" => tr::discovery_kind_serious_illness(lang),
        "medical_costs" => tr::discovery_kind_medical_costs(lang),
        "unemployment" => tr::discovery_kind_unemployment(lang),
        "pensions" => tr::discovery_kind_pensions(lang),
        "wages" => tr::discovery_kind_wages(lang),
        "vehicles" => tr::discovery_kind_vehicles(lang),
        "real_estate" => tr::discovery_kind_real_estate(lang),
        "business" => tr::discovery_kind_business(lang),
        "students" => tr::discovery_kind_students(lang),
        _ => tr::discovery_kind_rural_monitoring(lang),
    }
}

/// A visit's outcome, as staff read it.
pub fn outcome_label(lang: Lang, outcome: &str) -> &'static str {
    match outcome {
        "applied" => tr::discovery_outcome_applied(lang),
        "not_eligible" => tr::discovery_outcome_not_eligible(lang),
        "declined" => tr::discovery_outcome_declined(lang),
        _ => tr::discovery_outcome_not_found(lang),
    }
}

/// Why a row was refused, in words a department's clerk reads.
pub fn reason_label(lang: Lang, code: &str) -> &'static str {
    match code {
        "missing" => tr::discovery_reason_missing(lang),
        "not_in_list" => tr::discovery_reason_not_in_list(lang),
        "too_long" => tr::discovery_reason_too_long(lang),
        "format" => tr::discovery_reason_format(lang),
        "not_a_number" => tr::discovery_reason_not_a_number(lang),
        "not_a_whole_number" => tr::discovery_reason_not_a_whole_number(lang),
        "below_minimum" => tr::discovery_reason_below_minimum(lang),
        "above_maximum" => tr::discovery_reason_above_maximum(lang),
        "not_a_date" => tr::discovery_reason_not_a_date(lang),
        "not_a_month" => tr::discovery_reason_not_a_month(lang),
        "id_format" => tr::discovery_reason_id_format(lang),
        "id_checksum" => tr::discovery_reason_id_checksum(lang),
        "id_mangled_by_excel" => tr::discovery_reason_id_mangled_by_excel(lang),
        _ => tr::discovery_reason_duplicate_record(lang),
    }
}

fn state_label(lang: Lang, state: &str) -> &'static str {
    match state {
        "running" => tr::discovery_state_running(lang),
        "done" => tr::discovery_state_done(lang),
        "interrupted" => tr::discovery_state_interrupted(lang),
        _ => tr::discovery_state_failed(lang),
    }
}

pub(super) fn relation_label(lang: Lang, relation: &str) -> &'static str {
    match relation {
        "head" => tr::discovery_relation_head(lang),
        "spouse" => tr::discovery_relation_spouse(lang),
        "child" => tr::discovery_relation_child(lang),
        "parent" => tr::discovery_relation_parent(lang),
        "grandchild" => tr::discovery_relation_grandchild(lang),
        "grandparent" => tr::discovery_relation_grandparent(lang),
        "sibling" => tr::discovery_relation_sibling(lang),
        _ => tr::discovery_relation_other(lang),
    }
}

/// A value for a link's query: every byte but the unreserved ASCII ones percent-encoded.
fn url_encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn percent(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

/// While work goes on, the page reloads itself every few seconds (no script needed).
fn refresh_while(busy: bool) -> impl IntoView {
    busy.then(|| view! { <Meta http_equiv="refresh" content="3"/> })
}

/// A refused form's one problem: its field, its words and its code, for the error summary
/// and beside the field.
pub(super) struct OneProblem(Option<(&'static str, &'static str, String)>);

impl OneProblem {
    pub(super) fn new(
        code: Option<&str>,
        words: impl Fn(&str) -> (&'static str, &'static str),
    ) -> Self {
        OneProblem(code.map(|code| {
            let (field, text) = words(code);
            (field, text, code.to_owned())
        }))
    }

    pub(super) fn summary(&self) -> Vec<(SummaryLine, String)> {
        self.0
            .iter()
            .map(|(field, text, code)| {
                (
                    SummaryLine {
                        field: (*field).to_owned(),
                        text: (*text).to_owned(),
                    },
                    code.clone(),
                )
            })
            .collect()
    }

    pub(super) fn at(&self, field: &str) -> Option<&'static str> {
        self.0
            .as_ref()
            .filter(|(f, _, _)| *f == field)
            .map(|(_, text, _)| *text)
    }
}

#[component]
pub fn DiscoveryPage() -> impl IntoView {
    let lang = use_prefs().lang;
    use_context::<DiscoveryOverview>().map(|page| overview(lang, page))
}

fn upload_problem_text(lang: Lang, code: &str) -> (&'static str, &'static str) {
    match code {
        "choose_kind" => (
            discovery_field::KIND,
            tr::discovery_problem_choose_kind(lang),
        ),
        "not_csv_or_xlsx" => (
            discovery_field::FILE,
            tr::discovery_problem_not_csv_or_xlsx(lang),
        ),
        "too_large" => (discovery_field::FILE, tr::discovery_problem_too_large(lang)),
        _ => (
            discovery_field::FILE,
            tr::discovery_problem_choose_file(lang),
        ),
    }
}

fn overview(lang: Lang, page: DiscoveryOverview) -> impl IntoView {
    let busy = page.imports.iter().any(|i| i.state == "running")
        || page.runs.iter().any(|r| r.state == "running");
    let problem = OneProblem::new(page.upload_problem.as_deref(), |code| {
        upload_problem_text(lang, code)
    });
    let summary = problem.summary();
    let kind_problem = problem.at(discovery_field::KIND);
    let file_problem = problem.at(discovery_field::FILE);
    let (kind_notes, kind_described) =
        hint_and_problem(lang, discovery_field::KIND, None, kind_problem);
    let (file_notes, file_described) = hint_and_problem(
        lang,
        discovery_field::FILE,
        Some(tr::discovery_file_hint(lang)),
        file_problem,
    );
    view! {
        <Title text=tr::discovery_title(lang)/>
        {refresh_while(busy)}
        <super::session_warning::SessionWarning/>
        {coded_error_summary(lang, summary)}
        <p><a href="/staff">{tr::case_back(lang)}</a></p>
        <h1>{tr::discovery_title(lang)}</h1>
        <p class="lead">{tr::discovery_intro(lang, crate::counties::county_name_of(lang, &page.county))}</p>
        <h2>{tr::discovery_places_heading(lang)}</h2>
        {if page.places.is_empty() {
            view! { <p data-places="0">{tr::discovery_places_none(lang)}</p> }.into_any()
        } else {
            let count = page.places.len().to_string();
            view! {
                <table class="table" data-places=count>
                    <caption class="visually-hidden">{tr::discovery_places_heading(lang)}</caption>
                    <thead><tr>
                        <th scope="col">{tr::discovery_township(lang)}</th>
                        <th scope="col">{tr::discovery_village(lang)}</th>
                        <th scope="col">{tr::discovery_open(lang)}</th>
                        <th scope="col">{tr::discovery_overdue(lang)}</th>
                        <th scope="col">{tr::discovery_visited(lang)}</th>
                    </tr></thead>
                    <tbody>
                        {page.places.into_iter().map(|place| {
                            let href = format!("{DISCOVERY_TOWNSHIP}?name={}", url_encode(&place.township));
                            let (township, village) = (place.township.clone(), place.village.clone());
                            view! {
                                <tr data-township=township data-village=village data-open=place.open.to_string()>
                                    <td><a href=href>{place.township.clone()}</a></td>
                                    <td>{place.village}</td>
                                    <td>{place.open}</td>
                                    <td>{(place.overdue > 0).then(|| view! { <strong class="tag tag-overdue">{place.overdue}</strong> })}</td>
                                    <td>{place.visited}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
        {page.funnel.map(|funnel| funnel_view(lang, funnel))}
        <h2>{tr::discovery_upload_heading(lang)}</h2>
        <p>{tr::discovery_upload_intro(lang)}</p>
        <form method="post" action=DISCOVERY_IMPORTS enctype="multipart/form-data" class="form" novalidate>
            <div class="field" class:field-error=kind_problem.is_some()>
                <label for=discovery_field::KIND>{tr::discovery_kind(lang)}</label>
                {kind_notes}
                <select id=discovery_field::KIND name=discovery_field::KIND aria-describedby=kind_described
                    aria-invalid=kind_problem.map(|_| "true")>
                    <option value="">{tr::discovery_kind_choose(lang)}</option>
                    {page.kinds.iter().map(|kind| view! {
                        <option value=kind.clone()>{kind_label(lang, kind)}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field" class:field-error=file_problem.is_some()>
                <label for=discovery_field::FILE>{tr::discovery_file(lang)}</label>
                {file_notes}
                <input id=discovery_field::FILE name=discovery_field::FILE type="file" accept=".csv,.xlsx"
                    aria-describedby=file_described aria-invalid=file_problem.map(|_| "true")/>
            </div>
            <button type="submit" class="button">{tr::discovery_upload_button(lang)}</button>
        </form>
        {imports_table(lang, page.imports)}
        <h2>{tr::discovery_run_heading(lang)}</h2>
        <p>{tr::discovery_run_intro(lang)}</p>
        {page.run_busy.then(|| view! {
            <div class="notice" role="status" data-notice="run_busy"><p>{tr::discovery_run_busy(lang)}</p></div>
        })}
        <form method="post" action=DISCOVERY_RUNS class="form">
            <button type="submit" class="button">{tr::discovery_run_button(lang)}</button>
        </form>
        {runs_table(lang, page.runs)}
    }
}

fn imports_table(lang: Lang, imports: Vec<ImportRow>) -> impl IntoView {
    (!imports.is_empty()).then(|| {
        let count = imports.len().to_string();
        view! {
            <table class="table" data-imports=count>
                <caption>{tr::discovery_imports_heading(lang)}</caption>
                <thead><tr>
                    <th scope="col">{tr::discovery_kind(lang)}</th>
                    <th scope="col">{tr::discovery_file(lang)}</th>
                    <th scope="col">{tr::discovery_when(lang)}</th>
                    <th scope="col">{tr::discovery_state(lang)}</th>
                    <th scope="col">{tr::discovery_rows(lang)}</th>
                </tr></thead>
                <tbody>
                    {imports.into_iter().map(|import| view! {
                        <tr data-import=import.id.to_string() data-state=import.state.clone()>
                            <td>{kind_label(lang, &import.kind)}</td>
                            <td><a href=format!("{DISCOVERY_IMPORTS}/{}", import.id)>{import.file_name.clone()}</a></td>
                            <td>{format_date_time(lang, import.started_at)}</td>
                            <td>{state_label(lang, &import.state)}</td>
                            <td>{tr::discovery_rows_summary(lang, import.rows_read, import.accepted, import.refused)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        }
    })
}

fn runs_table(lang: Lang, runs: Vec<RunRow>) -> impl IntoView {
    (!runs.is_empty()).then(|| {
        let count = runs.len().to_string();
        view! {
            <table class="table" data-runs=count>
                <caption>{tr::discovery_runs_heading(lang)}</caption>
                <thead><tr>
                    <th scope="col">{tr::discovery_when(lang)}</th>
                    <th scope="col">{tr::discovery_state(lang)}</th>
                    <th scope="col">{tr::discovery_run_found(lang)}</th>
                </tr></thead>
                <tbody>
                    {runs.into_iter().map(|run| {
                        let found = if run.state == "running" {
                            let stage = match run.stage.as_str() {
                                "read" => tr::discovery_stage_read(lang),
                                "households" => tr::discovery_stage_households(lang),
                                _ => tr::discovery_stage_write(lang),
                            };
                            tr::discovery_run_progress(lang, stage, run.progress, run.total)
                        } else {
                            tr::discovery_run_summary(lang, run.households, run.likely, run.new, run.refreshed, run.suppressed, run.notified)
                        };
                        view! {
                            <tr data-run=run.id.to_string() data-state=run.state.clone() data-new=run.new.to_string()>
                                <td>{format_date_time(lang, run.started_at)}</td>
                                <td>{state_label(lang, &run.state)}</td>
                                <td>{found}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        }
    })
}

/// A bar as wide as its share of the first step: an SVG rectangle, whose width is an attribute
/// (the content security policy allows no inline style).
fn bar(value: u64, of: u64) -> impl IntoView {
    let width = if of == 0 {
        0.0
    } else {
        (value as f64 / of as f64 * 100.0).min(100.0)
    };
    view! {
        <svg class="funnel-bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" focusable="false">
            <rect width=format!("{width:.1}") height="10"></rect>
        </svg>
    }
}

pub(crate) fn funnel_view(lang: Lang, funnel: FunnelView) -> impl IntoView {
    let total = funnel.total;
    let steps: [(&'static str, &'static str, u64); 6] = [
        (
            "candidates",
            tr::discovery_funnel_candidates(lang),
            total.candidates,
        ),
        ("visited", tr::discovery_funnel_visited(lang), total.visited),
        (
            "confirmed",
            tr::discovery_funnel_confirmed(lang),
            total.confirmed,
        ),
        ("applied", tr::discovery_funnel_applied(lang), total.applied),
        (
            "approved",
            tr::discovery_funnel_approved(lang),
            total.approved,
        ),
        ("refuted", tr::discovery_funnel_refuted(lang), total.refuted),
    ];
    let line_cells = move |line: FunnelLine| {
        view! {
            <td>{line.imported}</td>
            <td>{line.matched}</td>
            <td>{line.candidates}</td>
            <td>{line.visited}</td>
            <td>{line.applied}</td>
            <td>{line.approved}</td>
            <td>{line.precision.map(percent).unwrap_or_else(|| "—".into())}</td>
        }
    };
    let head = move |first: &'static str| {
        view! {
            <thead><tr>
                <th scope="col">{first}</th>
                <th scope="col">{tr::discovery_funnel_imported(lang)}</th>
                <th scope="col">{tr::discovery_funnel_matched(lang)}</th>
                <th scope="col">{tr::discovery_funnel_candidates(lang)}</th>
                <th scope="col">{tr::discovery_funnel_visited(lang)}</th>
                <th scope="col">{tr::discovery_funnel_applied(lang)}</th>
                <th scope="col">{tr::discovery_funnel_approved(lang)}</th>
                <th scope="col">{tr::discovery_funnel_precision(lang)}</th>
            </tr></thead>
        }
    };
    view! {
        <h2 id="funnel">{tr::discovery_funnel_heading(lang)}</h2>
        <p>{tr::discovery_funnel_intro(lang)}</p>
        <dl class="funnel" data-funnel-candidates=total.candidates.to_string()
            data-funnel-visited=total.visited.to_string() data-funnel-applied=total.applied.to_string()>
            {steps.into_iter().map(|(key, label, value)| view! {
                <div data-step=key>
                    <dt>{label}</dt>
                    <dd>{bar(value, total.candidates)}<span class="funnel-figure">{value}</span></dd>
                </div>
            }).collect_view()}
        </dl>
        <p><a href=DISCOVERY_FUNNEL_CSV download="funnel.csv">{tr::discovery_funnel_csv(lang)}</a></p>
        <table class="table" data-funnel="programme">
            <caption>{tr::discovery_funnel_by_programme(lang)}</caption>
            {head(tr::discovery_funnel_rule(lang))}
            <tbody>
                {funnel.by_programme.into_iter().map(|(programme, line)| view! {
                    <tr data-programme=programme.as_str()><th scope="row">{programme_name(lang, programme)}</th>{line_cells(line)}</tr>
                }).collect_view()}
            </tbody>
        </table>
        <table class="table" data-funnel="source">
            <caption>{tr::discovery_funnel_by_source(lang)}</caption>
            {head(tr::discovery_funnel_source(lang))}
            <tbody>
                {funnel.by_source.into_iter().map(|(kind, line)| view! {
                    <tr data-source=kind.clone()><th scope="row">{kind_label(lang, &kind)}</th>{line_cells(line)}</tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
pub fn DiscoveryImportPage() -> impl IntoView {
    let lang = use_prefs().lang;
    use_context::<ImportReportPage>().map(|page| import_report(lang, page))
}

fn import_report(lang: Lang, page: ImportReportPage) -> impl IntoView {
    let import = page.import;
    view! {
        <Title text=tr::discovery_report_title(lang)/>
        {refresh_while(import.state == "running")}
        <p><a href=DISCOVERY_PAGE>{tr::discovery_back(lang)}</a></p>
        <h1>{tr::discovery_report_title(lang)}</h1>
        <dl class="summary-list" data-import=import.id.to_string() data-state=import.state.clone()>
            <div><dt>{tr::discovery_kind(lang)}</dt><dd>{kind_label(lang, &import.kind)}</dd></div>
            <div><dt>{tr::discovery_file(lang)}</dt><dd>{import.file_name.clone()}</dd></div>
            <div><dt>{tr::discovery_when(lang)}</dt><dd>{format_date_time(lang, import.started_at)}</dd></div>
            <div><dt>{tr::discovery_state(lang)}</dt><dd>{state_label(lang, &import.state)}</dd></div>
            <div><dt>{tr::discovery_report_read(lang)}</dt><dd data-rows-read=import.rows_read.to_string()>{import.rows_read}</dd></div>
            <div><dt>{tr::discovery_report_accepted(lang)}</dt><dd data-accepted=import.accepted.to_string()>{import.accepted}</dd></div>
            <div><dt>{tr::discovery_report_changed(lang)}</dt><dd data-changed=import.changed.to_string()>{import.changed}</dd></div>
            <div><dt>{tr::discovery_report_repaired(lang)}</dt><dd>{import.repaired}</dd></div>
            <div><dt>{tr::discovery_report_refused(lang)}</dt><dd data-refused=import.refused.to_string()>{import.refused}</dd></div>
            <div><dt>{tr::discovery_report_match_rate(lang)}</dt><dd>{percent(import.match_rate)}</dd></div>
        </dl>
        {page.file_problem.map(|problem| view! {
            <div class="error-summary" role="alert"><p>{tr::discovery_report_file_problem(lang, problem)}</p></div>
        })}
        {(!page.refused_by_reason.is_empty()).then(|| view! {
            <h2>{tr::discovery_report_reasons(lang)}</h2>
            <ul data-reasons="">
                {page.refused_by_reason.into_iter().map(|(code, n)| view! {
                    <li data-reason=code.clone()>{format!("{}：{n}", reason_label(lang, &code))}</li>
                }).collect_view()}
            </ul>
        })}
        {(!page.refused_lines.is_empty()).then(|| { let count = page.refused_lines.len().to_string(); view! {
            <table class="table" data-refused-lines=count>
                <caption>{tr::discovery_report_lines(lang)}</caption>
                <thead><tr>
                    <th scope="col">{tr::discovery_report_row(lang)}</th>
                    <th scope="col">{tr::discovery_report_column(lang)}</th>
                    <th scope="col">{tr::discovery_report_reason(lang)}</th>
                </tr></thead>
                <tbody>
                    {page.refused_lines.into_iter().map(|(row, column, code)| view! {
                        <tr data-row=row.to_string() data-reason=code.clone()>
                            <td>{row}</td><td>{column}</td><td>{reason_label(lang, &code)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        }})}
    }
}

#[component]
pub fn DiscoveryTownshipPage() -> impl IntoView {
    let lang = use_prefs().lang;
    use_context::<TownshipPage>().map(|page| township(lang, page))
}

fn township(lang: Lang, page: TownshipPage) -> impl IntoView {
    view! {
        <Title text=tr::discovery_township_title(lang, page.township.clone())/>
        <super::session_warning::SessionWarning/>
        <p><a href=DISCOVERY_PAGE>{tr::discovery_back(lang)}</a></p>
        <h1>{tr::discovery_township_title(lang, page.township.clone())}</h1>
        <p>{tr::discovery_township_intro(lang)}</p>
        {if page.lines.is_empty() {
            view! { <p data-visits="0">{tr::discovery_places_none(lang)}</p> }.into_any()
        } else {
            let count = page.lines.len().to_string();
            view! {
                <table class="table" data-visits=count>
                    <caption class="visually-hidden">{tr::discovery_township_title(lang, page.township.clone())}</caption>
                    <thead><tr>
                        <th scope="col">{tr::discovery_village(lang)}</th>
                        <th scope="col">{tr::discovery_head(lang)}</th>
                        <th scope="col">{tr::discovery_programme(lang)}</th>
                        <th scope="col">{tr::discovery_due(lang)}</th>
                        <th scope="col">{tr::discovery_outcome(lang)}</th>
                    </tr></thead>
                    <tbody>
                        {page.lines.into_iter().map(|line| view! {
                            <tr data-candidate=line.id.to_string() data-overdue=line.overdue.then_some("true")
                                data-outcome=line.outcome.clone().unwrap_or_default()>
                                <td>{line.village}</td>
                                <td><a href=format!("{DISCOVERY_CANDIDATES}/{}", line.id)>{line.name}</a></td>
                                <td>{programme_name(lang, line.programme)}</td>
                                <td>
                                    {format_date_time(lang, line.due_at)}
                                    {line.overdue.then(|| view! { " " <strong class="tag tag-overdue">{tr::discovery_overdue(lang)}</strong> })}
                                </td>
                                <td>{line.outcome.as_deref().map(|o| outcome_label(lang, o))}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
    }
}

/// The rules' checks, each with whether it was met.
pub(super) fn checks_list(lang: Lang, checks: &[Check]) -> impl IntoView {
    view! {
        <ul class="checks">
            {checks.iter().map(|check| view! {
                <li>{met_label(lang, check.passed)}" "{check_sentence(lang, check)}</li>
            }).collect_view()}
        </ul>
    }
}

/// The department records evidence cites: (member's name, kind, record id, day); nothing when
/// there are none.
pub(super) fn records_table(
    lang: Lang,
    records: &[(String, String, String, String)],
) -> impl IntoView {
    (!records.is_empty()).then(|| {
        let count = records.len().to_string();
        view! {
            <table class="table" data-records=count>
                <caption>{tr::discovery_records(lang)}</caption>
                <thead><tr>
                    <th scope="col">{tr::discovery_member_name(lang)}</th>
                    <th scope="col">{tr::discovery_kind(lang)}</th>
                    <th scope="col">{tr::discovery_record_id(lang)}</th>
                    <th scope="col">{tr::discovery_record_day(lang)}</th>
                </tr></thead>
                <tbody>
                    {records.iter().map(|(name, kind, record, day)| view! {
                        <tr data-record=record.clone()><td>{name.clone()}</td><td>{kind_label(lang, kind)}</td><td>{record.clone()}</td><td>{day.clone()}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        }
    })
}

#[component]
pub fn DiscoveryCandidatePage() -> impl IntoView {
    let lang = use_prefs().lang;
    use_context::<CandidatePage>().map(|page| candidate(lang, page))
}

fn visit_problem_text(lang: Lang, code: &str) -> (&'static str, &'static str) {
    match code {
        "reason_needed" => (
            discovery_field::NOTE,
            tr::discovery_problem_reason_needed(lang),
        ),
        "too_long" => (
            discovery_field::NOTE,
            tr::discovery_problem_note_too_long(lang),
        ),
        "already_recorded" => (
            discovery_field::OUTCOME,
            tr::discovery_problem_already_recorded(lang),
        ),
        _ => (
            discovery_field::OUTCOME,
            tr::discovery_problem_choose_outcome(lang),
        ),
    }
}

fn candidate(lang: Lang, page: CandidatePage) -> impl IntoView {
    let problem = OneProblem::new(page.problem.as_deref(), |code| {
        visit_problem_text(lang, code)
    });
    let summary = problem.summary();
    let outcome_problem = problem.at(discovery_field::OUTCOME);
    let note_problem = problem.at(discovery_field::NOTE);
    let (outcome_notes, outcome_described) = hint_and_problem(
        lang,
        discovery_field::OUTCOME,
        Some(tr::discovery_outcome_hint(lang)),
        outcome_problem,
    );
    let (note_notes, note_described) = hint_and_problem(
        lang,
        discovery_field::NOTE,
        Some(tr::discovery_note_hint(lang)),
        note_problem,
    );
    let action = format!("{DISCOVERY_CANDIDATES}/{}", page.id);
    let back = format!("{DISCOVERY_TOWNSHIP}?name={}", url_encode(&page.township));
    let title = page
        .members
        .first()
        .map(|m| tr::discovery_candidate_title(lang, m.name.clone()))
        .unwrap_or_else(|| tr::discovery_candidate_erased(lang).to_owned());
    view! {
        <Title text=title.clone()/>
        <super::session_warning::SessionWarning/>
        {coded_error_summary(lang, summary)}
        <p><a href=back>{tr::discovery_back_to_list(lang)}</a></p>
        <h1>{title}</h1>
        <p class="notice">{tr::discovery_candidate_estimate(lang)}</p>
        <dl class="summary-list" data-candidate=page.id.to_string() data-programme=page.programme.as_str()>
            <div><dt>{tr::discovery_place(lang)}</dt><dd>{format!("{} {} {}", page.township, page.village, page.address)}</dd></div>
            <div><dt>{tr::discovery_programme(lang)}</dt><dd>
                {programme_name(lang, page.programme)}
                {page.monthly_amount.map(|yuan| format!(" · {}", tr::discovery_monthly(lang, format_yuan(yuan as f64))))}
            </dd></div>
            <div><dt>{tr::discovery_also_eligible(lang)}</dt><dd>{page.eligible.iter().map(|p| programme_name(lang, *p)).collect::<Vec<_>>().join("、")}</dd></div>
            <div><dt>{tr::discovery_score(lang)}</dt><dd>{tr::discovery_score_text(lang, page.score)}</dd></div>
            <div><dt>{tr::discovery_found(lang)}</dt><dd>{tr::discovery_found_text(lang, format_date_time(lang, page.found_at), page.standards_year)}</dd></div>
            <div><dt>{tr::discovery_due(lang)}</dt><dd>
                {format_date_time(lang, page.due_at)}
                {page.overdue.then(|| view! { " " <strong class="tag tag-overdue">{tr::discovery_overdue(lang)}</strong> })}
            </dd></div>
            {page.notified_at.map(|at| view! {
                <div><dt>{tr::discovery_notified(lang)}</dt><dd>{format_date_time(lang, at)}</dd></div>
            })}
        </dl>
        {page.erased.then(|| view! { <p>{tr::discovery_candidate_erased(lang)}</p> })}
        {(!page.members.is_empty()).then(|| { let count = page.members.len().to_string(); view! {
            <table class="table" data-members=count>
                <caption>{tr::discovery_members(lang)}</caption>
                <thead><tr>
                    <th scope="col">{tr::discovery_member_name(lang)}</th>
                    <th scope="col">{tr::discovery_member_relation(lang)}</th>
                    <th scope="col">{tr::discovery_member_age(lang)}</th>
                    <th scope="col">{tr::discovery_member_concerned(lang)}</th>
                </tr></thead>
                <tbody>
                    {page.members.into_iter().map(|m| view! {
                        <tr><td>{m.name}</td><td>{relation_label(lang, &m.relation)}</td><td>{m.age}</td>
                            <td>{m.concerned.then(|| tr::discovery_yes(lang))}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        }})}
        {(!page.checks.is_empty()).then(|| view! {
            <h2>{tr::discovery_checks(lang)}</h2>
            {checks_list(lang, &page.checks)}
        })}
        {records_table(lang, &page.records)}
        <h2>{tr::discovery_visit_heading(lang)}</h2>
        {match page.outcome.clone() {
            Some(outcome) => view! {
                <dl class="summary-list" data-recorded=outcome.clone()>
                    <div><dt>{tr::discovery_outcome(lang)}</dt><dd>{outcome_label(lang, &outcome)}</dd></div>
                    {page.outcome_note.clone().map(|note| view! { <div><dt>{tr::discovery_note(lang)}</dt><dd>{note}</dd></div> })}
                    {page.outcome_at.map(|at| view! { <div><dt>{tr::discovery_when(lang)}</dt><dd>{format_date_time(lang, at)}</dd></div> })}
                </dl>
            }.into_any(),
            None => view! {
                <form method="post" action=action class="form" novalidate>
                    <div class="field" class:field-error=outcome_problem.is_some()>
                        <fieldset aria-describedby=outcome_described>
                            <legend>{tr::discovery_outcome(lang)}</legend>
                            {outcome_notes}
                            <div class="choices">
                                {OUTCOMES.iter().enumerate().map(|(i, outcome)| {
                                    let id = if i == 0 { discovery_field::OUTCOME.to_owned() } else { format!("outcome-{outcome}") };
                                    view! {
                                        <div class="choice">
                                            <input type="radio" id=id.clone() name=discovery_field::OUTCOME value=*outcome/>
                                            <label for=id>{outcome_label(lang, outcome)}</label>
                                        </div>
                                    }
                                }).collect_view()}
                            </div>
                        </fieldset>
                    </div>
                    <div class="field" class:field-error=note_problem.is_some()>
                        <label for=discovery_field::NOTE>{tr::discovery_note(lang)}</label>
                        {note_notes}
                        <textarea id=discovery_field::NOTE name=discovery_field::NOTE rows="3"
                            aria-describedby=note_described aria-invalid=note_problem.map(|_| "true")>{page.note.clone()}</textarea>
                    </div>
                    <button type="submit" class="button">{tr::discovery_visit_button(lang)}</button>
                </form>
            }.into_any(),
        }}
    }
}

#[component]
pub fn StopMessagesPage() -> impl IntoView {
    let lang = use_prefs().lang;
    let page = use_context::<StopPage>().unwrap_or_default();
    let problem = page.problem.as_deref().map(|code| match code {
        "unknown_code" => tr::stop_problem_unknown_code(lang),
        _ => tr::stop_problem_enter_code(lang),
    });
    let summary = problem
        .map(|text| {
            vec![(
                SummaryLine {
                    field: discovery_field::CODE.to_owned(),
                    text: text.to_owned(),
                },
                page.problem.clone().unwrap_or_default(),
            )]
        })
        .unwrap_or_default();
    let (notes, described) = hint_and_problem(
        lang,
        discovery_field::CODE,
        Some(tr::stop_code_hint(lang)),
        problem,
    );
    view! {
        <Title text=tr::stop_title(lang)/>
        {coded_error_summary(lang, summary)}
        <h1>{tr::stop_title(lang)}</h1>
        {if page.done {
            view! {
                <div class="notice" role="status" data-notice="stopped"><p>{tr::stop_done(lang)}</p></div>
                <p><a href="/check">{tr::stop_check_link(lang)}</a></p>
            }.into_any()
        } else {
            view! {
                <p class="lead">{tr::stop_intro(lang)}</p>
                <form method="post" action=STOP_PAGE class="form" novalidate>
                    <div class="field" class:field-error=problem.is_some()>
                        <label for=discovery_field::CODE>{tr::stop_code(lang)}</label>
                        {notes}
                        <input id=discovery_field::CODE name=discovery_field::CODE type="text" autocomplete="off"
                            autocapitalize="characters" spellcheck="false" class="input-short"
                            aria-describedby=described aria-invalid=problem.map(|_| "true")/>
                    </div>
                    <button type="submit" class="button">{tr::stop_button(lang)}</button>
                </form>
            }.into_any()
        }}
    }
}

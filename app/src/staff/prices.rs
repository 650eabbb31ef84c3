//! The price index on `/staff/recipients`: the months held, whether each triggers the temporary
//! price subsidy under the linkage rules in force, and for supervisors and administrators the
//! two ways to add to it: one month's published figures typed in, or the index file (as
//! `server prices import` reads it). The server (`server/src/prices.rs`) prepares the part and
//! reads the posts; both are plain forms that come back with each problem beside its field.

use leptos::prelude::*;

use crate::form_fields::{hint_and_problem, SummaryLine};
use crate::i18n::{tr, Lang};

/// `POST`: one month's figures, typed in.
pub const PRICES: &str = "/staff/recipients/prices";
/// `POST` (multipart): the price index file.
pub const PRICE_FILES: &str = "/staff/recipients/prices/file";

/// The forms' field names, shared with the server that reads them.
pub mod prices_field {
    pub const MONTH: &str = "price_month";
    pub const CPI: &str = "cpi_yoy";
    pub const FOOD: &str = "food_cpi_yoy";
    pub const FILE: &str = "price_file";
}

/// One month held, rises in tenths of a percent.
#[derive(Debug, Clone, PartialEq)]
pub struct PriceRow {
    pub month: String,
    pub cpi_permille: i32,
    pub food_permille: i32,
    /// The subsidy this month triggers: (by `cpi` or `food`, the rise paid on).
    pub trigger: Option<(String, i32)>,
}

/// The price-index part of the recipients page.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PricesPart {
    /// Newest first.
    pub months: Vec<PriceRow>,
    /// The linkage rules in force are the sample ones, not the bureau's notice.
    pub sample: bool,
    /// Supervisors and administrators add to the index.
    pub may_import: bool,
    /// What was typed on a refused one-month form: month, CPI, food CPI.
    pub typed: [String; 3],
    /// (field, problem code) of a refused one-month form.
    pub problems: Vec<(String, String)>,
    /// (where in the file, problem code) of a refused file; the place is empty for the whole file.
    pub file_problem: Option<(String, String)>,
    /// The index was just saved.
    pub saved: bool,
}

fn problem_text(lang: Lang, code: &str) -> &'static str {
    match code {
        "missing" => tr::prices_problem_missing(lang),
        "not_a_month" => tr::prices_problem_not_a_month(lang),
        "too_precise" => tr::prices_problem_too_precise(lang),
        "out_of_range" => tr::prices_problem_out_of_range(lang),
        "paid" => tr::prices_problem_paid(lang),
        "same_month" => tr::prices_problem_same_month(lang),
        "unknown_field" => tr::prices_problem_unknown_field(lang),
        "not_json" | "not_a_list" | "not_an_object" => tr::prices_problem_not_json(lang),
        "empty" => tr::prices_problem_empty(lang),
        "choose_file" => tr::prices_problem_choose_file(lang),
        "too_large" => tr::prices_problem_too_large(lang),
        _ => tr::prices_problem_not_a_number(lang),
    }
}

fn percent(permille: i32) -> String {
    format!("{:+.1}%", f64::from(permille) / 10.0)
}

impl PricesPart {
    /// The lines of the page's error summary, each linking to its field.
    pub fn summary(&self, lang: Lang) -> Vec<(SummaryLine, String)> {
        let typed = self.problems.iter().map(|(field, code)| {
            (
                SummaryLine {
                    field: field.clone(),
                    text: problem_text(lang, code).to_owned(),
                },
                code.clone(),
            )
        });
        let file = self.file_problem.iter().map(|(at, code)| {
            let text = if at.is_empty() {
                problem_text(lang, code).to_owned()
            } else {
                tr::prices_problem_at(lang, at.clone(), problem_text(lang, code))
            };
            (
                SummaryLine {
                    field: prices_field::FILE.to_owned(),
                    text,
                },
                code.clone(),
            )
        });
        typed.chain(file).collect()
    }

    fn problem_at(&self, lang: Lang, field: &str) -> Option<&'static str> {
        self.problems
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, code)| problem_text(lang, code))
    }
}

/// The part: the months held and, for those who may, the forms.
pub fn prices_part(lang: Lang, part: PricesPart) -> impl IntoView {
    let months = part.months.len().to_string();
    let file_problem = part
        .file_problem
        .as_ref()
        .map(|(_, code)| problem_text(lang, code));
    let file_place = part
        .file_problem
        .as_ref()
        .map(|(at, _)| at.clone())
        .filter(|at| !at.is_empty());
    let boxes = [
        (
            prices_field::MONTH,
            tr::prices_month(lang),
            tr::prices_month_hint(lang),
            "month",
            "",
        ),
        (
            prices_field::CPI,
            tr::prices_cpi(lang),
            tr::prices_rise_hint(lang),
            "text",
            "decimal",
        ),
        (
            prices_field::FOOD,
            tr::prices_food(lang),
            tr::prices_rise_hint(lang),
            "text",
            "decimal",
        ),
    ];
    let typed_form = part.may_import.then(|| {
        let fields = boxes
            .iter()
            .zip(part.typed.iter())
            .map(|((name, label, hint, kind, mode), typed)| {
                let problem = part.problem_at(lang, name);
                let (notes, described) = hint_and_problem(lang, name, Some(hint), problem);
                view! {
                    <div class="field" class:field-error=problem.is_some()>
                        <label for=*name>{*label}</label>
                        {notes}
                        <input id=*name name=*name type=*kind inputmode=(!mode.is_empty()).then_some(*mode)
                            class="input-number" value=typed.clone() aria-describedby=described
                            aria-invalid=problem.map(|_| "true")/>
                    </div>
                }
            })
            .collect_view();
        let (file_notes, file_described) = hint_and_problem(
            lang,
            prices_field::FILE,
            Some(tr::prices_file_hint(lang)),
            file_problem,
        );
        view! {
            <form method="post" action=PRICES class="form" novalidate data-form="price-month">
                <fieldset>
                    <legend>{tr::prices_enter(lang)}</legend>
                    {fields}
                </fieldset>
                <button type="submit" class="button">{tr::prices_save(lang)}</button>
            </form>
            <form method="post" action=PRICE_FILES enctype="multipart/form-data" class="form" novalidate data-form="price-file">
                <div class="field" class:field-error=file_problem.is_some()>
                    <label for=prices_field::FILE>{tr::prices_file(lang)}</label>
                    {file_notes}
                    {file_place.map(|at| view! { <p class="field-problem" data-place=at.clone()>{tr::prices_file_place(lang, at.clone())}</p> })}
                    <input id=prices_field::FILE name=prices_field::FILE type="file" accept=".json,application/json"
                        aria-describedby=file_described aria-invalid=file_problem.map(|_| "true")/>
                </div>
                <button type="submit" class="button button-secondary">{tr::prices_upload(lang)}</button>
            </form>
        }
    });
    view! {
        <section id="prices" data-prices=months>
            <h2>{tr::prices_title(lang)}</h2>
            <p>{tr::prices_intro(lang)}</p>
            {part.sample.then(|| view! { <p class="notice" data-sample="linkage">{tr::prices_sample(lang)}</p> })}
            {part.saved.then(|| view! {
                <div class="notice" role="status" data-notice="prices_saved"><p>{tr::prices_saved(lang)}</p></div>
            })}
            {if part.months.is_empty() {
                view! { <p>{tr::prices_none(lang)}</p> }.into_any()
            } else {
                view! {
                    <table class="table">
                        <caption>{tr::prices_held(lang)}</caption>
                        <thead><tr>
                            <th scope="col">{tr::prices_month(lang)}</th>
                            <th scope="col">{tr::prices_cpi(lang)}</th>
                            <th scope="col">{tr::prices_food(lang)}</th>
                            <th scope="col">{tr::prices_result(lang)}</th>
                        </tr></thead>
                        <tbody>
                            {part.months.iter().map(|row| view! {
                                <tr data-price-month=row.month.clone()
                                    data-triggers=row.trigger.as_ref().map(|(by, _)| by.clone()).unwrap_or_default()>
                                    <td>{row.month.clone()}</td>
                                    <td>{percent(row.cpi_permille)}</td>
                                    <td>{percent(row.food_permille)}</td>
                                    <td>{match &row.trigger {
                                        Some((by, rise)) => tr::prices_triggers(
                                            lang,
                                            if by == "cpi" { tr::prices_cpi(lang) } else { tr::prices_food(lang) },
                                            percent(*rise),
                                        ),
                                        None => tr::prices_under(lang).to_owned(),
                                    }}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            {typed_form}
        </section>
    }
}

//! `/track/cases/{reference}/print`: the case's documents ready to print or to show at the
//! window, prefilled from the application as it was received: the 三合一 (the application, the
//! integrity notice and the integrity pledge as one document), each adult's authorisation of the
//! household's financial check, and, once decided, the written decision with its reason. The
//! server fills it from the case (`server/src/track_print.rs`) for the browser that opened the
//! case; the stylesheet prints it without the site's header and footer.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::i18n::{format_date_time, format_yuan, tr, Lang};
use crate::self_check::programme_name;

/// One member of the household as the application gave it.
#[derive(Debug, Clone, PartialEq)]
pub struct PrintMember {
    pub age: Option<u32>,
    pub disability_grade: Option<u32>,
    /// Monthly income in yuan, all kinds together.
    pub monthly_income: f64,
}

/// The written decision: approved or not, when, and the reason written with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintDecision {
    pub approved: bool,
    pub at: i64,
    pub reason: String,
}

/// The documents of a case.
#[derive(Debug, Clone, PartialEq)]
pub struct PrintCase {
    pub reference: String,
    pub submitted_at: i64,
    pub county: String,
    pub name: String,
    pub id_number: String,
    pub phone: String,
    pub address: String,
    pub area_rural: bool,
    pub members: Vec<PrintMember>,
    pub financial_yuan: f64,
    pub vehicles_yuan: f64,
    pub houses: u32,
    pub programmes: Vec<rules::ProgrammeId>,
    /// The members (by place in the household) who authorised the check, and when consents
    /// were given (unix seconds).
    pub authorised: Vec<usize>,
    pub consented_at: Option<i64>,
    pub decision: Option<PrintDecision>,
}

#[component]
pub fn PrintCasePage() -> impl IntoView {
    let lang = crate::preferences::use_prefs().lang;
    use_context::<PrintCase>().map(|case| print_page(lang, case))
}

fn yuan(value: f64) -> String {
    format_yuan(value)
}

fn print_page(lang: Lang, case: PrintCase) -> impl IntoView {
    let sep = tr::check_list_separator(lang);
    let programmes = case
        .programmes
        .iter()
        .map(|p| programme_name(lang, *p))
        .collect::<Vec<_>>()
        .join(sep);
    let adults: Vec<(usize, &PrintMember)> = case
        .members
        .iter()
        .enumerate()
        .filter(|(_, m)| m.age.is_none_or(|age| age >= 18))
        .collect();
    let consented = case
        .consented_at
        .map(|at| format_date_time(lang, at))
        .unwrap_or_default();
    let back = format!("/track/cases/{}", case.reference);
    view! {
        <Title text=tr::print_title(lang, case.reference.clone())/>
        <p class="no-print"><a href=back>{tr::print_back(lang)}</a></p>
        <p class="no-print notice">{tr::print_how(lang)}</p>
        <article class="print-document" data-document="three-in-one">
            <h1>{tr::print_application_title(lang)}</h1>
            <p>{tr::print_reference(lang, case.reference.clone(), format_date_time(lang, case.submitted_at))}</p>
            <h2>{tr::print_applicant(lang)}</h2>
            <dl class="summary-list">
                <div><dt>{tr::print_name(lang)}</dt><dd data-field="name">{case.name.clone()}</dd></div>
                <div><dt>{tr::print_id_number(lang)}</dt><dd data-field="id_number">{case.id_number.clone()}</dd></div>
                <div><dt>{tr::print_phone(lang)}</dt><dd>{case.phone.clone()}</dd></div>
                <div><dt>{tr::print_county(lang)}</dt><dd>{crate::counties::county_name_of(lang, &case.county)}</dd></div>
                <div><dt>{tr::print_address(lang)}</dt><dd>{case.address.clone()}</dd></div>
                <div><dt>{tr::print_programmes(lang)}</dt><dd>{programmes}</dd></div>
            </dl>
            <h2>{tr::print_household(lang, case.members.len())}</h2>
            <table class="table">
                <thead><tr>
                    <th scope="col">{tr::print_member(lang)}</th>
                    <th scope="col">{tr::print_age(lang)}</th>
                    <th scope="col">{tr::print_disability(lang)}</th>
                    <th scope="col">{tr::print_income(lang)}</th>
                </tr></thead>
                <tbody>
                    {case.members.iter().enumerate().map(|(i, m)| view! {
                        <tr>
                            <td>{i + 1}</td>
                            <td>{m.age.map(|a| a.to_string()).unwrap_or_default()}</td>
                            <td>{m.disability_grade.map(|g| tr::print_grade(lang, g)).unwrap_or_default()}</td>
                            <td>{yuan(m.monthly_income)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <p>{tr::print_assets(lang, yuan(case.financial_yuan), yuan(case.vehicles_yuan), case.houses)}</p>
            <h2>{tr::print_integrity(lang)}</h2>
            <p>{tr::apply_consent_application_full(lang)}</p>
            <p>{tr::print_consented(lang, consented.clone())}</p>
            <p class="signature-line">{tr::print_signature(lang)}</p>
        </article>
        {adults.into_iter().map(|(i, m)| {
            let signed = case.authorised.contains(&i);
            view! {
                <article class="print-document" data-document="authorisation">
                    <h1>{tr::print_authorisation_title(lang)}</h1>
                    <p>{tr::print_authorisation_member(lang, i + 1, m.age.map(|a| a.to_string()).unwrap_or_default(), case.reference.clone())}</p>
                    <p>{tr::apply_consent_verification_full(lang)}</p>
                    {signed.then(|| view! { <p>{tr::print_consented(lang, consented.clone())}</p> })}
                    <p class="signature-line">{tr::print_signature(lang)}</p>
                </article>
            }
        }).collect_view()}
        {case.decision.map(|d| view! {
            <article class="print-document" data-document="decision" data-approved=d.approved.to_string()>
                <h1>{tr::print_decision_title(lang)}</h1>
                <p>{tr::print_decision_to(lang, case.name.clone(), case.reference.clone())}</p>
                <p><strong>{if d.approved { tr::print_decision_approved(lang) } else { tr::print_decision_rejected(lang) }}</strong></p>
                <p>{tr::print_decision_reason(lang, d.reason.clone())}</p>
                <p>{tr::print_decision_date(lang, format_date_time(lang, d.at))}</p>
                <p>{tr::print_decision_objection(lang)}</p>
            </article>
        })}
    }
}

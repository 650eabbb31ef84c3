//! A case's referrals on the staff case page (跟踪转介): the partner chosen from the directory
//! when referring, each referral's answer date, whether it was chased, and the form on which the
//! caseworker records what the partner answered (helped, with what and how much; or declined, and
//! why). The resident is told; the server reads the posts (`server/src/case_pages.rs`).

use leptos::prelude::*;

use super::case_page::{case_field, field_id, problem_text, typed, CasePage};
use crate::i18n::{format_date_time, format_yuan, tr, Lang};

/// One referral as the page shows it; times are unix seconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralRow {
    pub id: i64,
    pub organisation: String,
    pub at: i64,
    pub referred_by: String,
    pub answer_due: Option<i64>,
    pub reminded: bool,
    pub escalated: bool,
    /// (`helped` | `declined`, what was given or why not, fen given, recorded at).
    pub outcome: Option<(String, String, Option<i64>, i64)>,
}

/// The form name of a referral's outcome form.
pub fn outcome_form(id: i64) -> String {
    format!("referral-{id}")
}

pub fn outcome_url(reference: &str, id: i64) -> String {
    format!("/staff/cases/{reference}/referrals/{id}")
}

/// The partner to refer to, from the directory of the case's county.
pub(super) fn partner_select(lang: Lang, page: &CasePage, form: &str) -> impl IntoView {
    let id = field_id(form, case_field::ORGANISATION);
    let (chosen, problem) = typed(lang, page, form, case_field::ORGANISATION);
    let described = if problem.is_some() {
        format!("{id}-hint {id}-error")
    } else {
        format!("{id}-hint")
    };
    view! {
        <div class="field" class:field-error=problem.is_some()>
            <label for=id.clone()>{tr::case_organisation(lang)}</label>
            <p class="hint" id=format!("{id}-hint")>{tr::referral_partner_hint(lang)}</p>
            {problem_text(lang, problem.clone(), &id)}
            <select id=id.clone() name=case_field::ORGANISATION aria-describedby=described>
                <option value="">{tr::referral_partner_choose(lang)}</option>
                {page.partners.iter().map(|(value, zh, en)| view! {
                    <option value=value.clone() selected=*value == chosen>{if lang == Lang::En { en.clone() } else { zh.clone() }}</option>
                }).collect_view()}
            </select>
        </div>
    }
}

/// The referrals of the case, each with its outcome or the form to record it.
pub(super) fn referrals_block(lang: Lang, page: &CasePage) -> Option<AnyView> {
    (!page.referrals.is_empty()).then(|| {
        view! {
            <h2 id="referrals">{tr::referral_heading(lang)}</h2>
            {page.referrals.iter().map(|r| referral(lang, page, r)).collect_view()}
        }
        .into_any()
    })
}

fn referral(lang: Lang, page: &CasePage, r: &ReferralRow) -> impl IntoView {
    let overdue = r.outcome.is_none() && r.answer_due.is_some_and(|due| due <= page.now);
    let chased = if r.escalated {
        Some(tr::referral_escalated(lang))
    } else if r.reminded {
        Some(tr::referral_reminded(lang))
    } else {
        None
    };
    view! {
        <section class="referral" id=format!("referral-{}", r.id) data-referral=r.id.to_string()
            data-outcome=r.outcome.as_ref().map(|(code, ..)| code.clone()).unwrap_or_default()>
            <h3>{r.organisation.clone()}</h3>
            <p>{tr::case_referral_line(lang, &r.organisation, format_date_time(lang, r.at), &r.referred_by)}</p>
            {r.answer_due.map(|due| view! {
                <p>{tr::referral_answer_due(lang, format_date_time(lang, due))}
                    {overdue.then(|| view! { " " <strong class="tag tag-overdue">{tr::referral_overdue(lang)}</strong> })}
                </p>
            })}
            {chased.map(|text| view! { <p class="notice">{text}</p> })}
            {match r.outcome.clone() {
                Some((code, text, fen, at)) => view! {
                    <p class="decision"><strong>{if code == "helped" { tr::referral_helped(lang) } else { tr::referral_declined(lang) }}</strong>
                        " · " {format_date_time(lang, at)}</p>
                    <p>{text}{fen.map(|fen| format!(" · {}", format_yuan(fen as f64 / 100.0)))}</p>
                }.into_any(),
                None => outcome_form_view(lang, page, r.id).into_any(),
            }}
        </section>
    }
}

fn outcome_form_view(lang: Lang, page: &CasePage, id: i64) -> impl IntoView {
    let form = outcome_form(id);
    let (chosen, outcome_problem) = typed(lang, page, &form, case_field::OUTCOME);
    let outcome_id = field_id(&form, case_field::OUTCOME);
    let text_id = field_id(&form, case_field::OUTCOME_TEXT);
    let (text, text_problem) = typed(lang, page, &form, case_field::OUTCOME_TEXT);
    let amount_id = field_id(&form, case_field::AMOUNT);
    let (amount, amount_problem) = typed(lang, page, &form, case_field::AMOUNT);
    view! {
        <form method="post" action=outcome_url(&page.reference, id) class="form" novalidate>
            <div class="field" class:field-error=outcome_problem.is_some()>
                <fieldset>
                    <legend>{tr::referral_outcome(lang)}</legend>
                    {problem_text(lang, outcome_problem.clone(), &outcome_id)}
                    <div class="choices">
                        <div class="choice">
                            <input type="radio" id=outcome_id.clone() name=case_field::OUTCOME value="helped" checked=chosen == "helped"/>
                            <label for=outcome_id.clone()>{tr::referral_helped(lang)}</label>
                        </div>
                        <div class="choice">
                            <input type="radio" id=format!("{outcome_id}-declined") name=case_field::OUTCOME value="declined" checked=chosen == "declined"/>
                            <label for=format!("{outcome_id}-declined")>{tr::referral_declined(lang)}</label>
                        </div>
                    </div>
                </fieldset>
            </div>
            <div class="field" class:field-error=text_problem.is_some()>
                <label for=text_id.clone()>{tr::referral_text(lang)}</label>
                <p class="hint" id=format!("{text_id}-hint")>{tr::referral_text_hint(lang)}</p>
                {problem_text(lang, text_problem.clone(), &text_id)}
                <textarea id=text_id.clone() name=case_field::OUTCOME_TEXT rows="3" aria-describedby=format!("{text_id}-hint")>{text}</textarea>
            </div>
            <div class="field" class:field-error=amount_problem.is_some()>
                <label for=amount_id.clone()>{tr::referral_amount(lang)}</label>
                <p class="hint" id=format!("{amount_id}-hint")>{tr::referral_amount_hint(lang)}</p>
                {problem_text(lang, amount_problem.clone(), &amount_id)}
                <input id=amount_id.clone() name=case_field::AMOUNT type="text" inputmode="decimal" class="input-number" value=amount autocomplete="off"
                    aria-describedby=format!("{amount_id}-hint")/>
            </div>
            <button type="submit" class="button">{tr::referral_record(lang)}</button>
        </form>
    }
}

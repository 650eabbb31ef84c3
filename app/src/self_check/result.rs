//! The result page: what the household may get, why, and what would change it. An estimate,
//! never a decision.

use leptos::either::Either;
use leptos::prelude::*;
use rules::{
    evaluate, Assessment, Household, ProgrammeId, ProgrammeResult, Standards, Status, Urgency,
};
use serde::{Deserialize, Serialize};

use super::answers::{Answers, EmergencyAnswer, Step};
use super::explain::{check_sentence, met_label, programme_name, status_label};
use super::flow::GO_FIELD;
use super::questions::{emergency_label, title, urgency_label};
use crate::i18n::{format_yuan, tr, Lang};

/// Where "apply with these answers" posts the answers: the application starts from them.
pub const APPLY_START: &str = "/apply/start";

/// A handbook policy that explains a programme and how to apply for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyLink {
    pub programme: ProgrammeId,
    pub slug: String,
    pub title: String,
}

/// The programmes that decide the others, in the order the result explains them.
const MAIN: [ProgrammeId; 5] = [
    ProgrammeId::Tekun,
    ProgrammeId::Dibao,
    ProgrammeId::Marginal,
    ProgrammeId::RigidExpense,
    ProgrammeId::TemporaryExpense,
];

pub fn result_page(
    lang: Lang,
    answers: &Answers,
    standards: &Standards,
    links: &[PolicyLink],
    focus: Option<ProgrammeId>,
) -> impl IntoView {
    let household = match Household::parse(&answers.to_request()) {
        Ok(household) => household,
        // Only answers edited outside these pages can fail here; each page checked its own.
        Err(_) => {
            return Either::Left(view! {
                <div class="error-summary" role="alert">
                    <h2>{tr::check_result_unusable(lang)}</h2>
                </div>
                {change_answers(lang, answers)}
            })
        }
    };
    let assessment = evaluate(standards, &household);
    let order = display_order(&assessment, focus);
    let card = |p: &ProgrammeResult| programme_card(lang, p, assessment.recommended, focus, links);
    let eligible: Vec<_> = order
        .iter()
        .filter(|p| p.status == Status::Eligible)
        .map(|p| card(p))
        .collect();
    let review: Vec<_> = order
        .iter()
        .filter(|p| p.status == Status::NeedsReview)
        .map(|p| card(p))
        .collect();
    let not_now: Vec<_> = order
        .iter()
        .filter(|p| p.status == Status::Ineligible)
        .map(|p| card(p))
        .collect();
    let critical = matches!(
        answers.emergency,
        Some(EmergencyAnswer::Happened {
            urgency: Urgency::Critical,
            ..
        })
    );
    Either::Right(view! {
        {critical.then(|| view! {
            <p class="urgent-banner" role="alert">
                {tr::check_result_critical(lang)} " "
                <a href="/help/urgent">{tr::check_emergency_call_link(lang)}</a>
            </p>
        })}
        <div class="notice estimate-notice">
            <p><strong>{tr::check_estimate_heading(lang)}</strong></p>
            <p>{tr::check_estimate_text(lang)}</p>
        </div>
        <p>{tr::check_result_income(
            lang,
            format_yuan(assessment.household.per_capita_monthly_income),
            format_yuan(assessment.standards.dibao_standard.as_yuan_f64()),
        )}</p>
        <h2>{tr::check_result_eligible_heading(lang)}</h2>
        {if eligible.is_empty() {
            Either::Left(view! { <p>{tr::check_result_none_eligible(lang)}</p> })
        } else {
            Either::Right(view! { <div class="programmes">{eligible}</div> })
        }}
        {(!review.is_empty()).then(|| view! {
            <h2>{tr::check_result_review_heading(lang)}</h2>
            <p>{tr::check_result_review_text(lang)}</p>
            <div class="programmes">{review}</div>
        })}
        <h2>{tr::check_result_change_heading(lang)}</h2>
        <p>{tr::check_result_change_text(lang)}</p>
        <div class="programmes">{not_now}</div>
        {change_answers(lang, answers)}
        <h2>{tr::check_result_next_heading(lang)}</h2>
        <p>{tr::check_result_next_text(lang)}</p>
        <p class="button-group">
            <button type="submit" class="button" formaction=APPLY_START name=GO_FIELD value="apply">
                {tr::check_apply(lang)}
            </button>
            <a class="button button-secondary" href="/check">{tr::check_again(lang)}</a>
        </p>
    })
}

/// The one the person came to check first, then the recommended one, then the main programmes.
fn display_order(assessment: &Assessment, focus: Option<ProgrammeId>) -> Vec<&ProgrammeResult> {
    let rank = |p: &ProgrammeResult| {
        let main = MAIN
            .iter()
            .position(|m| *m == p.programme)
            .unwrap_or(MAIN.len());
        (
            Some(p.programme) != focus,
            Some(p.programme) != assessment.recommended,
            main,
        )
    };
    let mut order: Vec<&ProgrammeResult> = assessment.programmes.iter().collect();
    order.sort_by_key(|p| rank(p));
    order
}

fn programme_card(
    lang: Lang,
    result: &ProgrammeResult,
    recommended: Option<ProgrammeId>,
    focus: Option<ProgrammeId>,
    links: &[PolicyLink],
) -> impl IntoView {
    let programme = result.programme;
    let eligible = result.status == Status::Eligible;
    let amount = amount_text(lang, result);
    let covers = (!result.members.is_empty() && is_per_person(programme)).then(|| {
        let people: Vec<String> = result
            .members
            .iter()
            .map(|m| tr::check_person_short(lang, m + 1))
            .collect();
        tr::check_result_covers(lang, people.join(tr::check_list_separator(lang)))
    });
    let tags = [
        (Some(programme) == recommended).then(|| tr::check_result_recommended(lang)),
        (Some(programme) == focus).then(|| tr::check_result_focus(lang)),
    ];
    // Ineligible: only the conditions not met, which are what would have to change.
    let checks: Vec<_> = result
        .checks
        .iter()
        .filter(|c| eligible || result.status == Status::NeedsReview || !c.passed)
        .collect();
    let how_to_apply: Vec<_> = links.iter().filter(|l| l.programme == programme).collect();
    view! {
        <section class="programme" data-programme=programme.as_str() data-status=result.status.as_str()
            data-amount=result.monthly_amount.or(result.advance_cap).map(|a| a.to_string())>
            <h3>{programme_name(lang, programme)}</h3>
            <p class="programme-status">
                <strong>{status_label(lang, result.status)}</strong>
                {tags.into_iter().flatten().map(|tag| view! { " " <span class="tag">{tag}</span> }).collect_view()}
            </p>
            {amount.map(|a| view! { <p class="programme-amount">{a}</p> })}
            {covers.map(|c| view! { <p>{c}</p> })}
            <details open=eligible>
                <summary>{if eligible { tr::check_result_why(lang) } else { tr::check_result_why_not(lang) }}</summary>
                <ul class="checks">
                    {checks.into_iter().map(|c| {
                        let mark = if c.passed { "✓" } else { "✗" };
                        view! {
                            <li class:check-met=c.passed>
                                <span aria-hidden="true">{mark}" "</span>
                                {check_sentence(lang, c)}
                                " — "<strong>{met_label(lang, c.passed)}</strong>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </details>
            {(!how_to_apply.is_empty()).then(|| view! {
                <p class="programme-links">
                    {tr::check_result_read_more(lang)} " "
                    {how_to_apply.into_iter().enumerate().map(|(i, link)| view! {
                        {(i > 0).then(|| tr::check_list_separator(lang))}
                        <a href=format!("/policies/{}", link.slug)>{link.title.clone()}</a>
                    }).collect_view()}
                </p>
            })}
        </section>
    }
}

fn is_per_person(programme: ProgrammeId) -> bool {
    matches!(
        programme,
        ProgrammeId::Tekun
            | ProgrammeId::Education
            | ProgrammeId::Employment
            | ProgrammeId::CareService
    )
}

fn amount_text(lang: Lang, result: &ProgrammeResult) -> Option<String> {
    if result.status != Status::Eligible {
        return None;
    }
    if let (Some(hours), Some(cap)) = (result.advance_within_hours, result.advance_cap) {
        return Some(tr::check_result_advance(
            lang,
            hours,
            format_yuan(cap as f64),
        ));
    }
    result
        .monthly_amount
        .map(|amount| tr::check_result_monthly(lang, format_yuan(amount as f64)))
}

/// "Check your answers": each page's answers in short, with a button to change them.
fn change_answers(lang: Lang, answers: &Answers) -> impl IntoView {
    let rows = Step::QUESTIONS
        .into_iter()
        .map(|step| {
            view! {
                <div>
                    <dt>{title(lang, step)}</dt>
                    <dd>{answer_summary(lang, answers, step)}</dd>
                    <dd class="summary-action">
                        <button type="submit" class="link-button" name=GO_FIELD value=step.code()>
                            {tr::check_change(lang)}
                            <span class="visually-hidden">{format!(" {}", title(lang, step))}</span>
                        </button>
                    </dd>
                </div>
            }
        })
        .collect_view();
    view! {
        <h2>{tr::check_your_answers(lang)}</h2>
        <dl class="summary-list">{rows}</dl>
    }
}

fn answer_summary(lang: Lang, answers: &Answers, step: Step) -> String {
    let sep = tr::check_list_separator(lang);
    match step {
        Step::Household => {
            let area = match answers.area {
                Some(rules::Area::Rural) => tr::check_area_rural(lang),
                _ => tr::check_area_urban(lang),
            };
            tr::check_summary_household(lang, area, answers.household_size())
        }
        Step::People => answers
            .people
            .iter()
            .enumerate()
            .map(|(i, p)| tr::check_summary_person(lang, i + 1, p.age.unwrap_or_default()))
            .collect::<Vec<_>>()
            .join(sep),
        Step::Income => {
            let total: f64 = answers
                .people
                .iter()
                .flat_map(|p| p.incomes.iter().map(|(_, a)| a))
                .sum();
            tr::check_summary_income(lang, format_yuan(total))
        }
        Step::Assets => {
            let a = answers.assets.unwrap_or_default();
            tr::check_summary_assets(
                lang,
                format_yuan(a.financial),
                format_yuan(a.vehicles_value),
                a.houses_owned,
            )
        }
        Step::Expenses => {
            let e = answers.expenses.unwrap_or_default();
            tr::check_summary_expenses(
                lang,
                format_yuan(e.medical + e.education + e.rehabilitation),
            )
        }
        Step::Emergency => match answers.emergency {
            Some(EmergencyAnswer::Happened { kind, urgency }) => {
                format!(
                    "{}{sep}{}",
                    emergency_label(lang, kind),
                    urgency_label(lang, urgency)
                )
            }
            _ => tr::check_emergency_nothing(lang).to_owned(),
        },
        Step::Start | Step::Result => String::new(),
    }
}

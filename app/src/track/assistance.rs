//! What a recipient household receives, on its case's tracking page: the programme, the monthly
//! amount, when it is next reviewed, and each month's payment.

use leptos::either::Either;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::i18n::{format_date, format_date_time, format_yuan, tr, Lang};
use crate::self_check::programme_name;

use super::TrackedCase;

/// The assistance of an approved case's household.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assistance {
    pub programme: rules::ProgrammeId,
    pub monthly_amount_fen: i64,
    pub next_review: time::Date,
    pub state: casework::RecipientState,
    /// Newest first: (month `2026-12`, kind, fen).
    pub payments: Vec<(String, casework::PaymentKind, i64)>,
    /// The latest decision a person made on a re-check: (unix seconds, the reason).
    #[serde(default)]
    pub decision: Option<(i64, String)>,
    /// A direct transfer offered and not yet answered: the programme and about how much a month.
    #[serde(default)]
    pub offer: Option<(rules::ProgrammeId, i64)>,
    /// A transfer agreed to, waiting for its decision.
    #[serde(default)]
    pub pending: Option<rules::ProgrammeId>,
    /// The latest transfer agreed to was not made: the household keeps its programme.
    #[serde(default)]
    pub transfer_not_made: Option<rules::ProgrammeId>,
    /// The transfer form came back without a choice.
    #[serde(default)]
    pub transfer_refused: bool,
    /// Just answered: agreed (true) or declined (false).
    #[serde(default)]
    pub transfer_answered: Option<bool>,
    /// Payments the household said did not arrive: (month, kind).
    #[serde(default)]
    pub missing: Vec<(String, casework::PaymentKind)>,
    /// Just said so.
    #[serde(default)]
    pub missing_now: bool,
}

/// The "I did not receive it" form's fields, shared with the server that reads them.
pub const MISSING_MONTH: &str = "month";
pub const MISSING_KIND: &str = "kind";

/// The transfer form's field, shared with the server that reads it.
pub const TRANSFER_FIELD: &str = "transfer";

fn yuan(fen: i64) -> String {
    format_yuan(fen as f64 / 100.0)
}

pub(crate) fn payment_kind(lang: Lang, kind: casework::PaymentKind) -> &'static str {
    match kind {
        casework::PaymentKind::Regular => tr::track_payment_regular(lang),
        casework::PaymentKind::PriceSubsidy => tr::track_payment_price_subsidy(lang),
        casework::PaymentKind::Advance => tr::track_payment_advance(lang),
    }
}

/// Type-erased: the case page's view type is otherwise too deep for the compiler (this page is
/// drawn on the server only, so the erasure costs no bundle size).
pub fn assistance_section(lang: Lang, case: &TrackedCase) -> Option<AnyView> {
    case.assistance.as_ref().map(|a| {
        let state = match a.state {
            casework::RecipientState::Active => None,
            casework::RecipientState::Suspended => Some(tr::track_assistance_suspended(lang)),
            casework::RecipientState::Stopped => Some(tr::track_assistance_stopped(lang)),
        };
        view! {
            <section class="assistance" aria-labelledby="assistance-heading">
                <h2 id="assistance-heading">{tr::track_assistance_heading(lang)}</h2>
                {state.map(|s| view! { <p class="notice"><strong>{s}</strong></p> })}
                {a.decision.as_ref().map(|(at, reason)| view! {
                    <p class="decision">{tr::track_assistance_decision(lang, format_date_time(lang, *at), reason.clone())}</p>
                })}
                <dl class="summary-list">
                    <div><dt>{tr::track_assistance_programme(lang)}</dt><dd>{programme_name(lang, a.programme)}</dd></div>
                    {(a.monthly_amount_fen > 0).then(|| view! {
                        <div><dt>{tr::track_assistance_monthly(lang)}</dt><dd class="amount">{yuan(a.monthly_amount_fen)}</dd></div>
                    })}
                    <div><dt>{tr::track_assistance_next_review(lang)}</dt><dd>{format_date(lang, a.next_review)}</dd></div>
                </dl>
                <p class="hint">{tr::track_assistance_review_hint(lang)}</p>
                {a.transfer_answered.map(|agreed| view! {
                    <p class="notice" role="status" data-transfer-answered=if agreed { "agreed" } else { "declined" }>
                        {if agreed { tr::track_transfer_agreed(lang) } else { tr::track_transfer_declined(lang) }}
                    </p>
                })}
                {a.pending.map(|p| view! {
                    <p class="notice" data-transfer-pending=p.as_str()>{tr::track_transfer_pending(lang, programme_name(lang, p))}</p>
                })}
                {a.transfer_not_made.map(|p| view! {
                    <p class="notice" data-transfer-not-made=p.as_str()>
                        {tr::track_transfer_not_made(lang, programme_name(lang, p), programme_name(lang, a.programme))}
                    </p>
                })}
                {a.offer.map(|(p, fen)| transfer_form(lang, case, a.programme, p, fen, a.transfer_refused))}
                {a.missing_now.then(|| view! {
                    <p class="notice" role="status" data-missing-now="">{tr::track_payment_missing_done(lang)}</p>
                })}
                {(!a.payments.is_empty()).then(|| view! {
                    <div class="dash-table-scroll">
                        <table class="dash-table payments">
                            <caption>{tr::track_payments_heading(lang)}</caption>
                            <thead><tr>
                                <th scope="col">{tr::track_payment_month(lang)}</th>
                                <th scope="col">{tr::track_payment_what(lang)}</th>
                                <th scope="col">{tr::track_payment_amount(lang)}</th>
                                <th scope="col">{tr::track_payment_missing_heading(lang)}</th>
                            </tr></thead>
                            <tbody>
                                {a.payments.iter().map(|(month, kind, fen)| {
                                    let said = a.missing.iter().any(|(m, k)| m == month && k == kind);
                                    let action = format!("/track/cases/{}/missing-payment", case.reference);
                                    let label = tr::track_payment_missing_button(lang, month.clone(), payment_kind(lang, *kind));
                                    view! {
                                        <tr data-kind=kind.as_str() data-month=month.clone()>
                                            <th scope="row">{month.clone()}</th>
                                            <td>{payment_kind(lang, *kind)}</td>
                                            <td>{yuan(*fen)}</td>
                                            <td>{if said {
                                                Either::Left(view! { <span data-missing="said">{tr::track_payment_missing_said(lang)}</span> })
                                            } else {
                                                Either::Right(view! {
                                                    <form method="post" action=action class="form-inline">
                                                        <input type="hidden" name=MISSING_MONTH value=month.clone()/>
                                                        <input type="hidden" name=MISSING_KIND value=kind.as_str()/>
                                                        <button type="submit" class="button button-secondary" aria-label=label>{tr::track_payment_missing(lang)}</button>
                                                    </form>
                                                })
                                            }}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                })}
            </section>
        }
        .into_any()
    })
}

fn transfer_form(
    lang: Lang,
    case: &TrackedCase,
    now: rules::ProgrammeId,
    offer: rules::ProgrammeId,
    fen: i64,
    refused: bool,
) -> impl IntoView {
    let action = format!("/track/cases/{}/transfer", case.reference);
    let problem = refused.then(|| tr::track_transfer_choose(lang));
    let (notes, described) = crate::form_fields::hint_and_problem(
        lang,
        TRANSFER_FIELD,
        Some(tr::track_transfer_hint(lang)),
        problem,
    );
    let lead = if fen > 0 {
        tr::track_transfer_offer(lang, programme_name(lang, offer), yuan(fen))
    } else {
        tr::track_transfer_offer_no_amount(lang, programme_name(lang, offer))
    };
    view! {
        <section class="transfer" data-offer=offer.as_str() aria-labelledby="transfer-heading">
            {refused.then(|| crate::form_fields::error_summary(lang, vec![crate::form_fields::SummaryLine {
                field: TRANSFER_FIELD.to_owned(),
                text: tr::track_transfer_choose(lang).to_owned(),
            }]))}
            <h3 id="transfer-heading">{tr::track_transfer_heading(lang)}</h3>
            <p>{lead}</p>
            <p>{tr::track_transfer_meanwhile(lang, programme_name(lang, now))}</p>
            <form method="post" action=action novalidate>
                <div class="field" class:field-error=refused>
                    <fieldset aria-describedby=described>
                        <legend>{tr::track_transfer_question(lang)}</legend>
                        {notes}
                        <div class="choices">
                            <div class="choice">
                                <input type="radio" id=TRANSFER_FIELD name=TRANSFER_FIELD value="agree"/>
                                <label for=TRANSFER_FIELD>{tr::track_transfer_agree(lang)}</label>
                            </div>
                            <div class="choice">
                                <input type="radio" id="transfer-decline" name=TRANSFER_FIELD value="decline"/>
                                <label for="transfer-decline">{tr::track_transfer_decline(lang)}</label>
                            </div>
                        </div>
                    </fieldset>
                </div>
                <button type="submit" class="button">{tr::track_transfer_send(lang)}</button>
            </form>
        </section>
    }
}

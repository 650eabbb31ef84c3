//! What a recipient household receives, on its case's tracking page: the programme, the monthly
//! amount, when it is next reviewed, and each month's payment.

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
}

fn yuan(fen: i64) -> String {
    format_yuan(fen as f64 / 100.0)
}

fn payment_kind(lang: Lang, kind: casework::PaymentKind) -> &'static str {
    match kind {
        casework::PaymentKind::Regular => tr::track_payment_regular(lang),
        casework::PaymentKind::PriceSubsidy => tr::track_payment_price_subsidy(lang),
        casework::PaymentKind::Advance => tr::track_payment_advance(lang),
    }
}

pub fn assistance_section(lang: Lang, case: &TrackedCase) -> impl IntoView {
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
                {(!a.payments.is_empty()).then(|| view! {
                    <div class="dash-table-scroll">
                        <table class="dash-table payments">
                            <caption>{tr::track_payments_heading(lang)}</caption>
                            <thead><tr>
                                <th scope="col">{tr::track_payment_month(lang)}</th>
                                <th scope="col">{tr::track_payment_what(lang)}</th>
                                <th scope="col">{tr::track_payment_amount(lang)}</th>
                            </tr></thead>
                            <tbody>
                                {a.payments.iter().map(|(month, kind, fen)| view! {
                                    <tr data-kind=kind.as_str()>
                                        <th scope="row">{month.clone()}</th>
                                        <td>{payment_kind(lang, *kind)}</td>
                                        <td>{yuan(*fen)}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                })}
            </section>
        }
    })
}

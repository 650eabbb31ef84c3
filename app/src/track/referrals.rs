//! The case's referrals on the resident's tracking page: which organisation the case was passed
//! to, by when it should answer, and what it answered (what it gave, or why not and what next).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::i18n::{format_date_time, format_yuan, tr, Lang};

use super::TrackedCase;

/// One referral, as the resident sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResidentReferral {
    /// The partner's name in both languages (the name kept with the referral, for both, when the
    /// directory no longer lists the partner).
    pub partner: handbook::Localized<String>,
    /// When the answer is due (unix seconds).
    pub answer_due: Option<i64>,
    /// (`helped` | `declined`, what was given or why not, fen given).
    pub outcome: Option<(String, String, Option<i64>)>,
}

/// Server-only, type-erased as the assistance section is.
pub fn referrals_section(lang: Lang, case: &TrackedCase) -> Option<AnyView> {
    (!case.referrals.is_empty()).then(|| {
        view! {
            <section class="referrals" aria-labelledby="referrals-heading">
                <h2 id="referrals-heading">{tr::referral_track_heading(lang)}</h2>
                {case.referrals.iter().map(|r| {
                    let partner = r.partner.get(lang == Lang::En);
                    let code = r.outcome.as_ref().map(|(code, ..)| code.clone()).unwrap_or_default();
                    let text = match &r.outcome {
                        Some((code, what, fen)) if code == "helped" => {
                            let given = match fen {
                                Some(fen) => format!("{what} · {}", format_yuan(*fen as f64 / 100.0)),
                                None => what.clone(),
                            };
                            tr::referral_track_helped(lang, partner, given)
                        }
                        Some((_, reason, _)) => tr::referral_track_declined(lang, partner, reason),
                        None => tr::referral_track_waiting(
                            lang,
                            partner,
                            r.answer_due.map(|due| format_date_time(lang, due)).unwrap_or_default(),
                        ),
                    };
                    view! { <p class="notice" data-referral-outcome=code>{text}</p> }
                }).collect_view()}
            </section>
        }
        .into_any()
    })
}

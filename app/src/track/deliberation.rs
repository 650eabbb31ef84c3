//! 一事一议 on the resident's tracking page: while the case waits for its deliberation, the
//! resident (or whoever helps them) describes the hardship in their own words for the meeting,
//! and sees when it meets. The decision comes like any other, on the timeline and by SMS.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::form_fields::hint_and_problem;
use crate::i18n::{tr, Lang};

use super::TrackedCase;

/// The form's field, shared with the server that reads it.
pub const HARDSHIP_FIELD: &str = "hardship";

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ResidentDeliberation {
    /// The case waits for its deliberation: the form is shown.
    pub open: bool,
    pub hardship: Option<String>,
    /// `YYYY-MM-DD`.
    pub meeting_on: Option<String>,
    /// Just sent.
    pub sent: bool,
    /// Sent empty or too long: what was typed comes back.
    pub refused: Option<String>,
}

/// Server-only, type-erased as the assistance section is.
pub fn deliberation_section(lang: Lang, case: &TrackedCase) -> Option<AnyView> {
    let d = case.deliberation.as_ref()?;
    let problem = d
        .refused
        .as_ref()
        .map(|_| tr::deliberation_track_problem(lang));
    let (notes, described) = hint_and_problem(
        lang,
        HARDSHIP_FIELD,
        Some(tr::deliberation_track_hint(lang)),
        problem,
    );
    let typed = d.refused.clone().unwrap_or_default();
    let action = format!("/track/cases/{}/hardship", case.reference);
    Some(
        view! {
            <section class="deliberation" aria-labelledby="deliberation-heading">
                <h2 id="deliberation-heading">{tr::deliberation_track_heading(lang)}</h2>
                {d.sent.then(|| view! { <p class="notice" role="status" data-hardship-sent="">{tr::deliberation_track_sent(lang)}</p> })}
                {d.meeting_on.clone().map(|day| view! { <p data-meeting-on=day.clone()>{tr::deliberation_track_meeting(lang, &day)}</p> })}
                {d.hardship.clone().map(|text| view! { <p data-hardship="">{tr::deliberation_track_yours(lang, text)}</p> })}
                {d.open.then(|| view! {
                    <p>{tr::deliberation_track_intro(lang)}</p>
                    <form method="post" action=action class="form" novalidate>
                        <div class="field" class:field-error=problem.is_some()>
                            <label for=HARDSHIP_FIELD>{tr::deliberation_track_label(lang)}</label>
                            {notes}
                            <textarea id=HARDSHIP_FIELD name=HARDSHIP_FIELD rows="5" aria-describedby=described
                                aria-invalid=problem.map(|_| "true")>{typed}</textarea>
                        </div>
                        <button type="submit" class="button">{tr::deliberation_track_send(lang)}</button>
                    </form>
                })}
            </section>
        }
        .into_any(),
    )
}

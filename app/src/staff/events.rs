//! `/staff/events`: the county's outreach events (宣讲, 上门摸排). A supervisor creates one (its
//! place, its day, the county's volunteers on it) and gets the code to print on the poster; a
//! volunteer sees their badge's code, the events they are on and the applications they helped
//! send, with no resident's personal data. The server prepares the page
//! (`server/src/outreach_pages.rs`); the form is a plain post, so it works without JavaScript.

use casework::CaseState;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::form_fields::{coded_error_summary, hint_and_problem, SummaryLine};
use crate::i18n::{format_date_time, tr, Lang};
use crate::preferences::use_prefs;
use crate::track::status_label;

/// The form's field names, shared with the server that reads it.
pub mod event_field {
    pub const PLACE: &str = "place";
    pub const HELD_ON: &str = "held_on";
    pub const VOLUNTEER: &str = "volunteer";
}

/// Where the page lives; the form posts to the same address.
pub const EVENTS_PAGE: &str = "/staff/events";

/// One event as the page lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct EventLine {
    pub code: String,
    pub place: String,
    /// `YYYY-MM-DD`.
    pub held_on: String,
    /// (name, badge code)
    pub volunteers: Vec<(String, String)>,
    pub applications: u64,
}

/// A refused form, as it was typed, with its problems' codes (`place_required`, …).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EventRefused {
    pub problems: Vec<String>,
    pub place: String,
    pub held_on: String,
    pub chosen: Vec<i64>,
}

/// What a volunteer sees of their own work.
#[derive(Debug, Clone, PartialEq)]
pub struct VolunteerPart {
    pub code: String,
    /// (reference, event code, sent at in unix seconds, state)
    pub sent: Vec<(String, String, i64, CaseState)>,
}

/// The page as the server prepared it.
#[derive(Debug, Clone, PartialEq)]
pub struct EventsPage {
    pub county: String,
    /// Supervisors and administrators create events.
    pub may_create: bool,
    /// The county's volunteers for the form: (id, name, badge code).
    pub volunteers: Vec<(i64, String, String)>,
    pub events: Vec<EventLine>,
    pub volunteer: Option<VolunteerPart>,
    pub refused: Option<EventRefused>,
    /// The code of the event just created.
    pub created: Option<String>,
}

#[component]
pub fn StaffEventsPage() -> impl IntoView {
    let lang = use_prefs().lang;
    use_context::<EventsPage>().map(|page| events_page(lang, page))
}

/// The field a problem belongs to, and its words.
fn problem_of(lang: Lang, code: &str) -> (&'static str, &'static str) {
    match code {
        "place_required" => (event_field::PLACE, tr::events_problem_place_required(lang)),
        "place_too_long" => (event_field::PLACE, tr::events_problem_place_too_long(lang)),
        "day_invalid" => (event_field::HELD_ON, tr::events_problem_day_invalid(lang)),
        "day_out_of_range" => (
            event_field::HELD_ON,
            tr::events_problem_day_out_of_range(lang),
        ),
        "no_volunteers" => (
            event_field::VOLUNTEER,
            tr::events_problem_no_volunteers(lang),
        ),
        _ => (
            event_field::VOLUNTEER,
            tr::events_problem_unknown_volunteer(lang),
        ),
    }
}

fn events_page(lang: Lang, page: EventsPage) -> impl IntoView {
    let refused = page.refused.clone().unwrap_or_default();
    let problems: Vec<(&'static str, &'static str, String)> = refused
        .problems
        .iter()
        .map(|code| {
            let (field, text) = problem_of(lang, code);
            (field, text, code.clone())
        })
        .collect();
    let summary = problems
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
        .collect::<Vec<_>>();
    let problem_at = move |field: &str| {
        problems
            .iter()
            .find(|(f, _, _)| *f == field)
            .map(|(_, text, _)| *text)
    };
    view! {
        <Title text=tr::events_title(lang)/>
        <super::session_warning::SessionWarning/>
        {coded_error_summary(lang, summary)}
        <p><a href="/staff">{tr::case_back(lang)}</a></p>
        <h1>{tr::events_title(lang)}</h1>
        <p class="lead">{tr::events_intro(lang, crate::counties::county_name_of(lang, &page.county))}</p>
        {page.created.map(|code| view! {
            <div class="notice" role="status" data-notice="event_created">
                <p>{tr::events_created(lang, &code)}</p>
            </div>
        })}
        {page.volunteer.clone().map(|volunteer| view! {
            <dl class="summary-list">
                <div><dt>{tr::events_your_code(lang)}</dt><dd data-volunteer-code=volunteer.code.clone()><strong>{volunteer.code.clone()}</strong></dd></div>
            </dl>
        })}
        {event_list(lang, page.events)}
        {page.volunteer.map(|volunteer| sent_list(lang, volunteer))}
        {page.may_create.then(|| create_form(lang, &page.volunteers, &refused, problem_at))}
    }
}

fn event_list(lang: Lang, events: Vec<EventLine>) -> impl IntoView {
    view! {
        <h2>{tr::events_list_heading(lang)}</h2>
        {if events.is_empty() {
            view! { <p data-total="0">{tr::events_none(lang)}</p> }.into_any()
        } else {
            let total = events.len().to_string();
            view! {
                <ul class="event-list" data-total=total>
                    {events.into_iter().map(|event| view! {
                        <li data-event=event.code.clone()>
                            <h3>{event.code.clone()}</h3>
                            <dl class="summary-list">
                                <div><dt>{tr::events_place(lang)}</dt><dd>{event.place}</dd></div>
                                <div><dt>{tr::events_day(lang)}</dt><dd>{event.held_on}</dd></div>
                                <div><dt>{tr::events_volunteers(lang)}</dt><dd>{event.volunteers.iter().map(|(name, code)| format!("{name}（{code}）")).collect::<Vec<_>>().join("、")}</dd></div>
                                <div><dt>{tr::events_applications(lang)}</dt><dd data-applications=event.applications.to_string()>{event.applications}</dd></div>
                            </dl>
                        </li>
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
    }
}

fn sent_list(lang: Lang, volunteer: VolunteerPart) -> impl IntoView {
    view! {
        <h2>{tr::events_sent_heading(lang)}</h2>
        <p>{tr::events_sent_note(lang)}</p>
        {if volunteer.sent.is_empty() {
            view! { <p data-sent="0">{tr::events_sent_none(lang)}</p> }.into_any()
        } else {
            let total = volunteer.sent.len().to_string();
            view! {
                <table class="table" data-sent=total>
                    <caption class="visually-hidden">{tr::events_sent_heading(lang)}</caption>
                    <thead><tr>
                        <th scope="col">{tr::events_sent_reference(lang)}</th>
                        <th scope="col">{tr::events_sent_event(lang)}</th>
                        <th scope="col">{tr::events_sent_when(lang)}</th>
                        <th scope="col">{tr::events_sent_state(lang)}</th>
                    </tr></thead>
                    <tbody>
                        {volunteer.sent.into_iter().map(|(reference, event, at, state)| view! {
                            <tr data-reference=reference.clone() data-status=state.as_str()>
                                <td>{reference.clone()}</td>
                                <td>{event}</td>
                                <td>{format_date_time(lang, at)}</td>
                                <td>{status_label(lang, state)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
    }
}

fn create_form(
    lang: Lang,
    volunteers: &[(i64, String, String)],
    refused: &EventRefused,
    problem_at: impl Fn(&str) -> Option<&'static str>,
) -> impl IntoView {
    let place_problem = problem_at(event_field::PLACE);
    let day_problem = problem_at(event_field::HELD_ON);
    let volunteer_problem = problem_at(event_field::VOLUNTEER);
    let (place_notes, place_described) = hint_and_problem(
        lang,
        event_field::PLACE,
        Some(tr::events_place_hint(lang)),
        place_problem,
    );
    let (day_notes, day_described) = hint_and_problem(
        lang,
        event_field::HELD_ON,
        Some(tr::events_day_hint(lang)),
        day_problem,
    );
    let (volunteer_notes, volunteer_described) =
        hint_and_problem(lang, event_field::VOLUNTEER, None, volunteer_problem);
    view! {
        <h2>{tr::events_create_heading(lang)}</h2>
        <form method="post" action=EVENTS_PAGE class="form" novalidate>
            <div class="field" class:field-error=place_problem.is_some()>
                <label for=event_field::PLACE>{tr::events_place(lang)}</label>
                {place_notes}
                <input id=event_field::PLACE name=event_field::PLACE type="text" autocomplete="off"
                    value=refused.place.clone() aria-describedby=place_described
                    aria-invalid=place_problem.map(|_| "true")/>
            </div>
            <div class="field" class:field-error=day_problem.is_some()>
                <label for=event_field::HELD_ON>{tr::events_day(lang)}</label>
                {day_notes}
                <input id=event_field::HELD_ON name=event_field::HELD_ON type="date"
                    value=refused.held_on.clone() aria-describedby=day_described
                    aria-invalid=day_problem.map(|_| "true")/>
            </div>
            <div class="field" class:field-error=volunteer_problem.is_some()>
                <fieldset aria-describedby=volunteer_described>
                    <legend>{tr::events_volunteers(lang)}</legend>
                    {volunteer_notes}
                    {if volunteers.is_empty() {
                        view! { <p>{tr::events_no_volunteer_accounts(lang)}</p> }.into_any()
                    } else {
                        view! {
                            <div class="choices">
                                {volunteers.iter().enumerate().map(|(i, (id, name, code))| {
                                    // The first box carries the field's id, so the summary can link to it.
                                    let box_id = if i == 0 { event_field::VOLUNTEER.to_owned() } else { format!("volunteer-{id}") };
                                    view! {
                                        <div class="choice">
                                            <input type="checkbox" id=box_id.clone() name=event_field::VOLUNTEER
                                                value=id.to_string() checked=refused.chosen.contains(id)/>
                                            <label for=box_id>{format!("{name}（{code}）")}</label>
                                        </div>
                                    }
                                }).collect_view()}
                            </div>
                        }.into_any()
                    }}
                </fieldset>
            </div>
            <button type="submit" class="button">{tr::events_create_button(lang)}</button>
        </form>
    }
}

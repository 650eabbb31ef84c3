//! The desk's own screens: the PIN, the start (events, residents in progress, the queue, the
//! phone's space) and the receipt code after sealing. The resident's pages are the self-check's
//! and the application's own. Every form here is handled by the island (`data-outreach`); none
//! is posted anywhere.

use leptos::either::Either;
use leptos::prelude::*;

use super::OutreachVolunteer;
use crate::i18n::{format_date_time, tr, Lang};

pub const PIN_FIELD: &str = "pin";
pub const PIN_CONFIRM_FIELD: &str = "pin_confirm";
pub const EVENT_FIELD: &str = "event";
pub const ID_FIELD: &str = "id";

/// Why a PIN was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinProblem {
    Format,
    Mismatch,
    Wrong,
}

impl PinProblem {
    fn code(self) -> &'static str {
        match self {
            PinProblem::Format => "pin_format",
            PinProblem::Mismatch => "pin_mismatch",
            PinProblem::Wrong => "pin_wrong",
        }
    }

    fn message(self, lang: Lang) -> &'static str {
        match self {
            PinProblem::Format => tr::outreach_problem_pin_format(lang),
            PinProblem::Mismatch => tr::outreach_problem_pin_mismatch(lang),
            PinProblem::Wrong => tr::outreach_problem_pin_wrong(lang),
        }
    }
}

/// A PIN as typed: six digits.
pub fn pin_ok(pin: &str) -> bool {
    pin.len() == 6 && pin.bytes().all(|b| b.is_ascii_digit())
}

pub fn pin(lang: Lang, new: bool, problem: Option<PinProblem>, working: bool) -> impl IntoView {
    let (heading, lead) = if new {
        (
            tr::outreach_pin_new_heading(lang),
            tr::outreach_pin_new_lead(lang),
        )
    } else {
        (tr::outreach_pin_heading(lang), tr::outreach_pin_lead(lang))
    };
    let message = problem.map(|p| {
        view! { <p class="field-message" id="pin-error" data-problem=p.code()>{p.message(lang)}</p> }
    });
    view! {
        <h1 id="outreach-heading" tabindex="-1">{heading}</h1>
        <p>{lead}</p>
        <form data-outreach="pin" novalidate>
            <div class="field" class:field-error=problem.is_some()>
                <label for="pin">{tr::outreach_pin_label(lang)}</label>
                {message}
                <input type="password" id="pin" name=PIN_FIELD inputmode="numeric" maxlength="6"
                    autocomplete="off" aria-invalid=problem.is_some().then_some("true")
                    aria-describedby=problem.is_some().then_some("pin-error")/>
            </div>
            {new.then(|| view! {
                <div class="field">
                    <label for="pin-confirm">{tr::outreach_pin_confirm_label(lang)}</label>
                    <input type="password" id="pin-confirm" name=PIN_CONFIRM_FIELD inputmode="numeric"
                        maxlength="6" autocomplete="off"/>
                </div>
            })}
            <p class="hint" role="status">{working.then(|| tr::outreach_pin_working(lang))}</p>
            <button type="submit" class="button" disabled=working>{tr::outreach_pin_button(lang)}</button>
        </form>
        {(!new).then(|| view! {
            <details>
                <summary>{tr::outreach_forgot_heading(lang)}</summary>
                <p>{tr::outreach_forgot_lead(lang)}</p>
                <form data-outreach="forget">
                    <button type="submit" class="button button-secondary">{tr::outreach_forgot_button(lang)}</button>
                </form>
            </details>
        })}
    }
}

/// A resident in progress, as the start screen lists it.
pub struct DraftLine {
    pub id: String,
    /// The applicant's name once typed.
    pub name: Option<String>,
    /// Unix seconds.
    pub started: i64,
}

/// A record the server refused: its receipt code and the server's reason code.
pub struct RefusedLine {
    pub client_id: String,
    pub receipt_code: String,
    pub reason: String,
}

/// How the last sending ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendNote {
    Sending,
    Arrived(u32),
    Offline,
    SignIn,
    Retry,
    ReceiptInvalid,
}

pub struct Start<'a> {
    pub volunteer: &'a OutreachVolunteer,
    pub event: Option<&'a str>,
    pub drafts: &'a [DraftLine],
    pub waiting: usize,
    pub refused: &'a [RefusedLine],
    pub arrived: &'a [String],
    pub note: Option<SendNote>,
    /// (bytes used, bytes left, kept even when space runs short)
    pub space: Option<(f64, f64, bool)>,
}

/// Below this the phone warns that records could be lost.
const LOW_SPACE_BYTES: f64 = 50.0 * 1024.0 * 1024.0;

pub fn start(lang: Lang, s: &Start) -> impl IntoView {
    let events = &s.volunteer.events;
    let chosen = s
        .event
        .map(str::to_owned)
        .or_else(|| events.first().map(|e| e.code.clone()));
    let new_resident = if events.is_empty() {
        Either::Left(
            view! { <p class="notice" data-outreach="no-events">{tr::outreach_no_events(lang)}</p> },
        )
    } else {
        Either::Right(view! {
            <form data-outreach="start" novalidate>
                <fieldset class="field">
                    <legend>{tr::outreach_event_label(lang)}</legend>
                    {events.iter().map(|e| {
                        let id = format!("event-{}", e.code);
                        let checked = chosen.as_deref() == Some(e.code.as_str());
                        view! {
                            <div class="choice">
                                <input type="radio" id=id.clone() name=EVENT_FIELD value=e.code.clone() checked=checked/>
                                <label for=id>{format!("{} · {} · {}", e.place, e.held_on, e.code)}</label>
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
                <button type="submit" class="button button-start">{tr::outreach_start_button(lang)}</button>
            </form>
        })
    };
    let drafts = (!s.drafts.is_empty()).then(|| {
        view! {
            <h2>{tr::outreach_drafts_heading(lang)}</h2>
            <form data-outreach="resume">
                <ul class="outreach-list">
                    {s.drafts.iter().map(|d| {
                        let name = d.name.clone().unwrap_or_else(|| tr::outreach_draft_unnamed(lang).to_owned());
                        view! {
                            <li>
                                {tr::outreach_draft_item(lang, name, format_date_time(lang, d.started))} " "
                                <button type="submit" class="button button-secondary" name=ID_FIELD value=d.id.clone()>
                                    {tr::outreach_resume_button(lang)}
                                </button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </form>
        }
    });
    let note = s.note.map(|note| {
        let (code, text) = match note {
            SendNote::Sending => ("sending", tr::outreach_sending(lang).to_owned()),
            SendNote::Arrived(n) => ("arrived", tr::outreach_sent_result(lang, n)),
            SendNote::Offline => ("offline", tr::outreach_stopped_offline(lang).to_owned()),
            SendNote::SignIn => ("sign_in", tr::outreach_stopped_sign_in(lang).to_owned()),
            SendNote::Retry => ("retry", tr::outreach_stopped_retry(lang).to_owned()),
            SendNote::ReceiptInvalid => (
                "receipt_invalid",
                tr::outreach_stopped_receipt_invalid(lang).to_owned(),
            ),
        };
        let sign_in = (note == SendNote::SignIn).then(|| {
            view! { " " <a href="/staff/login">{tr::outreach_sign_in_link(lang)}</a> }
        });
        view! { <p class="notice" role="status" data-send=code>{text}{sign_in}</p> }
    });
    let refused = (!s.refused.is_empty()).then(|| {
        view! {
            <h2>{tr::outreach_refused_heading(lang)}</h2>
            <p>{tr::outreach_refused_lead(lang)}</p>
            <form data-outreach="remove">
                <ul class="outreach-list">
                    {s.refused.iter().map(|r| {
                        let reason = match r.reason.as_str() {
                            "sealed_invalid" => tr::outreach_refused_sealed_invalid(lang),
                            "client_id_reused" => tr::outreach_refused_client_id_reused(lang),
                            "refused" => tr::outreach_refused_refused(lang),
                            _ => tr::outreach_refused_other(lang),
                        };
                        view! {
                            <li data-refused=r.reason.clone()>
                                {tr::outreach_refused_item(lang, &r.receipt_code, reason)} " "
                                <button type="submit" class="button button-secondary" name=ID_FIELD value=r.client_id.clone()>
                                    {tr::outreach_remove_button(lang)}
                                </button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </form>
        }
    });
    let arrived = (!s.arrived.is_empty()).then(|| {
        view! {
            <h2>{tr::outreach_arrived_heading(lang)}</h2>
            <ul class="outreach-list">
                {s.arrived.iter().map(|code| view! {
                    <li data-arrived=code.clone()>{tr::outreach_arrived_item(lang, code)}</li>
                }).collect_view()}
            </ul>
        }
    });
    let space = s.space.map(|(used, left, kept)| {
        let mb = |bytes: f64| format!("{:.1}", bytes / 1024.0 / 1024.0);
        view! {
            <p class="hint" data-space="">{tr::outreach_storage_line(lang, mb(used), mb(left))}</p>
            {(left < LOW_SPACE_BYTES).then(|| view! {
                <p class="notice" data-space-warning="low">{tr::outreach_storage_low(lang)}</p>
            })}
            {(!kept).then(|| view! {
                <p class="notice" data-space-warning="not_kept">{tr::outreach_storage_not_kept(lang)}</p>
            })}
        }
    });
    view! {
        <h1 id="outreach-heading" tabindex="-1">{tr::outreach_title(lang)}</h1>
        <p class="lead">{tr::outreach_lead(lang)}</p>
        {new_resident}
        {drafts}
        <h2>{tr::outreach_queue_heading(lang)}</h2>
        <p data-waiting=s.waiting.to_string()>
            {if s.waiting == 0 {
                tr::outreach_queue_empty(lang).to_owned()
            } else {
                tr::outreach_queue_waiting(lang, s.waiting)
            }}
        </p>
        {note}
        <form data-outreach="sync">
            <button type="submit" class="button button-secondary">{tr::outreach_send_button(lang)}</button>
        </form>
        {refused}
        {arrived}
        {space}
        <form data-outreach="lock">
            <button type="submit" class="button button-secondary">{tr::outreach_lock_button(lang)}</button>
        </form>
    }
}

/// The link back to the start, above every page of a resident's application.
pub fn back_to_start(lang: Lang) -> impl IntoView {
    view! {
        <form data-outreach="desk" class="outreach-back">
            <button type="submit" class="button-link">{tr::outreach_back_to_desk(lang)}</button>
        </form>
    }
}

pub fn sealed(lang: Lang, receipt_code: &str) -> impl IntoView {
    view! {
        <div class="confirmation">
            <h1 id="outreach-heading" tabindex="-1">{tr::outreach_sealed_heading(lang)}</h1>
            <p>{tr::outreach_sealed_code_label(lang)}</p>
            <p class="reference" data-receipt-code=receipt_code.to_owned()>{receipt_code.to_owned()}</p>
        </div>
        <p>{tr::outreach_sealed_lead(lang)}</p>
        <p>{tr::outreach_sealed_note(lang)}</p>
        <form data-outreach="desk">
            <button type="submit" class="button">{tr::outreach_next_resident(lang)}</button>
        </form>
    }
}

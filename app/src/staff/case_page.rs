//! `/staff/cases/{reference}`: one case for the caseworkers of its county. What is due and by
//! when (with a running clock for emergencies), the steps allowed now as forms, the applicant's
//! data, the self-check trail recomputed by the rules engine, documents, consents, the timeline
//! with who did what, and messages to the applicant. The server prepares the page
//! ([`CasePage`] in the context); every form posts to the server and comes back here.

use casework::CaseState;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::apply::document_label;
use crate::form_fields::{coded_error_summary, SummaryLine};
use crate::i18n::{format_date_time, format_yuan, tr, Lang};
use crate::preferences::use_prefs;
use crate::self_check::{check_sentence, met_label, programme_name, programme_status_label};
use crate::track::status_label;
use casework::DocumentKind;

/// A case as the case page shows it; times are unix seconds.
#[derive(Debug, Clone, PartialEq)]
pub struct CasePage {
    pub reference: String,
    pub county: String,
    pub status: CaseState,
    pub now: i64,
    /// (kind: `advance` | `accept` | `decision` | `notice_ends`, due at, overdue).
    pub deadline: Option<(String, i64, bool)>,
    /// `staff` | `supervisor` | `applicant` | `partner`.
    pub next_actor: Option<String>,
    pub applicant: ApplicantDetails,
    /// (urgency, kind) of a declared emergency.
    pub emergency: Option<(String, String)>,
    pub programmes: Vec<rules::ProgrammeId>,
    pub assessment: Option<rules::Assessment>,
    /// The advance assistance given, in yuan, and the most that may be given.
    pub advance_paid: Option<f64>,
    pub advance_cap: Option<i64>,
    /// (document, status: `missing` | `uploaded` | `supplied`).
    pub documents: Vec<(String, String)>,
    /// (document, content type, size in bytes, uploaded at).
    pub uploads: Vec<(String, String, i64, i64)>,
    /// (kind, member, text version, given by, at).
    pub consents: Vec<(String, Option<i64>, String, String, i64)>,
    /// (state, at, note, actor, second actor).
    pub events: Vec<(CaseState, i64, String, String, Option<String>)>,
    /// (at, text, author).
    pub messages: Vec<(i64, String, String)>,
    /// The case's referrals, oldest first.
    pub referrals: Vec<super::referrals::ReferralRow>,
    /// The 一事一议 deliberation, once the case is sent to one.
    pub deliberation: Option<super::deliberation::DeliberationPart>,
    /// The partners of the directory that serve the case's county: (id, Chinese name, English
    /// name).
    pub partners: Vec<(String, String, String)>,
    /// The steps the signed-in member of staff may take now (action names).
    pub actions: Vec<String>,
    /// The steps whose note is a written reason, from the case's state now (action names).
    pub reason_actions: Vec<String>,
    /// After a refused step or message: which form, what was typed, and each problem by field.
    pub refused: Option<Refused>,
    /// The step just taken, or `message` after a message was sent.
    pub done: Option<String>,
}

/// The applicant's data, opened for the caseworker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicantDetails {
    pub name: String,
    pub id_number: String,
    pub phone: String,
    pub address: String,
    pub submitted_by: Submitter,
}

/// Who filled in the application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Submitter {
    Applicant,
    Family {
        name: String,
        relation: String,
        phone: String,
    },
    Volunteer {
        volunteer: String,
        event: String,
    },
}

/// A form that came back: its name (`message` or an action), the fields as typed, and the
/// problems by field name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub form: String,
    pub fields: crate::posted_form::Fields,
    pub problems: Vec<(&'static str, CaseProblem)>,
}

/// Why a step or a message was refused, as the page explains it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseProblem {
    Reason,
    Documents,
    /// The second visitor's password is wrong, or they may not be the second visitor: one
    /// answer for both, so the form tells a guesser nothing.
    SecondLogin,
    /// Too many password checks from this client.
    SecondThrottled,
    Amount,
    /// The cap, in whole yuan.
    AmountOver(i64),
    /// The case declared no emergency: no advance help.
    NoEmergency,
    /// The advances would come to more than the household's cap (both in fen).
    AdvanceOverCap {
        cap_fen: i64,
        paid_fen: i64,
    },
    Organisation,
    ReferralConsent,
    /// A referral's outcome: helped or declined not chosen.
    ReferralOutcome,
    /// Helped, without what was given.
    ReferralWhat,
    /// Declined, without why.
    ReferralReason,
    /// The outcome was recorded already.
    ReferralRecorded,
    /// A case in deliberation is decided after the meeting's record, as the meeting decided.
    NoDeliberationRecord,
    NotAsDeliberated,
    /// The meeting's day: not a date, or past.
    MeetingDay,
    /// The day it was held: not a date, or still to come.
    HeldDay,
    /// Fewer than three people sat.
    Members,
    /// Minutes or reason left empty or too long.
    Minutes,
    Reason2,
    MeetingDecision,
    NotScheduled,
    DeliberationRecorded,
    /// The notice ends at (unix seconds).
    NoticeRunning(i64),
    NotAllowed,
    NeedsSupervisor,
    MessageEmpty,
    MessageTooLong,
}

impl CaseProblem {
    /// The problem's code, in the page's `data-problem` (for tests and monitoring).
    pub fn as_str(self) -> &'static str {
        match self {
            CaseProblem::Reason => "reason",
            CaseProblem::Documents => "documents",
            CaseProblem::SecondLogin => "second_login",
            CaseProblem::SecondThrottled => "second_throttled",
            CaseProblem::Amount => "amount",
            CaseProblem::AmountOver(_) => "amount_over",
            CaseProblem::NoEmergency => "no_emergency",
            CaseProblem::ReferralOutcome => "referral_outcome",
            CaseProblem::ReferralWhat => "referral_what",
            CaseProblem::ReferralReason => "referral_reason",
            CaseProblem::ReferralRecorded => "referral_recorded",
            CaseProblem::NoDeliberationRecord => "no_deliberation_record",
            CaseProblem::NotAsDeliberated => "not_as_deliberated",
            CaseProblem::MeetingDay => "meeting_day",
            CaseProblem::HeldDay => "held_day",
            CaseProblem::Members => "members",
            CaseProblem::Minutes => "minutes",
            CaseProblem::Reason2 => "meeting_reason",
            CaseProblem::MeetingDecision => "meeting_decision",
            CaseProblem::NotScheduled => "not_scheduled",
            CaseProblem::DeliberationRecorded => "deliberation_recorded",
            CaseProblem::AdvanceOverCap { .. } => "advance_over_cap",
            CaseProblem::Organisation => "organisation",
            CaseProblem::ReferralConsent => "referral_consent",
            CaseProblem::NoticeRunning(_) => "notice_running",
            CaseProblem::NotAllowed => "not_allowed",
            CaseProblem::NeedsSupervisor => "needs_supervisor",
            CaseProblem::MessageEmpty => "message_empty",
            CaseProblem::MessageTooLong => "message_too_long",
        }
    }
}

fn problem_message(lang: Lang, problem: CaseProblem) -> String {
    match problem {
        CaseProblem::Reason => tr::case_problem_reason(lang).to_owned(),
        CaseProblem::Documents => tr::case_problem_documents(lang).to_owned(),
        CaseProblem::SecondThrottled => tr::case_problem_second_throttled(lang).to_owned(),
        CaseProblem::SecondLogin => tr::case_problem_second_login(lang).to_owned(),
        CaseProblem::Amount => tr::case_problem_amount(lang).to_owned(),
        CaseProblem::AmountOver(cap) => tr::case_problem_amount_over(lang, format_yuan(cap as f64)),
        CaseProblem::NoEmergency => tr::case_problem_no_emergency(lang).to_owned(),
        CaseProblem::AdvanceOverCap { cap_fen, paid_fen } if paid_fen <= 0 => {
            tr::case_problem_amount_over(lang, format_yuan(cap_fen as f64 / 100.0))
        }
        CaseProblem::AdvanceOverCap { cap_fen, paid_fen } => tr::case_problem_advance_over_paid(
            lang,
            format_yuan(paid_fen as f64 / 100.0),
            format_yuan(cap_fen as f64 / 100.0),
            format_yuan((cap_fen - paid_fen).max(0) as f64 / 100.0),
        ),
        CaseProblem::Organisation => tr::case_problem_organisation(lang).to_owned(),
        CaseProblem::ReferralConsent => tr::case_problem_referral_consent(lang).to_owned(),
        CaseProblem::ReferralOutcome => tr::referral_problem_outcome(lang).to_owned(),
        CaseProblem::ReferralWhat => tr::referral_problem_what(lang).to_owned(),
        CaseProblem::ReferralReason => tr::referral_problem_reason(lang).to_owned(),
        CaseProblem::ReferralRecorded => tr::referral_problem_recorded(lang).to_owned(),
        CaseProblem::NoDeliberationRecord => tr::deliberation_problem_no_record(lang).to_owned(),
        CaseProblem::NotAsDeliberated => tr::deliberation_problem_not_as_decided(lang).to_owned(),
        CaseProblem::MeetingDay => tr::deliberation_problem_meeting_day(lang).to_owned(),
        CaseProblem::HeldDay => tr::deliberation_problem_held_day(lang).to_owned(),
        CaseProblem::Members => tr::deliberation_problem_members(lang).to_owned(),
        CaseProblem::Minutes => tr::deliberation_problem_minutes(lang).to_owned(),
        CaseProblem::Reason2 => tr::deliberation_problem_reason(lang).to_owned(),
        CaseProblem::MeetingDecision => tr::deliberation_problem_decision(lang).to_owned(),
        CaseProblem::NotScheduled => tr::deliberation_problem_not_scheduled(lang).to_owned(),
        CaseProblem::DeliberationRecorded => tr::deliberation_problem_recorded(lang).to_owned(),
        CaseProblem::NoticeRunning(ends) => {
            tr::case_problem_notice_running(lang, format_date_time(lang, ends))
        }
        CaseProblem::NotAllowed => tr::case_problem_not_allowed(lang).to_owned(),
        CaseProblem::NeedsSupervisor => tr::case_problem_needs_supervisor(lang).to_owned(),
        CaseProblem::MessageEmpty => tr::case_message_empty(lang).to_owned(),
        CaseProblem::MessageTooLong => tr::case_message_too_long(lang).to_owned(),
    }
}

/// The names of the case page's form fields, read back by the server's handlers.
pub mod case_field {
    /// The step (a case action's wire name), or `message` for the message form.
    pub const ACTION: &str = "action";
    pub const NOTE: &str = "note";
    pub const COMPLEX: &str = "complex";
    pub const DOCUMENTS: &str = "documents";
    pub const SECOND_USERNAME: &str = "second_username";
    pub const SECOND_PASSWORD: &str = "second_password";
    pub const AMOUNT: &str = "amount";
    pub const ORGANISATION: &str = "organisation";
    pub const REFERRAL_CONSENT: &str = "referral_consent";
    /// A referral's outcome (`helped` | `declined`), and what was given or why not.
    pub const OUTCOME: &str = "outcome";
    pub const OUTCOME_TEXT: &str = "outcome_text";
    /// The deliberation's forms: `schedule` or `record`, and their fields.
    pub const DELIBERATION_STEP: &str = "step";
    pub const MEETING_ON: &str = "meeting_on";
    pub const HELD_ON: &str = "held_on";
    pub const MEMBERS: &str = "members";
    pub const MINUTES: &str = "minutes";
    pub const MEETING_DECISION: &str = "meeting_decision";
    pub const MEETING_REASON: &str = "meeting_reason";
    /// The message to the applicant; also the name of its form.
    pub const MESSAGE: &str = "message";
}

/// An amount of money as typed (full-width digits, 元 and ¥ are fine), in fen; `None` unless it
/// is a positive number.
pub fn parse_amount_fen(text: &str) -> Option<i64> {
    let fen = rules::Fen::parse_yuan(&crate::self_check::normalise_number(text)).ok()?;
    (fen.0 > 0 && fen.0 < MAX_AMOUNT_FEN).then_some(fen.0)
}

/// Amounts staff type are below a billion yuan: anything more is a typing error.
const MAX_AMOUNT_FEN: i64 = 100_000_000_000;

/// The URL the steps post to.
pub fn act_url(reference: &str) -> String {
    format!("/staff/cases/{reference}/act")
}

pub fn message_url(reference: &str) -> String {
    format!("/staff/cases/{reference}/message")
}

/// The id of a field of one of the page's forms.
pub fn field_id(form: &str, field: &str) -> String {
    format!("{form}-{field}")
}

#[component]
pub fn StaffCasePage() -> impl IntoView {
    let lang = use_prefs().lang;
    use_context::<CasePage>().map(|page| case_page(lang, page))
}

fn case_page(lang: Lang, page: CasePage) -> impl IntoView {
    let title = tr::case_title(lang, &page.reference);
    let summary = page.refused.as_ref().map(|r| {
        r.problems
            .iter()
            .map(|(field, problem)| {
                let line = SummaryLine {
                    field: field_id(&r.form, field),
                    text: problem_message(lang, *problem),
                };
                (line, problem.as_str().to_owned())
            })
            .collect::<Vec<_>>()
    });
    view! {
        <Title text=title.clone()/>
        <super::session_warning::SessionWarning/>
        <script src="/clock.js" defer></script>
        {coded_error_summary(lang, summary.unwrap_or_default())}
        <p><a href="/staff">{tr::case_back(lang)}</a></p>
        <h1>{title}</h1>
        {page.done.as_deref().map(|done| view! {
            <div class="notice" role="status" data-notice=done.to_owned()>{done_text(lang, done)}</div>
        })}
        {status_block(lang, &page)}
        {actions_block(lang, &page)}
        {applicant_block(lang, &page)}
        {super::referrals::referrals_block(lang, &page)}
        {super::deliberation::deliberation_block(lang, &page)}
        {trail_block(lang, &page)}
        {documents_block(lang, &page)}
        {timeline_block(lang, &page)}
        {messages_block(lang, &page)}
        {consents_block(lang, &page)}
    }
}

fn done_text(lang: Lang, done: &str) -> String {
    if done == case_field::MESSAGE {
        tr::case_message_sent(lang).to_owned()
    } else {
        tr::case_done(lang, action_label(lang, done))
    }
}

pub fn action_label(lang: Lang, action: &str) -> &'static str {
    match action {
        "accept" => tr::case_action_accept(lang),
        "request_documents" => tr::case_action_request_documents(lang),
        "documents_received" => tr::case_action_documents_received(lang),
        "start_verification" => tr::case_action_start_verification(lang),
        "start_home_visit" => tr::case_action_start_home_visit(lang),
        "record_home_visit" => tr::case_action_record_home_visit(lang),
        "start_public_notice" => tr::case_action_start_public_notice(lang),
        "approve" => tr::case_action_approve(lang),
        "reject" => tr::case_action_reject(lang),
        "start_paying" => tr::case_action_start_paying(lang),
        "close" => tr::case_action_close(lang),
        "record_advance" => tr::case_action_record_advance(lang),
        "refer" => tr::case_action_refer(lang),
        "send_to_deliberation" => tr::case_action_send_to_deliberation(lang),
        "referral" => tr::referral_record(lang),
        "deliberation" => tr::deliberation_heading(lang),
        _ => tr::case_action_withdraw(lang),
    }
}

/// "Within 1 h 20 min" or "1 h 5 min late", kept up to date by `/clock.js` where scripts run.
pub fn clock(lang: Lang, due: i64, now: i64) -> impl IntoView {
    let left = due - now;
    let (hours, minutes) = (left.abs() / 3600, (left.abs() % 3600) / 60);
    let text = if left >= 0 {
        tr::case_clock_left(lang, hours, minutes)
    } else {
        tr::case_clock_late(lang, hours, minutes)
    };
    view! {
        <span class="clock" class:clock-late=left < 0 data-due=due.to_string() data-now=now.to_string()
            data-left=tr::case_clock_left(lang, "{h}", "{m}") data-late=tr::case_clock_late(lang, "{h}", "{m}")>
            {text}
        </span>
    }
}

pub fn deadline_text(lang: Lang, kind: &str, due: i64) -> String {
    let at = format_date_time(lang, due);
    match kind {
        "advance" => tr::track_deadline_advance(lang, at),
        "accept" => tr::track_deadline_accept(lang, at),
        "notice_ends" => tr::track_step_notice_ends(lang, at),
        _ => tr::track_step_decision(lang, at),
    }
}

fn status_block(lang: Lang, page: &CasePage) -> impl IntoView {
    let deadline = page.deadline.clone().map(|(kind, due, overdue)| {
        view! {
            <p class="notice" class:notice-late=overdue>
                {deadline_text(lang, &kind, due)}" "
                {overdue.then(|| view! { <strong class="tag tag-late">{tr::case_overdue(lang)}</strong> " " })}
                {(kind == "advance").then(|| clock(lang, due, page.now))}
            </p>
        }
    });
    let emergency = page.emergency.clone().map(|(urgency, kind)| {
        let hours = if urgency == "critical" { 2 } else { 24 };
        view! { <p><strong class="tag tag-urgent">{tr::case_emergency(lang, hours, emergency_kind_label(lang, &kind))}</strong></p> }
    });
    view! {
        <p class="programme-amount" data-status=page.status.as_str()>{tr::track_status_now(lang, status_label(lang, page.status))}</p>
        {emergency}
        {deadline}
        {page.next_actor.as_deref().map(|actor| view! { <p>{actor_text(lang, actor)}</p> })}
    }
}

pub fn actor_text(lang: Lang, actor: &str) -> &'static str {
    match actor {
        "staff" => tr::track_step_actor_staff(lang),
        "supervisor" => tr::track_step_actor_supervisor(lang),
        "applicant" => tr::track_step_actor_applicant(lang),
        _ => tr::track_step_actor_partner(lang),
    }
}

fn emergency_kind_label(lang: Lang, kind: &str) -> &'static str {
    rules::EmergencyKind::parse(kind)
        .map(|k| crate::self_check::emergency_label(lang, k))
        .unwrap_or_default()
}

fn actions_block(lang: Lang, page: &CasePage) -> impl IntoView {
    let forms = page
        .actions
        .iter()
        .map(|action| action_form(lang, page, action))
        .collect_view();
    view! {
        <h2>{tr::case_actions_heading(lang)}</h2>
        {if page.actions.is_empty() {
            Either::Left(view! { <p>{tr::case_actions_none(lang)}</p> })
        } else {
            Either::Right(view! { <p>{tr::case_actions_lead(lang)}</p> <div class="case-actions">{forms}</div> })
        }}
    }
}

/// What a refused form had typed in a field, and its problem.
pub(super) fn typed(
    lang: Lang,
    page: &CasePage,
    form: &str,
    field: &str,
) -> (String, Option<String>) {
    let Some(refused) = page.refused.as_ref().filter(|r| r.form == form) else {
        return (String::new(), None);
    };
    let problem = refused
        .problems
        .iter()
        .find(|(f, _)| *f == field)
        .map(|(_, problem)| problem_message(lang, *problem));
    (refused.fields.text(field), problem)
}

pub(super) fn problem_text(lang: Lang, problem: Option<String>, id: &str) -> impl IntoView {
    problem.map(|text| {
        view! {
            <p class="field-message" id=format!("{id}-error")>
                <span class="visually-hidden">{tr::form_error_prefix(lang)}</span>{text}
            </p>
        }
    })
}

fn text_field(
    lang: Lang,
    page: &CasePage,
    form: &str,
    field: &str,
    label: &'static str,
    hint: Option<&'static str>,
    kind: &'static str,
) -> impl IntoView {
    let id = field_id(form, field);
    let (value, problem) = typed(lang, page, form, field);
    let described = match (hint.is_some(), problem.is_some()) {
        (true, true) => format!("{id}-hint {id}-error"),
        (true, false) => format!("{id}-hint"),
        (false, true) => format!("{id}-error"),
        (false, false) => String::new(),
    };
    let value = if kind == "password" {
        String::new()
    } else {
        value
    };
    view! {
        <div class="field" class:field-error=problem.is_some()>
            <label for=id.clone()>{label}</label>
            {hint.map(|h| view! { <p class="hint" id=format!("{id}-hint")>{h}</p> })}
            {problem_text(lang, problem.clone(), &id)}
            <input id=id.clone() name=field.to_owned() type=kind value=value autocomplete="off"
                aria-describedby=(!described.is_empty()).then_some(described)/>
        </div>
    }
}

fn action_form(lang: Lang, page: &CasePage, action: &str) -> impl IntoView {
    let form = action.to_owned();
    let note_id = field_id(&form, case_field::NOTE);
    let (note, note_problem) = typed(lang, page, &form, case_field::NOTE);
    let reason = page.reason_actions.iter().any(|a| a == action);
    let note_label = if reason {
        tr::case_reason(lang)
    } else {
        tr::case_note(lang)
    };
    let open = page.refused.as_ref().is_some_and(|r| r.form == form);
    let extra = match action {
        "accept" => {
            let (complex, _) = typed(lang, page, &form, case_field::COMPLEX);
            let id = field_id(&form, case_field::COMPLEX);
            Some(view! {
                <div class="field checkbox">
                    <input type="checkbox" id=id.clone() name=case_field::COMPLEX value="yes" checked=!complex.is_empty()/>
                    <label for=id>{tr::case_complex(lang)}</label>
                </div>
            }.into_any())
        }
        "request_documents" => {
            let id = field_id(&form, case_field::DOCUMENTS);
            let (_, problem) = typed(lang, page, &form, case_field::DOCUMENTS);
            let chosen: Vec<String> = page
                .refused
                .as_ref()
                .filter(|r| r.form == form)
                .map(|r| r.fields.all(case_field::DOCUMENTS).map(str::to_owned).collect())
                .unwrap_or_default();
            Some(view! {
                <fieldset class="field" class:field-error=problem.is_some() id=id.clone()>
                    <legend>{tr::case_documents_choose(lang)}</legend>
                    {problem_text(lang, problem.clone(), &id)}
                    {DocumentKind::ALL.iter().map(|kind| kind.as_str()).map(|d| {
                        let box_id = format!("{id}-{d}");
                        view! {
                            <div class="checkbox">
                                <input type="checkbox" id=box_id.clone() name=case_field::DOCUMENTS value=d checked=chosen.iter().any(|c| c == d)/>
                                <label for=box_id>{document_label(lang, d)}</label>
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
            }.into_any())
        }
        "record_home_visit" => Some(view! {
            {text_field(lang, page, &form, case_field::SECOND_USERNAME, tr::case_second_username(lang), Some(tr::case_second_hint(lang)), "text")}
            {text_field(lang, page, &form, case_field::SECOND_PASSWORD, tr::case_second_password(lang), None, "password")}
        }.into_any()),
        "record_advance" => {
            let paid = page.advance_paid.filter(|paid| *paid > 0.0);
            let hint = page.advance_cap.map(|cap| match paid {
                Some(paid) => tr::case_advance_left(lang, format_yuan(cap as f64), format_yuan(paid), format_yuan((cap as f64 - paid).max(0.0))),
                None => tr::case_advance_cap(lang, format_yuan(cap as f64)),
            });
            let id = field_id(&form, case_field::AMOUNT);
            let (value, problem) = typed(lang, page, &form, case_field::AMOUNT);
            Some(view! {
                <div class="field" class:field-error=problem.is_some()>
                    <label for=id.clone()>{tr::case_advance_amount(lang)}</label>
                    {hint.map(|h| view! { <p class="hint" id=format!("{id}-hint")>{h}</p> })}
                    {problem_text(lang, problem.clone(), &id)}
                    <input id=id.clone() name=case_field::AMOUNT type="text" inputmode="decimal" class="input-number" value=value autocomplete="off"/>
                </div>
            }.into_any())
        }
        "refer" => {
            let id = field_id(&form, case_field::REFERRAL_CONSENT);
            let (consent, problem) = typed(lang, page, &form, case_field::REFERRAL_CONSENT);
            Some(view! {
                {super::referrals::partner_select(lang, page, &form)}
                <div class="field checkbox" class:field-error=problem.is_some()>
                    {problem_text(lang, problem.clone(), &id)}
                    <input type="checkbox" id=id.clone() name=case_field::REFERRAL_CONSENT value="yes" checked=!consent.is_empty()/>
                    <label for=id>{tr::case_referral_consent(lang)}</label>
                </div>
            }.into_any())
        }
        _ => None,
    };
    let described = if note_problem.is_some() {
        format!("{note_id}-hint {note_id}-error")
    } else {
        format!("{note_id}-hint")
    };
    view! {
        <details class="case-action" open=open>
            <summary>{action_label(lang, action)}</summary>
            <form method="post" action=act_url(&page.reference) novalidate>
                <input type="hidden" name=case_field::ACTION value=form.clone()/>
                {extra}
                <div class="field" class:field-error=note_problem.is_some()>
                    <label for=note_id.clone()>{note_label}</label>
                    <p class="hint" id=format!("{note_id}-hint")>{tr::case_note_hint(lang)}</p>
                    {problem_text(lang, note_problem.clone(), &note_id)}
                    <textarea id=note_id.clone() aria-required=reason.then_some("true") name=case_field::NOTE rows="3" aria-describedby=described>{note}</textarea>
                </div>
                <button type="submit" class="button">{action_label(lang, action)}</button>
            </form>
        </details>
    }
}

fn applicant_block(lang: Lang, page: &CasePage) -> impl IntoView {
    let sep = tr::check_list_separator(lang);
    let programmes = page
        .programmes
        .iter()
        .map(|p| programme_name(lang, *p))
        .collect::<Vec<_>>()
        .join(sep);
    let applicant = &page.applicant;
    let submitted_by = match &applicant.submitted_by {
        Submitter::Applicant => tr::case_submitted_self(lang).to_owned(),
        Submitter::Family {
            name,
            relation,
            phone,
        } => tr::case_submitted_family(lang, name, relation, phone),
        Submitter::Volunteer { volunteer, event } => {
            tr::case_submitted_volunteer(lang, volunteer, event)
        }
    };
    let rows = [
        (tr::case_applicant_name(lang), applicant.name.clone()),
        (
            tr::case_applicant_id_number(lang),
            applicant.id_number.clone(),
        ),
        (tr::case_applicant_phone(lang), applicant.phone.clone()),
        (tr::case_applicant_address(lang), applicant.address.clone()),
        (
            tr::case_applicant_county(lang),
            crate::counties::county_name_of(lang, &page.county).to_owned(),
        ),
        (tr::case_applicant_submitted_by(lang), submitted_by),
    ];
    view! {
        <h2>{tr::case_applicant_heading(lang)}</h2>
        <dl class="summary-list">
            {rows.into_iter().map(|(label, value)| view! {
                <div><dt>{label}</dt><dd>{value}</dd></div>
            }).collect_view()}
            <div><dt>{tr::track_programmes(lang)}</dt><dd>{programmes}</dd></div>
            {page.advance_paid.map(|yuan| view! {
                <div><dt>{tr::case_advance_paid(lang)}</dt><dd>{format_yuan(yuan)}</dd></div>
            })}
        </dl>
    }
}

fn trail_block(lang: Lang, page: &CasePage) -> impl IntoView {
    let Some(assessment) = page.assessment.as_ref() else {
        return Either::Left(
            view! { <h2>{tr::case_trail_heading(lang)}</h2> <p>{tr::case_trail_missing(lang)}</p> },
        );
    };
    let household = &assessment.household;
    Either::Right(view! {
        <h2>{tr::case_trail_heading(lang)}</h2>
        <p>{tr::case_trail_lead(lang, household.size, format_yuan(household.per_capita_monthly_income), assessment.standards.year)}</p>
        <ul class="trail">
            {assessment.programmes.iter().map(|result| {
                let amount = result.monthly_amount.map(|a| tr::case_trail_amount(lang, format_yuan(a as f64)));
                view! {
                    <li>
                        <details>
                            <summary>
                                <strong>{programme_name(lang, result.programme)}</strong>" · "
                                {programme_status_label(lang, result.status)}
                                {amount.map(|a| view! { " · " {a} })}
                            </summary>
                            <ul>
                                {result.checks.iter().map(|check| view! {
                                    <li>{check_sentence(lang, check)}" — "<strong>{met_label(lang, check.passed)}</strong></li>
                                }).collect_view()}
                            </ul>
                        </details>
                    </li>
                }
            }).collect_view()}
        </ul>
    })
}

fn document_status(lang: Lang, status: &str) -> &'static str {
    match status {
        "missing" => tr::case_document_missing(lang),
        "uploaded" => tr::case_document_uploaded(lang),
        _ => tr::case_document_supplied(lang),
    }
}

fn documents_block(lang: Lang, page: &CasePage) -> impl IntoView {
    view! {
        <h2>{tr::case_documents_heading(lang)}</h2>
        {if page.documents.is_empty() {
            Either::Left(view! { <p>{tr::case_documents_none(lang)}</p> })
        } else {
            Either::Right(view! {
                <ul class="todo">
                    {page.documents.iter().map(|(document, status)| view! {
                        <li data-todo=status.clone() data-document=document.clone()><strong>{document_status(lang, status)}</strong>" "{document_label(lang, document)}</li>
                    }).collect_view()}
                </ul>
            })
        }}
        {(!page.uploads.is_empty()).then(|| view! {
            <h3>{tr::case_uploads_heading(lang)}</h3>
            <ul>
                {page.uploads.iter().enumerate().map(|(i, (document, kind, size, at))| view! {
                    <li>
                        {tr::case_upload_line(lang, document_label(lang, document), kind, format!("{:.1}", *size as f64 / 1_048_576.0), format_date_time(lang, *at))}" "
                        <a href=format!("/staff/cases/{}/uploads/{}", page.reference, i + 1)>{tr::case_upload_open(lang, i + 1)}</a>
                    </li>
                }).collect_view()}
            </ul>
        })}
    }
}

fn timeline_block(lang: Lang, page: &CasePage) -> impl IntoView {
    view! {
        <h2>{tr::track_timeline_heading(lang)}</h2>
        <ol class="timeline">
            {page.events.iter().map(|(state, at, note, actor, second)| {
                // The applicant's own steps (a withdrawal) carry no username.
                let id = actor.clone();
                let actor = if actor == "applicant" { tr::case_actor_applicant(lang) } else { actor.as_str() };
                let by = match second {
                    Some(second) => tr::case_by_two(lang, actor, second),
                    None => tr::case_by(lang, actor),
                };
                view! {
                    <li data-status=state.as_str() data-actor=id>
                        <strong>{status_label(lang, *state)}</strong>
                        <span class="timeline-time">{format_date_time(lang, *at)}" · "{by}</span>
                        {(!note.is_empty()).then(|| view! { <span>{note.clone()}</span> })}
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}

fn messages_block(lang: Lang, page: &CasePage) -> impl IntoView {
    let form = case_field::MESSAGE;
    let id = field_id(form, case_field::MESSAGE);
    let (typed_text, problem) = typed(lang, page, form, case_field::MESSAGE);
    view! {
        <h2>{tr::case_messages_heading(lang)}</h2>
        {page.messages.is_empty().then(|| view! { <p>{tr::case_messages_none(lang)}</p> })}
        <ul class="messages">
            {page.messages.iter().map(|(at, text, author)| view! {
                <li><span class="timeline-time">{format_date_time(lang, *at)}" · "{author.clone()}</span>{text.clone()}</li>
            }).collect_view()}
        </ul>
        <form method="post" action=message_url(&page.reference) novalidate>
            <div class="field" class:field-error=problem.is_some()>
                <label for=id.clone()>{tr::case_message_label(lang)}</label>
                <p class="hint" id=format!("{id}-hint")>{tr::case_message_hint(lang)}</p>
                {problem_text(lang, problem.clone(), &id)}
                <textarea id=id.clone() name=case_field::MESSAGE rows="3" aria-describedby=format!("{id}-hint")>{typed_text}</textarea>
            </div>
            <button type="submit" class="button button-secondary">{tr::case_message_send(lang)}</button>
        </form>
    }
}

fn consent_label(lang: Lang, kind: &str) -> &'static str {
    match kind {
        "three_in_one" => tr::case_consent_three_in_one(lang),
        "verification_authorization" => tr::case_consent_verification(lang),
        "sensitive_information" => tr::case_consent_sensitive(lang),
        "guardian_for_child" => tr::case_consent_guardian(lang),
        "public_notice" => tr::case_consent_public_notice(lang),
        "applicant_confirmed" => tr::case_consent_applicant_confirmed(lang),
        _ => tr::case_consent_referral(lang),
    }
}

fn consents_block(lang: Lang, page: &CasePage) -> impl IntoView {
    view! {
        <h2>{tr::case_consents_heading(lang)}</h2>
        <ul>
            {page.consents.iter().map(|(kind, member, version, given_by, at)| {
                let who = member.map(|m| tr::case_consent_member(lang, m + 1)).unwrap_or_default();
                view! {
                    <li>{tr::case_consent_line(lang, consent_label(lang, kind), who, version, given_by, format_date_time(lang, *at))}</li>
                }
            }).collect_view()}
        </ul>
    }
}

//! The 一事一议 deliberation on the staff case page: the hardship in the resident's own words,
//! the form that schedules the meeting, and the form that keeps its record (the day it was held,
//! who sat, the minutes, the decision and its reason), due a few working days after the meeting.
//! A case in deliberation is decided only after its record, and only as the meeting decided.
//! The server reads the posts (`server/src/case_pages.rs`).

use leptos::prelude::*;

use super::case_page::{case_field, field_id, problem_text, typed, CasePage};
use crate::i18n::{format_date_time, tr, Lang};

/// The deliberation as the case page shows it; times are unix seconds, days `YYYY-MM-DD`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DeliberationPart {
    /// The case is in deliberation now: the forms are shown.
    pub open: bool,
    pub hardship: Option<(String, i64)>,
    pub meeting_on: Option<String>,
    pub record_due: Option<i64>,
    pub record: Option<MeetingShown>,
}

/// The meeting's record as kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingShown {
    /// `YYYY-MM-DD`.
    pub held_on: String,
    pub members: Vec<String>,
    pub minutes: String,
    /// `approve` | `reject`.
    pub decision: String,
    pub reason: String,
    pub recorded_at: i64,
    pub recorded_by: String,
}

pub fn deliberation_url(reference: &str) -> String {
    format!("/staff/cases/{reference}/deliberation")
}

pub const SCHEDULE_FORM: &str = "deliberation-schedule";
pub const RECORD_FORM: &str = "deliberation-record";

pub(super) fn deliberation_block(lang: Lang, page: &CasePage) -> Option<AnyView> {
    let part = page.deliberation.as_ref()?;
    let overdue = part.record.is_none() && part.record_due.is_some_and(|due| due <= page.now);
    Some(
        view! {
            <h2 id="deliberation">{tr::deliberation_heading(lang)}</h2>
            <section class="deliberation" data-deliberation=if part.record.is_some() { "recorded" } else if part.meeting_on.is_some() { "scheduled" } else { "waiting" }>
                <h3>{tr::deliberation_hardship(lang)}</h3>
                {match &part.hardship {
                    Some((text, at)) => view! { <blockquote data-hardship="">{text.clone()}</blockquote> <p class="hint">{format_date_time(lang, *at)}</p> }.into_any(),
                    None => view! { <p>{tr::deliberation_no_hardship(lang)}</p> }.into_any(),
                }}
                {part.meeting_on.clone().map(|day| view! {
                    <p data-meeting-on=day.clone()>{tr::deliberation_meeting_on(lang, &day)}
                        {part.record_due.map(|due| view! { " " {tr::deliberation_record_due(lang, format_date_time(lang, due))} })}
                        {overdue.then(|| view! { " " <strong class="tag tag-overdue">{tr::referral_overdue(lang)}</strong> })}
                    </p>
                })}
                {part.record.clone().map(|MeetingShown { held_on: held, members, minutes, decision, reason, recorded_at: at, recorded_by: by }| view! {
                    <dl class="summary-list" data-meeting-decision=decision.clone()>
                        <div><dt>{tr::deliberation_held_on(lang)}</dt><dd>{held}</dd></div>
                        <div><dt>{tr::deliberation_members(lang)}</dt><dd>{members.join(tr::check_list_separator(lang))}</dd></div>
                        <div><dt>{tr::deliberation_minutes(lang)}</dt><dd>{minutes}</dd></div>
                        <div><dt>{tr::deliberation_decision(lang)}</dt><dd>{if decision == "approve" { tr::deliberation_approve(lang) } else { tr::deliberation_reject(lang) }}</dd></div>
                        <div><dt>{tr::deliberation_reason(lang)}</dt><dd>{reason}</dd></div>
                        <div><dt>{tr::deliberation_recorded(lang)}</dt><dd>{format_date_time(lang, at)}" · "{by}</dd></div>
                    </dl>
                })}
                {(part.open && part.record.is_none()).then(|| forms(lang, page))}
            </section>
        }
        .into_any(),
    )
}

fn text_box(
    lang: Lang,
    page: &CasePage,
    form: &str,
    field: &'static str,
    label: &'static str,
    hint: &'static str,
    kind: &'static str,
) -> impl IntoView {
    let id = field_id(form, field);
    let (value, problem) = typed(lang, page, form, field);
    let described = if problem.is_some() {
        format!("{id}-hint {id}-error")
    } else {
        format!("{id}-hint")
    };
    let input = if kind == "textarea" {
        view! { <textarea id=id.clone() name=field rows="4" aria-describedby=described>{value}</textarea> }.into_any()
    } else {
        view! { <input id=id.clone() name=field type=kind value=value aria-describedby=described/> }
            .into_any()
    };
    view! {
        <div class="field" class:field-error=problem.is_some()>
            <label for=id.clone()>{label}</label>
            <p class="hint" id=format!("{id}-hint")>{hint}</p>
            {problem_text(lang, problem.clone(), &id)}
            {input}
        </div>
    }
}

fn forms(lang: Lang, page: &CasePage) -> impl IntoView {
    let action = deliberation_url(&page.reference);
    let decision_id = field_id(RECORD_FORM, case_field::MEETING_DECISION);
    let (chosen, decision_problem) = typed(lang, page, RECORD_FORM, case_field::MEETING_DECISION);
    view! {
        <form method="post" action=action.clone() class="form" novalidate data-form=SCHEDULE_FORM>
            <input type="hidden" name=case_field::DELIBERATION_STEP value="schedule"/>
            {text_box(lang, page, SCHEDULE_FORM, case_field::MEETING_ON, tr::deliberation_meeting_label(lang), tr::deliberation_day_hint(lang), "date")}
            <button type="submit" class="button button-secondary">{tr::deliberation_schedule(lang)}</button>
        </form>
        <form method="post" action=action class="form" novalidate data-form=RECORD_FORM>
            <input type="hidden" name=case_field::DELIBERATION_STEP value="record"/>
            <h3>{tr::deliberation_record_heading(lang)}</h3>
            {text_box(lang, page, RECORD_FORM, case_field::HELD_ON, tr::deliberation_held_on(lang), tr::deliberation_day_hint(lang), "date")}
            {text_box(lang, page, RECORD_FORM, case_field::MEMBERS, tr::deliberation_members(lang), tr::deliberation_members_hint(lang), "textarea")}
            {text_box(lang, page, RECORD_FORM, case_field::MINUTES, tr::deliberation_minutes(lang), tr::deliberation_minutes_hint(lang), "textarea")}
            <div class="field" class:field-error=decision_problem.is_some()>
                <fieldset>
                    <legend>{tr::deliberation_decision(lang)}</legend>
                    {problem_text(lang, decision_problem.clone(), &decision_id)}
                    <div class="choices">
                        <div class="choice">
                            <input type="radio" id=decision_id.clone() name=case_field::MEETING_DECISION value="approve" checked=chosen == "approve"/>
                            <label for=decision_id.clone()>{tr::deliberation_approve(lang)}</label>
                        </div>
                        <div class="choice">
                            <input type="radio" id=format!("{decision_id}-reject") name=case_field::MEETING_DECISION value="reject" checked=chosen == "reject"/>
                            <label for=format!("{decision_id}-reject")>{tr::deliberation_reject(lang)}</label>
                        </div>
                    </div>
                </fieldset>
            </div>
            {text_box(lang, page, RECORD_FORM, case_field::MEETING_REASON, tr::deliberation_reason(lang), tr::deliberation_reason_hint(lang), "textarea")}
            <button type="submit" class="button">{tr::deliberation_record(lang)}</button>
        </form>
    }
}

//! `/track/phone`: the second way in. A resident types their mobile number, gets a 6-digit code
//! by SMS, types it, and sees every application on that number, those a family member or a
//! volunteer made for them included. Each page is a plain form; the server decides what to show
//! and puts it in the page's context as a [`PhoneLookup`].

use casework::CaseState;
use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;
use leptos_meta::Title;

use super::status_label;
use crate::form_fields::{coded_error_summary, SummaryLine};
use crate::i18n::{format_date_time, tr, Lang};
use crate::preferences::use_prefs;
use crate::self_check::programme_name;

/// What the server found for the request.
#[derive(Debug, Clone)]
pub enum PhoneLookup {
    /// The form for the number: what was typed and what was wrong with it.
    AskPhone {
        typed: String,
        problem: Option<PhoneProblem>,
        /// Sent here from a case page this browser may not (or no longer) open.
        open_again: bool,
    },
    /// The form for the code sent to `phone`.
    AskCode {
        phone: String,
        masked: String,
        problem: Option<CodeProblem>,
        /// A code was sent less than a minute ago; that one is the one to type.
        sent_recently: bool,
    },
    /// The verified phone's applications, newest first.
    Cases(Vec<PhoneCase>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneProblem {
    Enter,
    Format,
    /// Five codes in the last hour.
    TooManyCodes,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeProblem {
    Enter,
    Wrong,
    TooManyTries,
    Expired,
}

/// One application in the list; `submitted_at` in unix seconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneCase {
    pub reference: String,
    pub status: CaseState,
    pub submitted_at: i64,
    pub programmes: Vec<rules::ProgrammeId>,
    /// `self`, `family` or `volunteer`.
    pub submitted_by: String,
}

/// A problem's code, in the page's `data-problem` (for tests and monitoring).
fn phone_problem_code(problem: PhoneProblem) -> &'static str {
    match problem {
        PhoneProblem::Enter => "enter",
        PhoneProblem::Format => "format",
        PhoneProblem::TooManyCodes => "too_many_codes",
    }
}

fn code_problem_code(problem: CodeProblem) -> &'static str {
    match problem {
        CodeProblem::Enter => "enter",
        CodeProblem::Wrong => "wrong",
        CodeProblem::TooManyTries => "too_many_tries",
        CodeProblem::Expired => "expired",
    }
}

fn phone_problem(lang: Lang, problem: PhoneProblem) -> &'static str {
    match problem {
        PhoneProblem::Enter => tr::apply_problem_enter_phone(lang),
        PhoneProblem::Format => tr::input_error_phone_format(lang),
        PhoneProblem::TooManyCodes => tr::resident_phone_too_many(lang),
    }
}

fn code_problem(lang: Lang, problem: CodeProblem) -> &'static str {
    match problem {
        CodeProblem::Enter => tr::resident_code_enter(lang),
        CodeProblem::Wrong => tr::resident_code_wrong(lang),
        CodeProblem::TooManyTries => tr::resident_code_too_many_tries(lang),
        CodeProblem::Expired => tr::resident_code_expired(lang),
    }
}

fn submitted_by_label(lang: Lang, who: &str) -> &'static str {
    match who {
        "family" => tr::resident_by_family(lang),
        "volunteer" => tr::resident_by_volunteer(lang),
        _ => tr::resident_by_self(lang),
    }
}

#[component]
pub fn TrackPhonePage() -> impl IntoView {
    let lang = use_prefs().lang;
    let lookup = use_context::<PhoneLookup>().unwrap_or(PhoneLookup::AskPhone {
        typed: String::new(),
        problem: None,
        open_again: false,
    });
    match lookup {
        PhoneLookup::AskPhone {
            typed,
            problem,
            open_again,
        } => EitherOf3::A(phone_form(lang, typed, problem, open_again)),
        PhoneLookup::AskCode {
            phone,
            masked,
            problem,
            sent_recently,
        } => EitherOf3::B(code_form(lang, phone, masked, problem, sent_recently)),
        PhoneLookup::Cases(cases) => EitherOf3::C(case_list(lang, cases)),
    }
}

/// A text box with its label, hint and problem, as the resident forms lay them out.
fn text_box(
    lang: Lang,
    name: &'static str,
    label: &'static str,
    hint: &'static str,
    value: String,
    problem: Option<&'static str>,
) -> impl IntoView {
    let hint_id = format!("{name}-hint");
    let error_id = format!("{name}-error");
    let described = match problem {
        Some(_) => format!("{hint_id} {error_id}"),
        None => hint_id.clone(),
    };
    view! {
        <div class="field" class:field-error=problem.is_some()>
            <label for=name>{label}</label>
            <p class="hint" id=hint_id>{hint}</p>
            {problem.map(|p| view! {
                <p class="field-message" id=error_id>
                    <span class="visually-hidden">{tr::form_error_prefix(lang)}</span>{p}
                </p>
            })}
            <input id=name name=name type="text" inputmode="numeric" autocomplete="off" class="input-number"
                value=value aria-describedby=described aria-invalid=problem.map(|_| "true")/>
        </div>
    }
}

fn summary(
    lang: Lang,
    field: &str,
    problem: Option<(&'static str, &'static str)>,
) -> impl IntoView {
    coded_error_summary(
        lang,
        problem
            .map(|(text, code)| {
                let line = SummaryLine {
                    field: field.to_owned(),
                    text: text.to_owned(),
                };
                (line, code.to_owned())
            })
            .into_iter()
            .collect(),
    )
}

fn phone_form(
    lang: Lang,
    typed: String,
    problem: Option<PhoneProblem>,
    open_again: bool,
) -> impl IntoView {
    let code = problem.map(phone_problem_code);
    let problem = problem.map(|p| phone_problem(lang, p));
    view! {
        <Title text=tr::resident_phone_title(lang)/>
        {summary(lang, "phone", problem.zip(code))}
        {open_again.then(|| view! { <p class="notice" data-notice="open_again">{tr::resident_open_again(lang)}</p> })}
        <h1>{tr::resident_phone_title(lang)}</h1>
        <p class="lead">{tr::resident_phone_lead(lang)}</p>
        <form method="post" action="/track/phone" novalidate>
            {text_box(lang, "phone", tr::resident_phone_label(lang), tr::resident_phone_hint(lang), typed, problem)}
            <button type="submit" class="button">{tr::resident_phone_send(lang)}</button>
        </form>
        <p><a href="/track">{tr::resident_by_access_code(lang)}</a></p>
    }
}

fn code_form(
    lang: Lang,
    phone: String,
    masked: String,
    problem: Option<CodeProblem>,
    sent_recently: bool,
) -> impl IntoView {
    let ask_again = matches!(
        problem,
        Some(CodeProblem::TooManyTries | CodeProblem::Expired)
    );
    let code = problem.map(code_problem_code);
    let problem = problem.map(|p| code_problem(lang, p));
    view! {
        <Title text=tr::resident_code_title(lang)/>
        {summary(lang, "code", problem.zip(code))}
        {sent_recently.then(|| view! { <p class="notice" data-notice="sent_recently">{tr::resident_code_sent_recently(lang)}</p> })}
        <h1>{tr::resident_code_title(lang)}</h1>
        <p class="lead">{tr::resident_code_lead(lang, masked)}</p>
        <form method="post" action="/track/phone/code" novalidate>
            <input type="hidden" name="phone" value=phone/>
            {text_box(lang, "code", tr::resident_code_label(lang), tr::resident_code_hint(lang), String::new(), problem)}
            <button type="submit" class="button">{tr::resident_code_check(lang)}</button>
        </form>
        <p>{tr::resident_code_no_sms(lang)}</p>
        <p class:notice=ask_again><a href="/track/phone">{tr::resident_code_new(lang)}</a></p>
    }
}

fn case_list(lang: Lang, cases: Vec<PhoneCase>) -> impl IntoView {
    let sep = tr::check_list_separator(lang);
    view! {
        <Title text=tr::resident_cases_title(lang)/>
        <h1>{tr::resident_cases_title(lang)}</h1>
        {if cases.is_empty() {
            Either::Left(view! { <p>{tr::resident_cases_none(lang)}</p> })
        } else {
            Either::Right(view! {
                <p class="lead">{tr::resident_cases_lead(lang)}</p>
                <ul class="case-list">
                    {cases.into_iter().map(|case| {
                        let programmes = case
                            .programmes
                            .iter()
                            .map(|p| programme_name(lang, *p))
                            .collect::<Vec<_>>()
                            .join(sep);
                        view! {
                            <li>
                                <h2><a href=format!("/track/cases/{}", case.reference)>{tr::track_case_title(lang, case.reference.clone())}</a></h2>
                                <dl class="summary-list">
                                    <div><dt>{tr::resident_cases_status(lang)}</dt><dd data-status=case.status.as_str()>{status_label(lang, case.status)}</dd></div>
                                    <div><dt>{tr::track_programmes(lang)}</dt><dd>{programmes}</dd></div>
                                    <div><dt>{tr::track_submitted(lang)}</dt><dd>{format_date_time(lang, case.submitted_at)}</dd></div>
                                    <div><dt>{tr::resident_cases_submitted_by(lang)}</dt><dd data-submitted-by=case.submitted_by.clone()>{submitted_by_label(lang, &case.submitted_by)}</dd></div>
                                </dl>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            })
        }}
        <p class="hint">{tr::resident_cases_expire(lang)}</p>
    }
}

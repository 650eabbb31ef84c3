//! `/staff/duty`: who of the county's caseworkers and supervisors is on duty for emergencies,
//! and the phone each gets the alerts on. A new urgent or critical emergency texts everyone on
//! duty at once (the supervisors when nobody is); one nobody accepts in time is raised to the
//! supervisors. Supervisors and administrators set the duty; the others see it. The server
//! prepares the page (`server/src/duty.rs`); each line is a plain form.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::form_fields::{coded_error_summary, hint_and_problem, SummaryLine};
use crate::i18n::{tr, Lang};
use crate::preferences::use_prefs;

pub const DUTY_PAGE: &str = "/staff/duty";

/// The form's field names, shared with the server that reads them.
pub mod duty_field {
    pub const ON_DUTY: &str = "on_duty";
    pub const PHONE: &str = "phone";
}

/// One member of staff.
#[derive(Debug, Clone, PartialEq)]
pub struct DutyRow {
    pub id: i64,
    pub display_name: String,
    /// `caseworker` or `supervisor`.
    pub role: String,
    pub on_duty: bool,
    pub phone: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DutyPage {
    pub rows: Vec<DutyRow>,
    /// This member of staff sets the duty.
    pub may_set: bool,
    /// A refused line: (member, problem code, the phone typed).
    pub refused: Option<(i64, String, String)>,
    /// The minutes after which an emergency nobody accepted is raised to the supervisors.
    pub escalate_minutes: i64,
    pub saved: bool,
}

fn problem_text(lang: Lang, code: &str) -> &'static str {
    match code {
        "phone_required" => tr::duty_problem_phone_required(lang),
        _ => tr::duty_problem_phone(lang),
    }
}

#[component]
pub fn StaffDutyPage() -> impl IntoView {
    let lang = use_prefs().lang;
    use_context::<DutyPage>().map(|page| duty(lang, page))
}

fn duty(lang: Lang, page: DutyPage) -> impl IntoView {
    let summary = page
        .refused
        .iter()
        .map(|(_, code, _)| {
            (
                SummaryLine {
                    field: duty_field::PHONE.to_owned(),
                    text: problem_text(lang, code).to_owned(),
                },
                code.clone(),
            )
        })
        .collect();
    let on_duty = page.rows.iter().filter(|r| r.on_duty).count();
    view! {
        <Title text=tr::duty_title(lang)/>
        {coded_error_summary(lang, summary)}
        <p><a href="/staff">{tr::recipients_back(lang)}</a></p>
        <h1>{tr::duty_title(lang)}</h1>
        <p>{tr::duty_intro(lang, page.escalate_minutes)}</p>
        {(on_duty == 0).then(|| view! { <p class="notice" data-nobody-on-duty="">{tr::duty_nobody(lang)}</p> })}
        {page.saved.then(|| view! { <div class="notice" role="status" data-notice="duty_saved"><p>{tr::duty_saved(lang)}</p></div> })}
        <div data-on-duty=on_duty.to_string()>
            {page.rows.into_iter().map(|row| {
                let refused = page.refused.as_ref().filter(|(id, _, _)| *id == row.id);
                line(lang, row, page.may_set, refused.map(|(_, code, typed)| (code.clone(), typed.clone())))
            }).collect_view()}
        </div>
    }
}

fn line(
    lang: Lang,
    row: DutyRow,
    may_set: bool,
    refused: Option<(String, String)>,
) -> impl IntoView {
    let role = if row.role == "supervisor" {
        tr::role_supervisor(lang)
    } else {
        tr::role_caseworker(lang)
    };
    let state = if row.on_duty {
        tr::duty_on(lang)
    } else {
        tr::duty_off(lang)
    };
    let here = refused.is_some();
    let problem = refused.as_ref().map(|(code, _)| problem_text(lang, code));
    let phone_id = if here {
        duty_field::PHONE.to_owned()
    } else {
        format!("phone-{}", row.id)
    };
    let typed = refused
        .map(|(_, typed)| typed)
        .or(row.phone.clone())
        .unwrap_or_default();
    let (notes, described) =
        hint_and_problem(lang, &phone_id, Some(tr::duty_phone_hint(lang)), problem);
    let check_id = format!("on-duty-{}", row.id);
    view! {
        <section class="duty" data-member=row.id.to_string() data-on-duty=row.on_duty.to_string()>
            <h2>{row.display_name.clone()}" · "{role}</h2>
            <p><strong>{state}</strong>{row.phone.clone().map(|p| view! { " · " <a href=format!("tel:{p}")>{p.clone()}</a> })}</p>
            {may_set.then(|| view! {
                <form method="post" action=format!("{DUTY_PAGE}/{}", row.id) class="form" novalidate>
                    <div class="field" class:field-error=problem.is_some()>
                        <label for=phone_id.clone()>{tr::duty_phone(lang)}</label>
                        {notes}
                        <input id=phone_id name=duty_field::PHONE type="tel" inputmode="tel" autocomplete="off"
                            value=typed aria-describedby=described aria-invalid=problem.map(|_| "true")/>
                    </div>
                    <div class="choice">
                        <input type="checkbox" id=check_id.clone() name=duty_field::ON_DUTY value="on" checked=row.on_duty/>
                        <label for=check_id>{tr::duty_on_label(lang)}</label>
                    </div>
                    <button type="submit" class="button">{tr::duty_save(lang)}</button>
                </form>
            })}
        </section>
    }
}

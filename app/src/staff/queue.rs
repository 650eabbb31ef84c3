//! The caseworkers' queue on the workspace page: their county's open applications, emergencies
//! first by their advance-assistance deadline, so the 2-hour ones are at the top.

use casework::CaseState;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::case_page::{clock, deadline_text};
use crate::i18n::{format_date_time, tr, Lang};
use crate::server_error::PortalError;
use crate::track::status_label;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueEntry {
    pub reference: String,
    pub applicant_name: String,
    pub status: CaseState,
    pub submitted_at: i64,
    /// The urgency (`critical` | `urgent`) of an emergency whose advance help is still owed.
    pub emergency: Option<String>,
    /// (kind, due at, overdue) of the deadline being worked to.
    pub deadline: Option<(String, i64, bool)>,
    pub missing_documents: i64,
}

/// One page of the queue (or of a search) as of a moment (for the clocks).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Queue {
    pub now: i64,
    pub entries: Vec<QueueEntry>,
    /// Every case the queue or the search holds, on all pages.
    pub total: i64,
    /// This page (from 1) and how many there are.
    pub page: i64,
    pub pages: i64,
    /// The search as typed (empty for the whole queue).
    pub search: String,
    /// Why the search was not taken: `too_long` | `reference` | `phone`.
    pub search_problem: Option<String>,
}

/// One page of the queue of the signed-in staff member's county, or the county's cases matching
/// a search (a reference, a name or a phone); `None` for volunteers, who see no cases.
#[server(endpoint = "staff/queue")]
pub async fn case_queue(page: i64, search: String) -> Result<Option<Queue>, PortalError> {
    use crate::server_error::ssr;
    use store::applications::{QueueSearch, SearchProblem};
    let store = ssr::store()?;
    let session = ssr::session().await?;
    let Some(staff) = super::session::current_staff(&session, &store)
        .await
        .map_err(|e| ssr::session_failed("could not read the staff session", &e))?
    else {
        return Ok(None);
    };
    let now = store.clock().now();
    let (parsed, search_problem) = match QueueSearch::parse(&search) {
        Ok(parsed) => (parsed, None),
        Err(problem) => (
            None,
            Some(match problem {
                SearchProblem::TooLong => "too_long",
                SearchProblem::Reference => "reference",
                SearchProblem::Phone => "phone",
            }),
        ),
    };
    match store.case_queue(&staff, page, parsed.as_ref()).await {
        Ok(found) => Ok(Some(Queue {
            now: now.unix_timestamp(),
            total: found.total,
            page: found.page,
            pages: found.pages,
            search: search.chars().take(100).collect(),
            search_problem: search_problem.map(str::to_owned),
            entries: found
                .items
                .into_iter()
                .map(|item| QueueEntry {
                    reference: item.reference,
                    applicant_name: item.applicant_name,
                    status: item.times.state,
                    submitted_at: item.times.submitted_at.unix_timestamp(),
                    emergency: item.emergency.map(|u| u.as_str().to_owned()),
                    deadline: item.times.next_step().deadline.map(|d| {
                        (
                            d.kind.to_owned(),
                            d.due_at.unix_timestamp(),
                            item.times.overdue(now),
                        )
                    }),
                    missing_documents: item.missing_documents,
                })
                .collect(),
        })),
        Err(store::applications::QueueError::NotAllowed) => Ok(None),
        Err(store::applications::QueueError::Store(e)) => {
            Err(ssr::store_failed("could not read the case queue", &e))
        }
    }
}

/// The id of the search box (the error summary links to it).
const SEARCH_ID: &str = "queue-search";

/// `/staff` with this page and search, for the previous/next links.
fn page_href(page: i64, search: &str) -> String {
    let mut href = format!("/staff?page={page}");
    if !search.trim().is_empty() {
        href.push_str("&q=");
        for byte in search.trim().bytes() {
            if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
                href.push(char::from(byte));
            } else {
                href.push_str(&format!("%{byte:02X}"));
            }
        }
    }
    href
}

fn search_problem_text(lang: Lang, problem: &str) -> &'static str {
    match problem {
        "too_long" => tr::staff_queue_search_too_long(lang),
        "reference" => tr::staff_queue_search_reference(lang),
        _ => tr::staff_queue_search_phone(lang),
    }
}

/// The search form: a plain GET to `/staff`, so it works without JS.
fn search_form(lang: Lang, search: String, problem: Option<String>) -> impl IntoView {
    let code = problem.clone();
    let problem = problem.as_deref().map(|p| search_problem_text(lang, p));
    let described = match problem {
        Some(_) => format!("{SEARCH_ID}-hint {SEARCH_ID}-error"),
        None => format!("{SEARCH_ID}-hint"),
    };
    let searching = !search.trim().is_empty();
    view! {
        {crate::form_fields::coded_error_summary(
            lang,
            problem
                .zip(code)
                .map(|(text, code)| vec![(crate::form_fields::SummaryLine { field: SEARCH_ID.to_owned(), text: text.to_owned() }, code)])
                .unwrap_or_default(),
        )}
        <form method="get" action="/staff" class="queue-search" role="search">
            <div class="field" class:field-error=problem.is_some()>
                <label for=SEARCH_ID>{tr::staff_queue_search_label(lang)}</label>
                <p class="hint" id=format!("{SEARCH_ID}-hint")>{tr::staff_queue_search_hint(lang)}</p>
                {problem.map(|text| view! {
                    <p class="field-message" id=format!("{SEARCH_ID}-error")>
                        <span class="visually-hidden">{tr::form_error_prefix(lang)}</span>{text}
                    </p>
                })}
                <input id=SEARCH_ID name="q" type="search" autocomplete="off" value=search
                    aria-describedby=described/>
            </div>
            <button type="submit" class="button button-secondary">{tr::staff_queue_search_button(lang)}</button>
            {searching.then(|| view! { " " <a href="/staff">{tr::staff_queue_search_clear(lang)}</a> })}
        </form>
    }
}

/// "Previous" and "next" links with where the page stands.
fn paging(lang: Lang, total: i64, page: i64, pages: i64, search: &str) -> impl IntoView {
    let summary = if search.trim().is_empty() {
        tr::staff_queue_total(lang, total, page, pages)
    } else {
        tr::staff_queue_found(lang, total, page, pages)
    };
    let previous = (page > 1).then(|| page_href(page - 1, search));
    let next = (page < pages).then(|| page_href(page + 1, search));
    view! {
        <p class="queue-total" role="status" data-total=total data-page=page data-pages=pages>{summary}</p>
        {(previous.is_some() || next.is_some()).then(|| view! {
            <nav class="queue-paging" aria-label=tr::staff_queue_paging(lang)>
                {previous.map(|href| view! { <a href=href rel="prev">{tr::staff_queue_previous(lang)}</a> " " })}
                {next.map(|href| view! { <a href=href rel="next">{tr::staff_queue_next(lang)}</a> })}
            </nav>
        })}
    }
}

pub fn queue_view(lang: Lang, queue: Queue) -> AnyView {
    let now = queue.now;
    let searching = !queue.search.trim().is_empty();
    let top = paging(lang, queue.total, queue.page, queue.pages, &queue.search);
    let bottom = paging(lang, queue.total, queue.page, queue.pages, &queue.search);
    let empty = if searching {
        tr::staff_queue_none_found(lang)
    } else {
        tr::staff_queue_empty(lang)
    };
    view! {
        <h2>{tr::staff_queue_heading(lang)}</h2>
        <script src="/clock.js" defer></script>
        {search_form(lang, queue.search.clone(), queue.search_problem.clone()).into_any()}
        {if queue.entries.is_empty() {
            leptos::either::Either::Left(view! { <p data-notice=if searching { "none_found" } else { "empty" }>{empty}</p> })
        } else {
            leptos::either::Either::Right(view! {
                {top}
                <ol class="queue">
                    {queue.entries.into_iter().map(|e| {
                        let urgency = e.emergency.clone();
                        let emergency = e.emergency.clone().map(|urgency| {
                            let hours = if urgency == "critical" { 2 } else { 24 };
                            tr::staff_queue_emergency_owed(lang, hours)
                        });
                        let urgent = emergency.is_some();
                        let overdue = e.deadline.as_ref().is_some_and(|d| d.2);
                        let deadline = e.deadline.clone().map(|(kind, due, _)| view! {
                            <span class="queue-detail">
                                {deadline_text(lang, &kind, due)}" "
                                {(kind == "advance").then(|| clock(lang, due, now))}
                            </span>
                        });
                        view! {
                            <li class="queue-item" class:queue-urgent=urgent class:queue-late=overdue>
                                <a href=format!("/staff/cases/{}", e.reference)>
                                    <strong>{e.reference.clone()}</strong>
                                </a>" "{e.applicant_name.clone()}
                                {emergency.map(|text| view! { " " <span class="tag tag-urgent" data-urgency=urgency>{text}</span> })}
                                {overdue.then(|| view! { " " <strong class="tag tag-late">{tr::case_overdue(lang)}</strong> })}
                                {deadline}
                                <span class="queue-detail">
                                    {tr::staff_queue_detail(lang, status_label(lang, e.status), format_date_time(lang, e.submitted_at), e.missing_documents)}
                                </span>
                            </li>
                        }
                    }).collect_view()}
                </ol>
                {bottom}
            })
        }}
    }
    .into_any()
}

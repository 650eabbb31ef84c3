//! The caseworkers' queue on the workspace page: their county's open applications, emergencies
//! first by their advance-assistance deadline, so the 2-hour ones are at the top.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::case_page::{clock, deadline_text};
use crate::i18n::{format_date_time, tr, Lang};
use crate::track::status_label;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueEntry {
    pub reference: String,
    pub applicant_name: String,
    pub status: String,
    pub submitted_at: i64,
    /// The urgency (`critical` | `urgent`) of an emergency whose advance help is still owed.
    pub emergency: Option<String>,
    /// (kind, due at, overdue) of the deadline being worked to.
    pub deadline: Option<(String, i64, bool)>,
    pub missing_documents: i64,
}

/// The queue as of a moment (for the clocks).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Queue {
    pub now: i64,
    pub entries: Vec<QueueEntry>,
}

/// The queue of the signed-in staff member's county; `None` for volunteers, who see no cases.
#[server(endpoint = "staff/queue")]
pub async fn case_queue() -> Result<Option<Queue>, ServerFnError> {
    let store = use_context::<store::Store>().ok_or_else(|| ServerFnError::new("store missing"))?;
    let session = leptos_axum::extract::<tower_sessions::Session>().await?;
    let Some(staff) = super::session::current_staff(&session, &store)
        .await
        .map_err(|_| ServerFnError::new("session"))?
    else {
        return Ok(None);
    };
    let now = store.clock().now();
    match store.case_queue(&staff).await {
        Ok(items) => Ok(Some(Queue {
            now: now.unix_timestamp(),
            entries: items
                .into_iter()
                .map(|item| QueueEntry {
                    reference: item.reference,
                    applicant_name: item.applicant_name,
                    status: item.times.state.as_str().to_owned(),
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
        Err(e) => {
            tracing::error!(error = %e, "could not read the case queue");
            Err(ServerFnError::new("queue"))
        }
    }
}

pub fn queue_view(lang: Lang, queue: Queue) -> impl IntoView {
    let now = queue.now;
    view! {
        <h2>{tr::staff_queue_heading(lang)}</h2>
        <script src="/clock.js" defer></script>
        {if queue.entries.is_empty() {
            leptos::either::Either::Left(view! { <p>{tr::staff_queue_empty(lang)}</p> })
        } else {
            leptos::either::Either::Right(view! {
                <ol class="queue">
                    {queue.entries.into_iter().map(|e| {
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
                                {emergency.map(|text| view! { " " <span class="tag tag-urgent">{text}</span> })}
                                {overdue.then(|| view! { " " <strong class="tag tag-late">{tr::case_overdue(lang)}</strong> })}
                                {deadline}
                                <span class="queue-detail">
                                    {tr::staff_queue_detail(lang, status_label(lang, &e.status), format_date_time(lang, e.submitted_at), e.missing_documents)}
                                </span>
                            </li>
                        }
                    }).collect_view()}
                </ol>
            })
        }}
    }
}

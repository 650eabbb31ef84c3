//! The caseworkers' queue on the workspace page: their county's open applications, emergencies
//! first by their advance-assistance deadline, so the 2-hour ones are at the top.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::i18n::{format_date_time, tr, Lang};
use crate::track::status_label;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueEntry {
    pub reference: String,
    pub applicant_name: String,
    pub status: String,
    pub submitted_at: i64,
    /// (urgency: `critical` | `urgent`, advance due at).
    pub emergency: Option<(String, i64)>,
    pub missing_documents: i64,
}

/// The queue of the signed-in staff member's county; `None` for volunteers, who see no cases.
#[server(endpoint = "staff/queue")]
pub async fn case_queue() -> Result<Option<Vec<QueueEntry>>, ServerFnError> {
    let store = use_context::<store::Store>().ok_or_else(|| ServerFnError::new("store missing"))?;
    let session = leptos_axum::extract::<tower_sessions::Session>().await?;
    let Some(staff) = super::session::current_staff(&session, &store)
        .await
        .map_err(|_| ServerFnError::new("session"))?
    else {
        return Ok(None);
    };
    match store.case_queue(&staff).await {
        Ok(items) => Ok(Some(
            items
                .into_iter()
                .map(|item| QueueEntry {
                    reference: item.reference,
                    applicant_name: item.applicant_name,
                    status: item.status,
                    submitted_at: item.submitted_at.unix_timestamp(),
                    emergency: item
                        .emergency
                        .map(|(urgency, due)| (urgency.as_str().to_owned(), due.unix_timestamp())),
                    missing_documents: item.missing_documents,
                })
                .collect(),
        )),
        Err(store::applications::QueueError::NotAllowed) => Ok(None),
        Err(e) => {
            tracing::error!(error = %e, "could not read the case queue");
            Err(ServerFnError::new("queue"))
        }
    }
}

pub fn queue_view(lang: Lang, entries: Vec<QueueEntry>) -> impl IntoView {
    view! {
        <h2>{tr::staff_queue_heading(lang)}</h2>
        {if entries.is_empty() {
            leptos::either::Either::Left(view! { <p>{tr::staff_queue_empty(lang)}</p> })
        } else {
            leptos::either::Either::Right(view! {
                <ol class="queue">
                    {entries.into_iter().map(|e| {
                        let emergency = e.emergency.clone().map(|(urgency, due)| {
                            let hours = if urgency == "critical" { 2 } else { 24 };
                            tr::staff_queue_emergency(lang, hours, format_date_time(lang, due))
                        });
                        let urgent = emergency.is_some();
                        view! {
                            <li class="queue-item" class:queue-urgent=urgent>
                                <strong>{e.reference.clone()}</strong>" "{e.applicant_name.clone()}
                                {emergency.map(|text| view! { <span class="tag tag-urgent">{text}</span> })}
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

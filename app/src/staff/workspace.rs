use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

use crate::i18n::tr;
use crate::preferences::use_prefs;
use crate::server_error::PortalError;

/// What the workspace shows about the signed-in staff member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffSummary {
    pub display_name: String,
    pub role: String,
    pub county: String,
}

/// The signed-in staff member; sends anyone else to the sign-in page.
#[server(endpoint = "staff/me")]
pub async fn current_staff_summary() -> Result<Option<StaffSummary>, PortalError> {
    use crate::server_error::ssr;
    let store = ssr::store()?;
    let session = ssr::session().await?;
    let staff = super::session::current_staff(&session, &store)
        .await
        .map_err(|e| ssr::session_failed("could not read the staff session", &e))?;
    let Some(staff) = staff else {
        leptos_axum::redirect("/staff/login");
        return Ok(None);
    };
    Ok(Some(StaffSummary {
        display_name: staff.display_name,
        role: staff.role.as_str().to_owned(),
        county: staff.county.id().to_owned(),
    }))
}

#[component]
pub fn StaffWorkspacePage() -> impl IntoView {
    let lang = use_prefs().lang;
    let staff = Resource::new_blocking(|| (), |_| current_staff_summary());
    // `?page=N&q=…`: the page of the queue, and a search (a plain GET form, so no JS is needed).
    let (page, search) = leptos_router::hooks::use_query_map().with_untracked(|q| {
        (
            q.get("page")
                .and_then(|p| p.trim().parse::<i64>().ok())
                .unwrap_or(1),
            q.get("q").unwrap_or_default(),
        )
    });
    let queue = Resource::new_blocking(
        move || (page, search.clone()),
        |(page, search)| super::queue::case_queue(page, search),
    );
    view! {
        <Title text=tr::staff_home_title(lang)/>
        <super::session_warning::SessionWarning/>
        <h1>{tr::staff_home_title(lang)}</h1>
        <Suspense>
            {move || Suspend::new(async move {
                staff.await.ok().flatten().map(|staff| {
                    view! {
                        <p class="lead">{tr::staff_signed_in_as(lang, &staff.display_name)}</p>
                        <dl class="summary-list">
                            <div><dt>{tr::staff_role_label(lang)}</dt><dd>{role_name(lang, &staff.role)}</dd></div>
                            <div><dt>{tr::staff_county_label(lang)}</dt><dd>{crate::counties::county_name_of(lang, &staff.county)}</dd></div>
                        </dl>
                        {(staff.role == "supervisor" || staff.role == "admin").then(|| view! {
                            <p><a href="/staff/dashboard">{tr::dashboard_workspace_link(lang)}</a></p>
                        })}
                        {(staff.role == "volunteer").then(|| view! {
                            <p><a class="button" href=crate::outreach::OUTREACH_PAGE>{tr::outreach_workspace_link(lang)}</a></p>
                        })}
                        <p><a href=super::EVENTS_PAGE>{tr::events_workspace_link(lang)}</a></p>
                        <p><a href=super::ACCOUNT_PAGE>{tr::account_workspace_link(lang)}</a></p>
                        {(staff.role == "supervisor" || staff.role == "admin").then(|| view! {
                            <p><a href=super::SIGN_IN_HISTORY>{tr::history_workspace_link(lang)}</a></p>
                        })}
                        {(staff.role != "volunteer").then(|| view! {
                            <p><a href=super::DISCOVERY_PAGE>{tr::discovery_workspace_link(lang)}</a></p>
                            <p><a href=super::RECIPIENTS_PAGE>{tr::recipients_workspace_link(lang)}</a></p>
                            <p><a href=super::DUTY_PAGE>{tr::duty_workspace_link(lang)}</a></p>
                        })}
                        {(staff.role == "admin").then(|| view! {
                            <p><a href="/staff/policies">{tr::editor_workspace_link(lang)}</a></p>
                            <p><a href=super::ACCOUNTS_PAGE>{tr::accounts_workspace_link(lang)}</a></p>
                        })}
                        <Suspense>
                            {move || Suspend::new(async move {
                                queue.await.ok().flatten().map(|queue| super::queue::queue_view(lang, queue))
                            })}
                        </Suspense>
                        <p>{tr::staff_session_note(lang)}</p>
                        <form method="post" action=super::SIGN_OUT_PATH>
                            <button type="submit" class="button button-secondary">{tr::staff_sign_out(lang)}</button>
                        </form>
                    }
                })
            })}
        </Suspense>
    }
}

pub(crate) fn role_name(lang: crate::i18n::Lang, role: &str) -> &'static str {
    match role {
        "volunteer" => tr::role_volunteer(lang),
        "caseworker" => tr::role_caseworker(lang),
        "supervisor" => tr::role_supervisor(lang),
        _ => tr::role_admin(lang),
    }
}

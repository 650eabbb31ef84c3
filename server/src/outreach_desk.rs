//! `GET /outreach`: the volunteers' desk (`app::outreach::OutreachPage` renders it, the
//! `portal-outreach` bundle runs it). The server reads the session and gives the page the
//! volunteer, the events they are on and the bureau's public keys: everything the desk needs to
//! work with no network afterwards, and nothing of any resident. The service worker keeps the page.

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tower_sessions::Session;

use app::outreach::{OutreachEvent, OutreachPageData, OutreachVolunteer, OUTREACH_PAGE};
use store::staff::{Role, StaffUser};

use crate::posted_pages::render_page_with;
use crate::state::AppState;

/// Events this many days past stay on the desk: a record finished late at night still finds its
/// event the next morning.
const PAST_EVENT_DAYS: i64 = 7;

pub async fn show(State(state): State<AppState>, session: Session, request: Request) -> Response {
    let data = match app::staff::session::current_staff(&session, &state.store).await {
        Ok(None) => OutreachPageData::SignIn,
        Ok(Some(staff)) if staff.role != Role::Volunteer => OutreachPageData::NotVolunteer,
        Ok(Some(staff)) => match desk(&state, &staff).await {
            Ok(Some(volunteer)) => OutreachPageData::Desk(volunteer),
            Ok(None) => OutreachPageData::NotVolunteer,
            Err(e) => {
                tracing::error!(error = %e, "could not read a volunteer's events");
                return StatusCode::SERVICE_UNAVAILABLE.into_response();
            }
        },
        Err(e) => {
            tracing::error!(error = %e, "could not read the staff session");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    let (mut parts, _) = request.into_parts();
    parts.uri = axum::http::Uri::from_static(OUTREACH_PAGE);
    // The router marks it `no-store` like every page the server prepares: the service worker
    // keeps it for the day offline (the Cache API is the page's own), no HTTP cache does.
    render_page_with(&state, parts, data).await
}

async fn desk(
    state: &AppState,
    staff: &StaffUser,
) -> Result<Option<OutreachVolunteer>, store::StoreError> {
    // The badge code and the events only: the desk does not list what was sent.
    let Some(code) = state.store.volunteer_code(staff.id).await? else {
        return Ok(None);
    };
    let events = state.store.outreach_events(staff).await?;
    let since =
        casework::beijing_date(state.store.clock().now()) - time::Duration::days(PAST_EVENT_DAYS);
    Ok(Some(OutreachVolunteer {
        code,
        name: staff.display_name.clone(),
        events: events
            .into_iter()
            .filter(|e| e.held_on >= since)
            .map(|e| OutreachEvent {
                code: e.code,
                place: e.place,
                held_on: e.held_on.to_string(),
            })
            .collect(),
        seal_key: state.outreach_keys.seal_key_spki_base64().to_owned(),
        receipt_key: state.outreach_keys.receipt_key_spki_base64().to_owned(),
    }))
}

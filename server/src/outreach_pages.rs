//! `/staff/events`: the county's outreach events, and the form a supervisor creates one with
//! (`app::staff::StaffEventsPage` renders it). A plain form post, read here and handed to the
//! store, which checks it; a refused form comes back as it was typed with its problems (422).

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use app::staff::{event_field, EventLine, EventRefused, EventsPage, VolunteerPart, EVENTS_PAGE};
use store::outreach::{EventError, NewEvent};
use store::staff::{Role, StaffUser};

use crate::posted_pages::{read_form, render_page_with};
use crate::state::AppState;

/// `GET /staff/events` (`?created=CODE` after a new event).
pub async fn show(State(state): State<AppState>, session: Session, request: Request) -> Response {
    let staff = match crate::case_pages::signed_in(&state, &session).await {
        Ok(staff) => staff,
        Err(response) => return response,
    };
    let created = request.uri().query().and_then(|q| {
        form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "created")
            .map(|(_, v)| v.into_owned())
            .filter(|code| casework::texts::is_code(code) && code.len() <= 40)
    });
    respond(&state, &staff, request, None, created).await
}

/// `POST /staff/events`: a supervisor creates an event.
pub async fn create(State(state): State<AppState>, session: Session, request: Request) -> Response {
    let staff = match crate::case_pages::signed_in(&state, &session).await {
        Ok(staff) => staff,
        Err(response) => return response,
    };
    let (parts, body) = request.into_parts();
    let Some(fields) = read_form(body).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let request = Request::from_parts(parts, axum::body::Body::empty());
    let place = fields.text(event_field::PLACE);
    let held_on = fields.text(event_field::HELD_ON);
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let mut chosen = Vec::new();
    for value in fields.all(event_field::VOLUNTEER) {
        match value.trim().parse::<i64>() {
            Ok(id) => chosen.push(id),
            // Only a tampered form sends anything but the ids it lists.
            Err(_) => {
                return crate::middleware::errors::error_page_response(
                    StatusCode::BAD_REQUEST,
                    app::error_pages::ErrorPage::BadRequest,
                )
            }
        }
    }
    let new = NewEvent {
        place: place.clone(),
        held_on: time::Date::parse(held_on.trim(), &format).ok(),
        volunteers: chosen.clone(),
    };
    match state.store.create_outreach_event(&staff, &new).await {
        Ok(event) => {
            tracing::info!(code = %event.code, staff_id = staff.id, "outreach event created");
            Redirect::to(&format!("{EVENTS_PAGE}?created={}", event.code)).into_response()
        }
        Err(EventError::Invalid(problems)) => {
            let refused = EventRefused {
                problems: problems.iter().map(|p| p.as_str().to_owned()).collect(),
                place,
                held_on,
                chosen,
            };
            respond(&state, &staff, request, Some(refused), None).await
        }
        Err(EventError::NotAllowed) => crate::middleware::errors::error_page_response(
            StatusCode::FORBIDDEN,
            app::error_pages::ErrorPage::Forbidden,
        ),
        Err(EventError::Store(e)) => {
            tracing::error!(error = %e, "could not create an outreach event");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

async fn respond(
    state: &AppState,
    staff: &StaffUser,
    request: Request,
    refused: Option<EventRefused>,
    created: Option<String>,
) -> Response {
    let page = match prepare(state, staff, refused.clone(), created).await {
        Ok(page) => page,
        Err(e) => {
            tracing::error!(error = %e, "could not read the outreach events");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    let (mut parts, _) = request.into_parts();
    parts.uri = axum::http::Uri::from_static(EVENTS_PAGE);
    parts.method = axum::http::Method::GET;
    let mut response = render_page_with(state, parts, page).await;
    if refused.is_some() {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    response
}

async fn prepare(
    state: &AppState,
    staff: &StaffUser,
    refused: Option<EventRefused>,
    created: Option<String>,
) -> Result<EventsPage, store::StoreError> {
    let may_create = matches!(staff.role, Role::Supervisor | Role::Admin);
    let volunteers = if may_create {
        state
            .store
            .county_volunteers(staff.county)
            .await?
            .into_iter()
            .map(|v| (v.id, v.display_name, v.code))
            .collect()
    } else {
        Vec::new()
    };
    let (events, volunteer) = match staff.role {
        Role::Volunteer => match state.store.volunteer_overview(staff).await? {
            Some(overview) => (
                overview.events,
                Some(VolunteerPart {
                    code: overview.code,
                    sent: overview
                        .sent
                        .into_iter()
                        .map(|s| {
                            (
                                s.reference,
                                s.event_code,
                                s.submitted_at.unix_timestamp(),
                                s.state,
                            )
                        })
                        .collect(),
                }),
            ),
            None => (Vec::new(), None),
        },
        _ => (state.store.outreach_events(staff).await?, None),
    };
    // The notice names only an event this member of staff can see: a link with any other code
    // says nothing.
    let created = created.filter(|code| events.iter().any(|e| e.code == *code));
    Ok(EventsPage {
        county: staff.county.id().to_owned(),
        may_create,
        volunteers,
        events: events
            .into_iter()
            .map(|e| EventLine {
                code: e.code,
                place: e.place,
                held_on: e.held_on.to_string(),
                volunteers: e
                    .volunteers
                    .into_iter()
                    .map(|v| (v.display_name, v.code))
                    .collect(),
                applications: e.applications,
            })
            .collect(),
        volunteer,
        refused,
        created,
    })
}

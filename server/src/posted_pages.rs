//! Pages whose forms post back to themselves, so that they work without JS: the posted fields
//! are put in the page's context ([`app::posted_form::PostedForm`]) and the page decides what to
//! show, the same page that answers a GET.

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use leptos::prelude::provide_context;

use app::posted_form::{Fields, PostedForm};

use crate::router::{services_for_pages, AppState};

/// Renders the page at the request's path with the posted form in its context.
pub async fn render(State(state): State<AppState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    // The body-limit layer has already capped the size; an error here is that cap or a broken
    // connection.
    let bytes = match to_bytes(body, usize::MAX).await {
        Ok(bytes) => bytes,
        Err(_) => return StatusCode::PAYLOAD_TOO_LARGE.into_response(),
    };
    let fields = Fields::new(form_urlencoded::parse(&bytes).into_owned().collect());
    let services = services_for_pages(&state);
    let options = state.leptos_options.clone();
    let render = leptos_axum::render_app_to_stream_with_context(
        move || {
            services();
            provide_context(PostedForm(fields.clone()));
        },
        move || app::shell(options.clone()),
    );
    render(Request::from_parts(parts, Body::empty()))
        .await
        .into_response()
}

//! Pages whose forms post back to themselves, so that they work without JS: the posted fields
//! are put in the page's context ([`app::posted_form::PostedForm`]) and the page decides what to
//! show, the same page that answers a GET. Also the two helpers every server-prepared page uses:
//! reading a posted form, and rendering a page with something put in its context.

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use leptos::prelude::provide_context;

use app::posted_form::{Fields, PostedForm};

use crate::routes::services_for_pages;
use crate::state::AppState;

/// Renders the page at the request's path with the posted form in its context.
pub async fn render(State(state): State<AppState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let Some(fields) = read_form(body).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    render_page_with(&state, parts, PostedForm(fields)).await
}

/// The fields of a posted form; `None` when the body could not be read (the body-limit layer
/// cut it off, or the connection broke).
pub async fn read_form(body: Body) -> Option<Fields> {
    let bytes = to_bytes(body, usize::MAX).await.ok()?;
    Some(Fields::new(
        form_urlencoded::parse(&bytes).into_owned().collect(),
    ))
}

/// Renders the app's page for the request's path, with the services every page has.
pub async fn render_page(state: &AppState, parts: Parts) -> Response {
    render_with(state, parts, || {}).await
}

/// Renders the page with something the server prepared for it in its context.
pub async fn render_page_with<C: Clone + Send + Sync + 'static>(
    state: &AppState,
    parts: Parts,
    context: C,
) -> Response {
    render_with(state, parts, move || provide_context(context.clone())).await
}

/// The page at `uri` (its own GET route, which draws it) as the answer to a refused post, with
/// what the server prepared for it and the status that says why.
pub async fn render_page_at<C: Clone + Send + Sync + 'static>(
    state: &AppState,
    mut parts: Parts,
    uri: &str,
    context: C,
    status: axum::http::StatusCode,
) -> Response {
    parts.method = axum::http::Method::GET;
    if let Ok(uri) = uri.parse() {
        parts.uri = uri;
    }
    let mut response = render_page_with(state, parts, context).await;
    *response.status_mut() = status;
    response
}

pub(crate) async fn render_with(
    state: &AppState,
    parts: Parts,
    extra: impl Fn() + Clone + Send + Sync + 'static,
) -> Response {
    let services = services_for_pages(state);
    let options = state.leptos_options.clone();
    let handler = leptos_axum::render_app_to_stream_with_context(
        move || {
            services();
            extra();
        },
        move || app::shell(options.clone()),
    );
    handler(Request::from_parts(parts, Body::empty()))
        .await
        .into_response()
}

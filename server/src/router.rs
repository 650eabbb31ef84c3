//! The layers every request passes through, around the route table of [`crate::routes`].

use axum::extract::Request;
use axum::Router;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

use crate::config::Config;
use crate::middleware::page_cache;
use crate::middleware::{
    errors, login_throttle, no_store, same_origin, security_headers, throttle,
};
use crate::state::AppState;

/// Wraps routes in the layers every request passes through. Tests add their own routes first
/// (see [`crate::application::Options::with_routes`]).
pub fn build_router(routes: Router<AppState>, state: AppState, config: &Config) -> Router {
    routes
        .layer(axum::middleware::from_fn_with_state(
            state.limits.clone(),
            login_throttle::check,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.limits.clone(),
            throttle::one_time_codes,
        ))
        // Outside every limit: works out the client key each of them counts by.
        .layer(axum::middleware::from_fn_with_state(
            state.trusted_proxies.clone(),
            crate::client::identify,
        ))
        .layer(crate::sessions::layer(state.store.clone()))
        .layer(axum::middleware::from_fn_with_state(
            crate::middleware::body_limit::BodyLimits::from_config(config),
            crate::middleware::body_limit::limit,
        ))
        .layer(axum::middleware::from_fn(errors::explain_too_large))
        .layer(axum::middleware::from_fn(errors::explain_server_fn_error))
        .layer(axum::middleware::from_fn(errors::explain_bare_failures))
        .layer(axum::middleware::from_fn(same_origin::check))
        .layer(axum::middleware::from_fn_with_state(
            (state.page_cache.clone(), state.handbook.clone()),
            page_cache::serve,
        ))
        // Outside the page cache and the session layer: sees every answer and the session cookie.
        .layer(axum::middleware::from_fn(no_store::apply))
        .layer(CompressionLayer::new().quality(CompressionLevel::Precise(4)))
        .with_state(state)
        .layer(tower::util::MapResponseLayer::new(security_headers::apply))
        .layer(CatchPanicLayer::custom(errors::panic_response))
        // Outside every layer that may refuse a request, so the API answers all its errors as JSON.
        .layer(axum::middleware::from_fn(crate::api::errors::as_json))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http().make_span_with(|request: &Request| {
            let id = request.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::info_span!("request", id, method = %request.method(), path = %request.uri().path())
        }))
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
}

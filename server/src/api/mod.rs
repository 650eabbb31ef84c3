//! The public JSON API under `/api/v1/`, for other government systems and partner tools.

pub mod policies;

use axum::routing::get;
use axum::Router;

use crate::router::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/policies", get(policies::list))
        .route("/api/v1/policies/{slug}", get(policies::one))
}

//! The public JSON API under `/api/v1/`, for other government systems and partner tools.

pub mod applications;
pub mod contract;
pub mod eligibility;
pub mod errors;
pub mod policies;

use axum::routing::{get, post};
use axum::Router;

use crate::state::AppState;

/// The OpenAPI document of everything under `/api/v1/`, kept beside the handlers it describes.
pub const OPENAPI: &str = include_str!("openapi.json");

/// The routes of the public API.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/openapi.json", get(openapi))
        .route("/api/v1/policies", get(policies::list))
        .route("/api/v1/policies/{slug}", get(policies::one))
        .route("/api/v1/eligibility", post(eligibility::evaluate))
        .route("/api/v1/applications", post(applications::submit))
        .route(
            "/api/v1/applications/{reference}",
            get(applications::status),
        )
}

/// Every path `routes` serves, for the test that keeps the document complete.
pub const PATHS: [(&str, &str); 6] = [
    ("/api/v1/openapi.json", "get"),
    ("/api/v1/policies", "get"),
    ("/api/v1/policies/{slug}", "get"),
    ("/api/v1/eligibility", "post"),
    ("/api/v1/applications", "post"),
    ("/api/v1/applications/{reference}", "get"),
];

async fn openapi() -> impl axum::response::IntoResponse {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        OPENAPI,
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_openapi_document_parses_and_describes_every_route() {
        let document: serde_json::Value = serde_json::from_str(super::OPENAPI).expect("valid JSON");
        assert_eq!(document["openapi"], "3.1.0");
        for (path, method) in super::PATHS {
            assert!(
                document["paths"][path][method].is_object(),
                "{method} {path} is not in the OpenAPI document"
            );
        }
    }
}

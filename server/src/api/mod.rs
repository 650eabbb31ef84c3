//! The public JSON API under `/api/v1/`, for other government systems and partner tools.

pub mod applications;
pub mod contract;
pub mod eligibility;
pub mod errors;
pub mod policies;

use axum::http::Method;
use axum::routing::{get, post, MethodRouter};
use axum::Router;

use crate::state::AppState;

/// The OpenAPI document of everything under `/api/v1/`, kept beside the handlers it describes.
pub const OPENAPI: &str = include_str!("openapi.json");

/// Every route of the public API, written once: the router serves these, and the test holds the
/// OpenAPI document to exactly these paths and methods.
fn table() -> [(&'static str, Method, MethodRouter<AppState>); 6] {
    [
        ("/api/v1/openapi.json", Method::GET, get(openapi)),
        ("/api/v1/policies", Method::GET, get(policies::list)),
        ("/api/v1/policies/{slug}", Method::GET, get(policies::one)),
        (
            "/api/v1/eligibility",
            Method::POST,
            post(eligibility::evaluate),
        ),
        (
            "/api/v1/applications",
            Method::POST,
            post(applications::submit),
        ),
        (
            "/api/v1/applications/{reference}",
            Method::GET,
            get(applications::status),
        ),
    ]
}

/// The routes of the public API.
pub fn routes() -> Router<AppState> {
    table()
        .into_iter()
        .fold(Router::new(), |router, (path, _, handler)| {
            router.route(path, handler)
        })
}

async fn openapi() -> impl axum::response::IntoResponse {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        OPENAPI,
    )
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    #[test]
    fn the_openapi_document_describes_exactly_the_routes_served() {
        let document: serde_json::Value = serde_json::from_str(super::OPENAPI).expect("valid JSON");
        assert_eq!(document["openapi"], "3.1.0");
        let served: BTreeSet<(String, String)> = super::table()
            .into_iter()
            .map(|(path, method, _)| (path.to_owned(), method.as_str().to_lowercase()))
            .collect();
        let described: BTreeSet<(String, String)> = document["paths"]
            .as_object()
            .expect("paths")
            .iter()
            // The document also describes the health probes, which the router serves.
            .filter(|(path, _)| path.starts_with("/api/v1/"))
            .flat_map(|(path, methods)| {
                methods
                    .as_object()
                    .expect("methods")
                    .keys()
                    .filter(|key| !key.starts_with("x-") && *key != "parameters")
                    .map(move |method| (path.clone(), method.clone()))
            })
            .collect();
        assert_eq!(served, described);
    }
}

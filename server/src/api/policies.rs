//! `GET /api/v1/policies` (optionally `?q=…&category=…&department=…&situation=…`) and
//! `GET /api/v1/policies/{slug}`.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use handbook::{Localized, Policy, PolicyQuery};
use serde::{Deserialize, Serialize};

use crate::router::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct ListParams {
    #[serde(default)]
    q: String,
    category: Option<String>,
    department: Option<String>,
    situation: Option<String>,
}

/// One line of the list: enough to show and link to it.
#[derive(Debug, Serialize)]
pub struct PolicySummary<'a> {
    slug: &'a str,
    category: &'a str,
    department: &'a str,
    life_situations: &'a [String],
    programmes: &'a [rules::ProgrammeId],
    title: Localized<&'a str>,
    summary: Localized<&'a str>,
    url: String,
}

impl<'a> From<&'a Policy> for PolicySummary<'a> {
    fn from(p: &'a Policy) -> Self {
        Self {
            slug: &p.slug,
            category: &p.category,
            department: &p.department,
            life_situations: &p.life_situations,
            programmes: &p.programmes,
            title: Localized {
                zh: &p.text.zh.title,
                en: &p.text.en.title,
            },
            summary: Localized {
                zh: &p.text.zh.summary,
                en: &p.text.en.summary,
            },
            url: format!("/api/v1/policies/{}", p.slug),
        }
    }
}

pub async fn list(State(state): State<AppState>, Query(params): Query<ListParams>) -> Response {
    let query = PolicyQuery {
        text: params.q,
        category: params.category,
        department: params.department,
        situation: params.situation,
    };
    let handbook = state.handbook.current();
    let hits = handbook.search(&query);
    let policies: Vec<PolicySummary<'_>> = hits
        .iter()
        .map(|hit| PolicySummary::from(hit.policy))
        .collect();
    Json(serde_json::json!({ "count": policies.len(), "policies": policies })).into_response()
}

pub async fn one(State(state): State<AppState>, Path(slug): Path<String>) -> Response {
    match state.handbook.current().policy(&slug) {
        Some(policy) => Json(policy).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            Json(serde_json::json!({ "errors": [{ "field": "slug", "code": "not_found", "message": format!("no policy {slug:?}") }] })),
        )
            .into_response(),
    }
}

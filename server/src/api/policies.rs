//! `GET /api/v1/policies` (optionally `?q=…&category=…&department=…&situation=…`) and
//! `GET /api/v1/policies/{slug}`.

use app::input_errors::input_error_message;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use handbook::{Localized, Policy, PolicyQuery};
use serde::Serialize;

use super::eligibility::{caller_language, unprocessable, ApiError};
use crate::state::AppState;

/// The list's query: `q`, and the closed vocabularies of the handbook. Other parameters are
/// ignored; an unknown category, department or situation is refused, as the document says, rather
/// than matching nothing.
#[derive(Debug, Default)]
pub struct ListParams {
    q: String,
    category: Option<String>,
    department: Option<String>,
    situation: Option<String>,
}

impl ListParams {
    fn read(
        query: &str,
        handbook: &handbook::Handbook,
        lang: app::i18n::Lang,
    ) -> Result<ListParams, Vec<ApiError>> {
        let mut params = ListParams::default();
        for (name, value) in form_urlencoded::parse(query.as_bytes()) {
            match name.as_ref() {
                "q" => params.q = value.into_owned(),
                "category" => params.category = Some(value.into_owned()),
                "department" => params.department = Some(value.into_owned()),
                "situation" => params.situation = Some(value.into_owned()),
                _ => {}
            }
        }
        let unknown = [
            (
                "category",
                params
                    .category
                    .as_deref()
                    .is_some_and(|id| handbook.category(id).is_none()),
            ),
            (
                "department",
                params
                    .department
                    .as_deref()
                    .is_some_and(|id| handbook.department(id).is_none()),
            ),
            (
                "situation",
                params
                    .situation
                    .as_deref()
                    .is_some_and(|id| handbook.life_situation(id).is_none()),
            ),
        ];
        let errors: Vec<ApiError> = unknown
            .into_iter()
            .filter(|(_, unknown)| *unknown)
            .map(|(field, _)| ApiError {
                field: field.to_owned(),
                code: "unknown_value",
                message: input_error_message(lang, "unknown_value"),
            })
            .collect();
        if errors.is_empty() {
            Ok(params)
        } else {
            Err(errors)
        }
    }
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

pub async fn list(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let handbook = state.handbook.current();
    let params = match ListParams::read(
        query.as_deref().unwrap_or(""),
        &handbook,
        caller_language(&headers),
    ) {
        Ok(params) => params,
        Err(errors) => return unprocessable(errors),
    };
    let query = PolicyQuery {
        text: params.q,
        category: params.category,
        department: params.department,
        situation: params.situation,
    };
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

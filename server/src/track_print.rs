//! `GET /track/cases/{reference}/print` (`app::track::print::PrintCasePage` draws it): the
//! case's documents, prefilled from the application as received, for the browser that opened
//! the case (as its tracking page: the same lookup allowance, the same answer for a case it may
//! not see).

use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use casework::CaseState;
use tower_sessions::Session;

use app::track::print::{PrintCase, PrintDecision, PrintMember};
use store::applications::{CaseFile, CaseKey};

use crate::client::ClientKey;
use crate::posted_pages::render_page_with;
use crate::resident_access::ResidentAccess;
use crate::state::AppState;

pub async fn show(
    State(state): State<AppState>,
    session: Session,
    client: ClientKey,
    Path(reference): Path<String>,
    request: Request,
) -> Response {
    let mut access = ResidentAccess::load(&session, &state.store).await;
    let (parts, _) = request.into_parts();
    let case =
        match crate::track_cases::open_counted(&state, &mut access, &client, &reference, &parts)
            .await
        {
            Ok(case) => case,
            Err(response) => return response,
        };
    match state
        .store
        .resident_case_file(&case.reference, CaseKey::OpenedBefore)
        .await
    {
        Ok(Some(file)) => render_page_with(&state, parts, printable(&file)).await,
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            tracing::error!(error = %e, "could not read a case to print");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

fn printable(file: &CaseFile) -> PrintCase {
    let household = &file.household;
    let members = household
        .members
        .as_deref()
        .unwrap_or_default()
        .iter()
        .map(|m| PrintMember {
            age: m.age.map(|a| a.max(0.0).round() as u32),
            disability_grade: m.disability_grade.map(|g| g.max(0.0).round() as u32),
            monthly_income: m.incomes.iter().filter_map(|i| i.monthly).sum(),
        })
        .collect();
    let assets = household.assets.clone().unwrap_or_default();
    let decision = file
        .events
        .iter()
        .rev()
        .find(|e| matches!(e.state, CaseState::Approved | CaseState::Rejected))
        .map(|e| PrintDecision {
            approved: e.state == CaseState::Approved,
            at: e.at.unix_timestamp(),
            reason: e.note.clone(),
        });
    PrintCase {
        reference: file.reference.clone(),
        submitted_at: file.times.submitted_at.unix_timestamp(),
        county: file.county.id().to_owned(),
        name: file.applicant_name.clone(),
        id_number: file.id_number.clone(),
        phone: file.phone.clone(),
        address: file.address.clone(),
        area_rural: household.area.as_deref() == Some("rural"),
        members,
        financial_yuan: assets.financial.unwrap_or(0.0),
        vehicles_yuan: assets.vehicles_value.unwrap_or(0.0),
        houses: assets.houses_owned.map(|h| h.max(0.0) as u32).unwrap_or(0),
        programmes: file.programmes.clone(),
        authorised: file
            .consents
            .iter()
            .filter(|c| c.kind == "verification_authorization")
            .filter_map(|c| c.member.and_then(|m| usize::try_from(m).ok()))
            .collect(),
        consented_at: file
            .consents
            .iter()
            .find(|c| c.kind == "three_in_one")
            .map(|c| c.given_at.unix_timestamp()),
        decision,
    }
}

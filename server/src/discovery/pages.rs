//! The discovery pages (`app::staff::DiscoveryPage` and the others render them): the server reads
//! the session, checks the role and county, prepares each page's data from the store and answers
//! the plain form posts. An upload is kept in a temporary file and imported in the background;
//! a run goes on in the background too; the pages show their progress and refresh themselves.

use std::path::PathBuf;

use axum::extract::{Multipart, Path, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use casework::Actor;
use discovery::{Kind, VisitOutcome};
use tower_sessions::Session;

use app::apply::{ApplicantAnswers, ApplicationDraft};
use app::error_pages::ErrorPage;
use app::staff::{
    discovery_field, CandidatePage, DiscoveryOverview, FunnelView, ImportReportPage, ImportRow,
    MemberRow, PlaceRow, RunRow, StopPage, TownshipPage, VisitRow, DISCOVERY_CANDIDATES,
    DISCOVERY_IMPORTS, DISCOVERY_PAGE, STOP_PAGE,
};
use store::discovery::{CandidateView, FunnelRow, ImportSummary, VisitError};
use store::staff::{Role, StaffUser};

use crate::client::ClientKey;
use crate::middleware::errors::error_page_response;
use crate::posted_pages::{read_form, render_page_with};
use crate::state::AppState;

fn unavailable(e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "a discovery page could not be prepared");
    StatusCode::SERVICE_UNAVAILABLE.into_response()
}

/// The member of staff, if they may work on discovery (volunteers may not).
pub(crate) async fn staff_member(
    state: &AppState,
    session: &Session,
) -> Result<StaffUser, Response> {
    let staff = crate::case_pages::signed_in(state, session).await?;
    if staff.role == Role::Volunteer {
        return Err(error_page_response(
            StatusCode::FORBIDDEN,
            ErrorPage::Forbidden,
        ));
    }
    Ok(staff)
}

fn import_row(import: &ImportSummary) -> ImportRow {
    ImportRow {
        id: import.id,
        kind: import.kind.as_str().to_owned(),
        file_name: import.file_name.clone(),
        started_at: import.started_at,
        state: import.state.clone(),
        rows_read: import.report.rows_read,
        accepted: import.report.accepted,
        refused: import.report.refused,
        changed: import.report.changed,
        repaired: import.report.repaired,
        match_rate: import.report.id_match_rate(),
    }
}

fn sees_funnel(staff: &StaffUser) -> bool {
    matches!(staff.role, Role::Supervisor | Role::Admin)
}

async fn overview(
    state: &AppState,
    staff: &StaffUser,
    upload_problem: Option<&str>,
    run_busy: bool,
) -> Result<DiscoveryOverview, Response> {
    let store = &state.store;
    let imports = store.discovery_imports(20).await.map_err(unavailable)?;
    let runs = store.discovery_runs(10).await.map_err(unavailable)?;
    let places = store.discovery_places(staff).await.map_err(unavailable)?;
    let funnel = if sees_funnel(staff) {
        Some(FunnelView::from_store(
            &store
                .discovery_funnel(Some(staff.county))
                .await
                .map_err(unavailable)?,
        ))
    } else {
        None
    };
    Ok(DiscoveryOverview {
        county: staff.county.id().to_owned(),
        kinds: Kind::ALL.iter().map(|k| k.as_str().to_owned()).collect(),
        imports: imports.iter().map(import_row).collect(),
        runs: runs
            .into_iter()
            .map(|run| RunRow {
                id: run.id,
                started_at: run.started_at,
                state: run.state,
                stage: run.stage,
                progress: run.progress,
                total: run.total,
                households: run.summary.households,
                likely: run.summary.likely,
                new: run.summary.saved.new,
                refreshed: run.summary.saved.refreshed,
                suppressed: run.summary.saved.suppressed,
                notified: run.summary.saved.notified,
            })
            .collect(),
        places: places
            .into_iter()
            .map(|p| PlaceRow {
                township: p.township,
                village: p.village,
                open: p.open,
                overdue: p.overdue,
                visited: p.visited,
            })
            .collect(),
        funnel,
        upload_problem: upload_problem.map(str::to_owned),
        run_busy,
    })
}

async fn render_overview(
    state: &AppState,
    staff: &StaffUser,
    request: Request,
    upload_problem: Option<&str>,
    run_busy: bool,
    status: StatusCode,
) -> Response {
    let page = match overview(state, staff, upload_problem, run_busy).await {
        Ok(page) => page,
        Err(response) => return response,
    };
    let (mut parts, _) = request.into_parts();
    parts.uri = axum::http::Uri::from_static(DISCOVERY_PAGE);
    parts.method = axum::http::Method::GET;
    let mut response = render_page_with(state, parts, page).await;
    *response.status_mut() = status;
    response
}

/// `GET /staff/discovery`.
pub async fn show(State(state): State<AppState>, session: Session, request: Request) -> Response {
    let staff = match staff_member(&state, &session).await {
        Ok(staff) => staff,
        Err(response) => return response,
    };
    render_overview(&state, &staff, request, None, false, StatusCode::OK).await
}

/// A file being received: removed when dropped unless the import took it over.
struct Received(PathBuf);

impl Drop for Received {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn received_path() -> PathBuf {
    let name: String = (0..16)
        .map(|_| format!("{:x}", rand::random::<u8>() % 16))
        .collect();
    std::env::temp_dir().join(format!("jsj-discovery-{name}"))
}

enum UploadRefused {
    Problem(&'static str, StatusCode),
    Failed(Response),
}

async fn receive(mut multipart: Multipart) -> Result<(Kind, String, Received), UploadRefused> {
    use tokio::io::AsyncWriteExt;
    let mut kind = None;
    let mut file: Option<(String, Received)> = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(_) => {
                return Err(UploadRefused::Problem(
                    "too_large",
                    StatusCode::PAYLOAD_TOO_LARGE,
                ))
            }
        };
        match field.name() {
            Some(name) if name == discovery_field::KIND => {
                kind = field.text().await.ok().and_then(|t| Kind::parse(t.trim()));
            }
            Some(name) if name == discovery_field::FILE => {
                let file_name = field
                    .file_name()
                    .map(|n| {
                        n.rsplit(['/', '\\'])
                            .next()
                            .unwrap_or(n)
                            .chars()
                            .take(200)
                            .collect()
                    })
                    .unwrap_or_default();
                let received = Received(received_path());
                let mut out = tokio::fs::File::create(&received.0)
                    .await
                    .map_err(|e| UploadRefused::Failed(unavailable(e)))?;
                let mut field = field;
                let mut size = 0_u64;
                loop {
                    match field.chunk().await {
                        Ok(Some(chunk)) => {
                            size += chunk.len() as u64;
                            out.write_all(&chunk)
                                .await
                                .map_err(|e| UploadRefused::Failed(unavailable(e)))?;
                        }
                        Ok(None) => break,
                        Err(_) => {
                            return Err(UploadRefused::Problem(
                                "too_large",
                                StatusCode::PAYLOAD_TOO_LARGE,
                            ))
                        }
                    }
                }
                out.flush()
                    .await
                    .map_err(|e| UploadRefused::Failed(unavailable(e)))?;
                if size > 0 {
                    file = Some((file_name, received));
                }
            }
            _ => {}
        }
    }
    let Some(kind) = kind else {
        return Err(UploadRefused::Problem(
            "choose_kind",
            StatusCode::UNPROCESSABLE_ENTITY,
        ));
    };
    let Some((file_name, received)) = file else {
        return Err(UploadRefused::Problem(
            "choose_file",
            StatusCode::UNPROCESSABLE_ENTITY,
        ));
    };
    let lower = file_name.to_ascii_lowercase();
    if !(lower.ends_with(".csv") || lower.ends_with(".xlsx")) {
        return Err(UploadRefused::Problem(
            "not_csv_or_xlsx",
            StatusCode::UNPROCESSABLE_ENTITY,
        ));
    }
    Ok((kind, file_name, received))
}

/// `POST /staff/discovery/imports`: a department file, imported in the background; the answer
/// leads to its report.
pub async fn upload(State(state): State<AppState>, session: Session, request: Request) -> Response {
    let staff = match staff_member(&state, &session).await {
        Ok(staff) => staff,
        Err(response) => return response,
    };
    let (parts, body) = request.into_parts();
    let page_request = || Request::from_parts(parts.clone(), axum::body::Body::empty());
    let multipart = match <Multipart as axum::extract::FromRequest<AppState>>::from_request(
        Request::from_parts(parts.clone(), body),
        &state,
    )
    .await
    {
        Ok(multipart) => multipart,
        Err(_) => {
            return render_overview(
                &state,
                &staff,
                page_request(),
                Some("choose_file"),
                false,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    };
    let (kind, file_name, received) = match receive(multipart).await {
        Ok(received) => received,
        Err(UploadRefused::Failed(response)) => return response,
        Err(UploadRefused::Problem(code, status)) => {
            return render_overview(&state, &staff, page_request(), Some(code), false, status).await
        }
    };
    let by = Actor::Staff { id: staff.id };
    let id = match crate::discovery::import::start_import(
        &state.store,
        kind,
        &received.0,
        &file_name,
        by,
    )
    .await
    {
        Ok(id) => id,
        Err(e) => return unavailable(e),
    };
    let store = state.store.clone();
    tokio::spawn(async move {
        let path = received.0.clone();
        if let Err(e) =
            crate::discovery::import::carry_import(&store, id, kind, &path, &file_name, &()).await
        {
            tracing::error!(error = %e, import = id, "a discovery import failed");
        }
        drop(received);
    });
    Redirect::to(&format!("{DISCOVERY_IMPORTS}/{id}")).into_response()
}

/// `GET /staff/discovery/imports/{id}`: the report, for the department.
pub async fn report(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    if let Err(response) = staff_member(&state, &session).await {
        return response;
    }
    let Ok(id) = id.parse::<i64>() else {
        return crate::posted_pages::render_page(&state, request.into_parts().0).await;
    };
    let import = match state.store.discovery_import(id).await {
        Ok(Some(import)) => import,
        Ok(None) => return crate::posted_pages::render_page(&state, request.into_parts().0).await,
        Err(e) => return unavailable(e),
    };
    let page = ImportReportPage {
        import: import_row(&import),
        refused_by_reason: import
            .report
            .refused_by_reason
            .iter()
            .map(|(k, v)| (k.clone(), *v))
            .collect(),
        refused_lines: import.report.refused_lines.clone(),
        file_problem: import.report.file_problem.clone(),
    };
    render_page_with(&state, request.into_parts().0, page).await
}

/// `POST /staff/discovery/runs`: starts a run in the background, unless one is going on.
pub async fn start_run(
    State(state): State<AppState>,
    session: Session,
    request: Request,
) -> Response {
    let staff = match staff_member(&state, &session).await {
        Ok(staff) => staff,
        Err(response) => return response,
    };
    let by = Actor::Staff { id: staff.id };
    match state.store.begin_discovery_run(&by).await {
        Ok(Some(id)) => {
            let store = state.store.clone();
            let settings = state.discovery.notices;
            tokio::spawn(async move {
                if let Err(e) = crate::discovery::run::carry_run(&store, id, &settings, &()).await {
                    tracing::error!(error = %e, run = id, "a discovery run failed");
                }
            });
            Redirect::to(DISCOVERY_PAGE).into_response()
        }
        Ok(None) => {
            render_overview(&state, &staff, request, None, true, StatusCode::CONFLICT).await
        }
        Err(e) => unavailable(e),
    }
}

fn visit_error(e: VisitError) -> Response {
    match e {
        VisitError::NotAllowed => error_page_response(StatusCode::FORBIDDEN, ErrorPage::Forbidden),
        VisitError::NotFound => error_page_response(StatusCode::NOT_FOUND, ErrorPage::BadRequest),
        other => unavailable(other),
    }
}

/// `GET /staff/discovery/township?name=…`: the township's visit list (audited).
pub async fn township(
    State(state): State<AppState>,
    session: Session,
    request: Request,
) -> Response {
    let staff = match staff_member(&state, &session).await {
        Ok(staff) => staff,
        Err(response) => return response,
    };
    let name = request
        .uri()
        .query()
        .and_then(|q| {
            form_urlencoded::parse(q.as_bytes())
                .find(|(k, _)| k == "name")
                .map(|(_, v)| v.into_owned())
        })
        .unwrap_or_default();
    if name.trim().is_empty() || name.chars().count() > 40 {
        return Redirect::to(DISCOVERY_PAGE).into_response();
    }
    let lines = match state.store.discovery_visit_list(&staff, &name).await {
        Ok(lines) => lines,
        Err(e) => return visit_error(e),
    };
    let page = TownshipPage {
        township: name,
        lines: lines
            .into_iter()
            .map(|l| VisitRow {
                id: l.id,
                village: l.village,
                name: l.name,
                programme: l.programme,
                score: l.score,
                due_at: l.due_at,
                overdue: l.overdue,
                outcome: l.outcome.map(|o| o.as_str().to_owned()),
            })
            .collect(),
    };
    render_page_with(&state, request.into_parts().0, page).await
}

fn candidate_page(view: CandidateView, problem: Option<&str>, note: String) -> CandidatePage {
    let erased = view.evidence.is_none();
    let evidence = view.evidence;
    let members: Vec<MemberRow> = evidence
        .as_ref()
        .map(|e| {
            e.members
                .iter()
                .map(|m| MemberRow {
                    name: m.name.clone(),
                    relation: m.relation.as_str().to_owned(),
                    age: m.age,
                    concerned: m.concerned,
                })
                .collect()
        })
        .unwrap_or_default();
    let records = evidence.as_ref().map(evidence_records).unwrap_or_default();
    let checks = evidence
        .as_ref()
        .map(|e| e.checks.clone())
        .unwrap_or_default();
    CandidatePage {
        id: view.id,
        township: view.township,
        village: view.village,
        address: evidence
            .as_ref()
            .map(|e| e.address.clone())
            .unwrap_or_default(),
        programme: view.programme,
        eligible: view.eligible,
        monthly_amount: view.monthly_amount,
        score: view.score,
        standards_year: view.standards_year,
        found_at: view.found_at,
        due_at: view.due_at,
        overdue: view.overdue,
        notified_at: view.notified_at,
        members,
        records,
        checks,
        outcome: view.outcome.map(|o| o.as_str().to_owned()),
        outcome_note: view.outcome_note,
        outcome_at: view.outcome_at,
        erased,
        problem: problem.map(str::to_owned),
        note,
    }
}

/// The department records evidence cites, as the pages list them: (member's name, kind, record
/// id, day).
pub(crate) fn evidence_records(
    evidence: &discovery::Evidence,
) -> Vec<(String, String, String, String)> {
    evidence
        .records
        .iter()
        .map(|r| {
            (
                evidence
                    .members
                    .get(r.member)
                    .map(|m| m.name.clone())
                    .unwrap_or_default(),
                r.kind.as_str().to_owned(),
                r.record_id.clone(),
                r.observed_on.to_string(),
            )
        })
        .collect()
}

/// `GET /staff/discovery/candidates/{id}` (audited).
pub async fn candidate(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    let staff = match staff_member(&state, &session).await {
        Ok(staff) => staff,
        Err(response) => return response,
    };
    let Ok(id) = id.parse::<i64>() else {
        return crate::posted_pages::render_page(&state, request.into_parts().0).await;
    };
    match state.store.discovery_candidate(&staff, id).await {
        Ok(view) => {
            render_page_with(
                &state,
                request.into_parts().0,
                candidate_page(view, None, String::new()),
            )
            .await
        }
        Err(e) => visit_error(e),
    }
}

/// `POST /staff/discovery/candidates/{id}`: records the visit. "Applied" opens the assisted
/// application, prefilled from the data, at the applicant's page.
pub async fn record_visit(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    let staff = match staff_member(&state, &session).await {
        Ok(staff) => staff,
        Err(response) => return response,
    };
    let Ok(id) = id.parse::<i64>() else {
        return error_page_response(StatusCode::NOT_FOUND, ErrorPage::BadRequest);
    };
    let (parts, body) = request.into_parts();
    let Some(fields) = read_form(body).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let note = fields.text(discovery_field::NOTE);
    let outcome = VisitOutcome::parse(fields.text(discovery_field::OUTCOME).trim());
    let refused = |problem: &'static str, status: StatusCode| {
        let state = state.clone();
        let staff = staff.clone();
        let parts = parts.clone();
        let note = note.clone();
        async move {
            match state.store.discovery_candidate(&staff, id).await {
                Ok(view) => {
                    let mut parts = parts;
                    parts.method = axum::http::Method::GET;
                    let mut response =
                        render_page_with(&state, parts, candidate_page(view, Some(problem), note))
                            .await;
                    *response.status_mut() = status;
                    response
                }
                Err(e) => visit_error(e),
            }
        }
    };
    let Some(outcome) = outcome else {
        return refused("choose_outcome", StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    match state
        .store
        .record_discovery_visit(&staff, id, outcome, &note)
        .await
    {
        Ok(()) => {}
        Err(VisitError::ReasonNeeded) => {
            return refused("reason_needed", StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(VisitError::TooLong(_)) => {
            return refused("too_long", StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(VisitError::AlreadyRecorded) => {
            return refused("already_recorded", StatusCode::CONFLICT).await
        }
        Err(e) => return visit_error(e),
    }
    let back = format!("{DISCOVERY_CANDIDATES}/{id}");
    if outcome != VisitOutcome::Applied {
        return Redirect::to(&back).into_response();
    }
    // The assisted application, prefilled from the evidence.
    let view = match state.store.discovery_candidate(&staff, id).await {
        Ok(view) => view,
        Err(e) => return visit_error(e),
    };
    let Some(evidence) = view.evidence else {
        return Redirect::to(&back).into_response();
    };
    let head = evidence.members.first();
    let applicant = ApplicantAnswers {
        name: head.map(|m| m.name.clone()).unwrap_or_default(),
        id_number: head.map(|m| m.id_number.clone()).unwrap_or_default(),
        phone: head.and_then(|m| m.phone.clone()).unwrap_or_default(),
        county: view.county.clone(),
        address: format!("{}{}{}", view.township, view.village, evidence.address),
    };
    let draft = ApplicationDraft::from_department_data(&evidence.household, applicant);
    let created = match serde_json::to_string(&draft) {
        Ok(json) => state.store.create_draft(&json).await,
        Err(e) => Err(store::StoreError::Corrupt(e.to_string())),
    };
    match created {
        Ok(token) => {
            tracing::info!(
                candidate = id,
                staff_id = staff.id,
                "assisted application started from a visit"
            );
            Redirect::to(&format!("/apply/{}/applicant", token.as_str())).into_response()
        }
        Err(e) => unavailable(e),
    }
}

/// `GET /staff/discovery/funnel.csv`: the county's funnel, per rule and per source.
pub async fn funnel_csv(State(state): State<AppState>, session: Session) -> Response {
    let staff = match staff_member(&state, &session).await {
        Ok(staff) => staff,
        Err(response) => return response,
    };
    if !sees_funnel(&staff) {
        return error_page_response(StatusCode::FORBIDDEN, ErrorPage::Forbidden);
    }
    let funnel = match state.store.discovery_funnel(Some(staff.county)).await {
        Ok(funnel) => funnel,
        Err(e) => return unavailable(e),
    };
    let mut csv = String::from(
        "\u{feff}by,key,imported,matched,candidates,visited,confirmed,refuted,applied,approved,precision\r\n",
    );
    let mut line = |by: &str, key: &str, row: &FunnelRow| {
        csv.push_str(&format!(
            "{by},{key},{},{},{},{},{},{},{},{},{}\r\n",
            row.imported,
            row.matched,
            row.candidates,
            row.visited,
            row.confirmed,
            row.refuted,
            row.applied,
            row.approved,
            row.precision()
                .map(|p| format!("{p:.4}"))
                .unwrap_or_default()
        ));
    };
    line("total", "all", &funnel.total);
    for (programme, row) in &funnel.by_programme {
        line("rule", programme.as_str(), row);
    }
    for (kind, row) in &funnel.by_source {
        line("source", kind.as_str(), row);
    }
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"discovery-funnel.csv\"",
            ),
        ],
        csv,
    )
        .into_response()
}

/// `GET /stop`: the form for the code in a 主动告知 message.
pub async fn stop_form(State(state): State<AppState>, request: Request) -> Response {
    render_page_with(&state, request.into_parts().0, StopPage::default()).await
}

/// `POST /stop`: stops the messages to the number the code was sent to. Wrong codes count
/// against the client, as wrong access codes do.
pub async fn stop(State(state): State<AppState>, client: ClientKey, request: Request) -> Response {
    let (mut parts, body) = request.into_parts();
    parts.method = axum::http::Method::GET;
    parts.uri = axum::http::Uri::from_static(STOP_PAGE);
    let Some(fields) = read_form(body).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let code = fields.text(discovery_field::CODE);
    let problem = |problem: &str| StopPage {
        done: false,
        problem: Some(problem.to_owned()),
    };
    if code.trim().is_empty() {
        let mut response = render_page_with(&state, parts, problem("enter_code")).await;
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return response;
    }
    let lookup = match state.limits.begin_client_lookup(&client).await {
        Ok(lookup) => lookup,
        Err(refused) => return refused.page(),
    };
    match state.store.discovery_opt_out(&code).await {
        Ok(true) => {
            lookup.found().await;
            render_page_with(
                &state,
                parts,
                StopPage {
                    done: true,
                    problem: None,
                },
            )
            .await
        }
        Ok(false) => {
            let mut response = render_page_with(&state, parts, problem("unknown_code")).await;
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            response
        }
        Err(e) => unavailable(e),
    }
}

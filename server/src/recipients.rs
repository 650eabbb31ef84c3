//! The month's re-verification (在保必核): every recipient household checked against the latest
//! department data (the discovery imports) with the same household build and rules, and the
//! standards in force that month; renewals kept, warnings queued for a person, the month paid.

use std::collections::HashMap;
use std::time::Instant;

use casework::{Actor, County, InForce, LinkageRules, YearMonth};
use discovery::{assemble, reverify, KindSet, PersonKey, Recipient, Reverified, ReverifyCount};
use rayon::prelude::*;
use store::Store;

use crate::discovery::run::{people_of, read_people, RunError, RunProgress};
use crate::middleware::errors::error_page_response;
use crate::posted_pages::{read_form, render_page_at, render_page_with};
use crate::state::AppState;
use app::error_pages::ErrorPage;
use app::staff::{recipients_field, PricesPart, RecipientsPage, WarningRow, RECIPIENTS_PAGE};
use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use casework::Decision;
use store::recipients::DecideError;
use tower_sessions::Session;

/// What a month's re-check did, with its time per stage.
#[derive(Debug, Clone, Default)]
pub struct ReverifySummary {
    pub run: i64,
    pub count: ReverifyCount,
    pub records: u64,
    /// Seconds: read, check, write.
    pub seconds: [f64; 3],
    /// Price-linkage subsidies paid: how many, and fen in all.
    pub subsidies: (u64, i64),
}

/// Re-checks every active recipient for `month`, by `by`, and pays the month: the regular
/// amounts, and the price-linkage subsidy when the month's price index triggers `linkage`'s
/// rules in force on its first day.
pub async fn reverify_month(
    store: &Store,
    by: &Actor,
    month: YearMonth,
    linkage: &InForce<LinkageRules>,
    progress: &dyn RunProgress,
) -> Result<ReverifySummary, RunError> {
    let run = store
        .begin_reverify_run(by, &month.to_string())
        .await?
        .ok_or(RunError::AlreadyRunning)?;
    carry_month(store, run, by, month, linkage, progress).await
}

/// Carries a run begun with [`Store::begin_reverify_run`] through, and records its end.
pub async fn carry_month(
    store: &Store,
    run: i64,
    by: &Actor,
    month: YearMonth,
    linkage: &InForce<LinkageRules>,
    progress: &dyn RunProgress,
) -> Result<ReverifySummary, RunError> {
    match carry(store, run, by, month, progress).await {
        Ok(mut summary) => {
            summary.subsidies = store
                .pay_price_subsidies(month, linkage.on(month.first_day()), by)
                .await?;
            store
                .finish_reverify_run(run, &summary.count, false)
                .await?;
            Ok(summary)
        }
        Err(e) => {
            store
                .finish_reverify_run(run, &ReverifyCount::default(), true)
                .await?;
            Err(e)
        }
    }
}

async fn carry(
    store: &Store,
    run: i64,
    by: &Actor,
    month: YearMonth,
    progress: &dyn RunProgress,
) -> Result<ReverifySummary, RunError> {
    let mut summary = ReverifySummary {
        run,
        ..ReverifySummary::default()
    };
    // The month is judged on its first day: its standards, and the 12 months before it.
    let day = month.first_day();
    let started = Instant::now();
    let recipients = store.recipients_to_check().await?;
    let (by_person, records) = read_people(store, &|done, total| {
        progress.stage("read", done, total);
    })
    .await?;
    summary.records = records;
    let persons = people_of(by_person);
    summary.seconds[0] = started.elapsed().as_secs_f64();

    let started = Instant::now();
    progress.stage("check", 0, recipients.len() as u64);
    let standards = *store.standards().on(day);
    let findings = tokio::task::spawn_blocking(move || {
        let mut coverage = KindSet::default();
        for person in &persons {
            for record in &person.records {
                coverage.insert(record.kind);
            }
        }
        let (households, _) = assemble(&persons, day);
        let person_at: HashMap<PersonKey, usize> = persons
            .iter()
            .enumerate()
            .map(|(i, p)| (p.key, i))
            .collect();
        let household_of: HashMap<PersonKey, usize> = households
            .iter()
            .enumerate()
            .flat_map(|(i, h)| h.members.iter().map(move |(p, _)| (p.key, i)))
            .collect();
        let window = discovery::Window::before(day);
        recipients
            .par_iter()
            .map(|r| {
                // An index that does not read finds no one: a warning a person looks at.
                let mut key = [0u8; 32];
                let _ = hex::decode_to_slice(&r.person_index, &mut key);
                let recipient = Recipient {
                    person: PersonKey(key),
                    programme: r.programme,
                    monthly_amount_fen: r.monthly_amount_fen,
                    since: r.renewed_on,
                };
                let same_county = |county: &str| {
                    county
                        .parse::<County>()
                        .is_ok_and(|c| c.id() == r.county.as_str())
                };
                let found = reverify(
                    &recipient,
                    person_at.get(&recipient.person).map(|&i| &persons[i]),
                    household_of.get(&recipient.person).map(|&i| &households[i]),
                    &window,
                    &standards,
                    coverage,
                    &same_county,
                );
                (r.id, found)
            })
            .collect::<Vec<(i64, Reverified)>>()
    })
    .await
    .map_err(|e| RunError::Stopped(e.to_string()))?;
    for (_, found) in &findings {
        summary.count.add(found);
    }
    summary.seconds[1] = started.elapsed().as_secs_f64();

    let started = Instant::now();
    progress.stage("write", 0, findings.len() as u64);
    store
        .save_reverify_findings(run, &month.to_string(), &findings, by)
        .await?;
    summary.seconds[2] = started.elapsed().as_secs_f64();
    Ok(summary)
}

/// `GET /staff/recipients?month=2026-12` (this month without one): the month's report and the
/// county's warnings. Volunteers get 403; every look is audited as the discovery pages are.
pub async fn show(
    State(state): State<AppState>,
    session: Session,
    Query(query): Query<HashMap<String, String>>,
    request: Request,
) -> Response {
    let staff = match crate::discovery::pages::staff_member(&state, &session).await {
        Ok(staff) => staff,
        Err(response) => return response,
    };
    let month = query
        .get("month")
        .and_then(|m| m.trim().parse::<YearMonth>().ok())
        .unwrap_or_else(this_month);
    let prices = app::staff::PricesPart {
        saved: query.get("prices").is_some_and(|v| v == "saved"),
        ..app::staff::PricesPart::default()
    };
    match page(&state, &staff, month, None, prices).await {
        Ok(page) => render_page_with(&state, request.into_parts().0, page).await,
        Err(e) => unavailable(&e),
    }
}

/// `POST /staff/recipients/warnings/{id}`: a person's decision. A refused one comes back on the
/// page with its problem beside the field and what was typed; nothing changes.
pub async fn decide(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    let staff = match crate::discovery::pages::staff_member(&state, &session).await {
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
    let typed = [
        fields.text(recipients_field::DECISION),
        fields.text(recipients_field::AMOUNT),
        fields.text(recipients_field::REASON),
    ];
    let month = match state.store.finding_month(id).await {
        Ok(Some(month)) => month,
        Ok(None) => return error_page_response(StatusCode::NOT_FOUND, ErrorPage::BadRequest),
        Err(e) => return unavailable(&e),
    };
    let back = format!("{RECIPIENTS_PAGE}?month={month}#warning-{id}");
    let outcome = match Decision::parse(typed[0].trim()) {
        None => Err(("choose", StatusCode::UNPROCESSABLE_ENTITY)),
        Some(decision) => {
            let amount = yuan_to_fen(&typed[1]);
            match (decision, amount) {
                (Decision::Adjust, None) => {
                    Err(("amount_required", StatusCode::UNPROCESSABLE_ENTITY))
                }
                _ => match state
                    .store
                    .decide_warning(&staff, id, decision, &typed[2], amount)
                    .await
                {
                    Ok(()) => Ok(()),
                    Err(DecideError::ReasonRequired) => {
                        Err(("reason_required", StatusCode::UNPROCESSABLE_ENTITY))
                    }
                    Err(DecideError::AmountRequired) => {
                        Err(("amount_required", StatusCode::UNPROCESSABLE_ENTITY))
                    }
                    Err(DecideError::Decided) => Err(("decided", StatusCode::CONFLICT)),
                    Err(DecideError::NotFound | DecideError::OtherCounty) => {
                        return error_page_response(StatusCode::NOT_FOUND, ErrorPage::BadRequest)
                    }
                    Err(DecideError::Volunteer) => {
                        return error_page_response(StatusCode::FORBIDDEN, ErrorPage::Forbidden)
                    }
                    Err(DecideError::Store(e)) => return unavailable(&e),
                },
            }
        }
    };
    match outcome {
        Ok(()) => Redirect::to(&back).into_response(),
        Err((problem, status)) => {
            let Ok(month) = month.parse::<YearMonth>() else {
                return Redirect::to(&back).into_response();
            };
            let refused = Some((id, problem.to_owned(), typed));
            render_at(
                &state,
                &staff,
                parts,
                month,
                refused,
                PricesPart::default(),
                status,
            )
            .await
        }
    }
}

/// The page of `month` (this month without one) with a refused price-index post's problems.
pub(crate) async fn render_refused(
    state: &AppState,
    staff: &store::staff::StaffUser,
    parts: axum::http::request::Parts,
    month: Option<YearMonth>,
    prices: PricesPart,
) -> Response {
    let month = month.unwrap_or_else(this_month);
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    render_at(state, staff, parts, month, None, prices, status).await
}

/// The page of `month` rendered as the answer to a refused post, at the page's own address,
/// whose route draws it.
async fn render_at(
    state: &AppState,
    staff: &store::staff::StaffUser,
    parts: axum::http::request::Parts,
    month: YearMonth,
    refused: Option<(i64, String, [String; 3])>,
    prices: PricesPart,
    status: StatusCode,
) -> Response {
    let uri = format!("{RECIPIENTS_PAGE}?month={month}");
    match page(state, staff, month, refused, prices).await {
        Ok(page) => render_page_at(state, parts, &uri, page, status).await,
        Err(e) => unavailable(&e),
    }
}

/// `POST /staff/recipients/runs`: a supervisor or an administrator starts the month's re-check
/// (`month` from the form); it goes on in the background and the page shows it.
pub async fn start_run(
    State(state): State<AppState>,
    session: Session,
    request: Request,
) -> Response {
    let staff = match crate::discovery::pages::staff_member(&state, &session).await {
        Ok(staff) => staff,
        Err(response) => return response,
    };
    if !may_start(&staff) {
        return error_page_response(StatusCode::FORBIDDEN, ErrorPage::Forbidden);
    }
    let (_, body) = request.into_parts();
    let Some(fields) = read_form(body).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let Ok(month) = fields.text("month").trim().parse::<YearMonth>() else {
        return error_page_response(StatusCode::BAD_REQUEST, ErrorPage::BadRequest);
    };
    let by = Actor::Staff { id: staff.id };
    let back = format!("{RECIPIENTS_PAGE}?month={month}");
    match state
        .store
        .begin_reverify_run(&by, &month.to_string())
        .await
    {
        Ok(Some(run)) => {
            let store = state.store.clone();
            let linkage = state.linkage.clone();
            tokio::spawn(async move {
                if let Err(e) = carry_month(&store, run, &by, month, &linkage, &()).await {
                    tracing::error!(error = %e, run, "a re-verification failed");
                }
            });
            Redirect::to(&back).into_response()
        }
        // One is going on already: the page shows it.
        Ok(None) => Redirect::to(&back).into_response(),
        Err(e) => unavailable(&e),
    }
}

/// Supervisors and administrators start the month's re-check (it pays the month) and keep the
/// price index (it decides the subsidies).
pub(crate) fn may_start(staff: &store::staff::StaffUser) -> bool {
    matches!(
        staff.role,
        store::staff::Role::Supervisor | store::staff::Role::Admin
    )
}

/// Whole yuan or yuan and fen (`1274`, `1274.5`), more than zero, as fen.
fn yuan_to_fen(text: &str) -> Option<i64> {
    let text = text.trim();
    let (whole, part) = text.split_once('.').unwrap_or((text, ""));
    if whole.is_empty()
        || part.len() > 2
        || !whole
            .chars()
            .chain(part.chars())
            .all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let fen =
        whole.parse::<i64>().ok()?.checked_mul(100)? + format!("{part:0<2}").parse::<i64>().ok()?;
    (fen > 0).then_some(fen)
}

fn this_month() -> YearMonth {
    let today = crate::discovery::today();
    YearMonth::new(today.year(), today.month())
}

fn unavailable(e: &store::StoreError) -> Response {
    tracing::error!(error = %e, "a recipients page could not be prepared");
    error_page_response(StatusCode::SERVICE_UNAVAILABLE, ErrorPage::Unavailable)
}

async fn page(
    state: &AppState,
    staff: &store::staff::StaffUser,
    month: YearMonth,
    refused: Option<(i64, String, [String; 3])>,
    prices: PricesPart,
) -> Result<RecipientsPage, store::StoreError> {
    let month_text = month.to_string();
    // The run first: when it says done, what it wrote is read after it.
    let run = state
        .store
        .latest_reverify_run()
        .await?
        .map(|r| (r.month, r.state, r.started_at, r.finished_at));
    let report = state.store.month_report(&month_text).await?;
    let warnings = state.store.recipient_warnings(staff, &month_text).await?;
    state
        .store
        .record_staff_read_detail(
            staff,
            "recipients.warnings",
            &format!("recipients:{month_text}"),
            &serde_json::json!({ "warnings": warnings.len() }).to_string(),
        )
        .await?;
    let yuan = |fen: i64| app::i18n::format_yuan(fen as f64 / 100.0);
    let checked = &report.checked;
    let figures = vec![
        ("recipients", checked.recipients.to_string()),
        ("renewed", checked.renewed.to_string()),
        (
            "renewal_rate",
            format!("{:.1}%", checked.renewal_rate() * 100.0),
        ),
        ("warned", checked.warned.to_string()),
        ("waiting", report.waiting.to_string()),
        ("adjusted", report.adjusted.to_string()),
        ("suspended", report.suspended.to_string()),
        ("stopped", report.stopped.to_string()),
        ("offered", checked.offered.to_string()),
        (
            "paid",
            format!("{} · {}", report.payments, yuan(report.paid_fen)),
        ),
        (
            "subsidies",
            format!("{} · {}", report.subsidies, yuan(report.subsidies_fen)),
        ),
    ];
    Ok(RecipientsPage {
        month: month_text,
        figures,
        warnings: warnings.into_iter().map(warning_row).collect(),
        refused,
        missing: state.store.missing_payments(staff).await?,
        run,
        may_start: may_start(staff),
        prices: crate::prices::part(state, staff, prices).await?,
    })
}

fn warning_row(w: store::recipients::WarningLine) -> WarningRow {
    let members: Vec<(String, String, u8)> = w
        .evidence
        .as_ref()
        .map(|e| {
            e.members
                .iter()
                .map(|m| (m.name.clone(), m.relation.as_str().to_owned(), m.age))
                .collect()
        })
        .unwrap_or_default();
    let records = w
        .evidence
        .as_ref()
        .map(crate::discovery::pages::evidence_records)
        .unwrap_or_default();
    WarningRow {
        id: w.finding_id,
        reference: w.reference,
        programme: w.programme,
        monthly_amount_fen: w.monthly_amount_fen,
        amount_now_fen: w.amount_now_fen,
        changes: w.changes.iter().map(|c| c.as_str().to_owned()).collect(),
        offer: w.offer,
        decision: w.decision.map(|d| d.as_str().to_owned()),
        checks: w.evidence.map(|e| e.checks).unwrap_or_default(),
        members,
        records,
    }
}

#[cfg(test)]
mod tests {
    use super::yuan_to_fen;

    #[test]
    fn amounts_are_read_as_yuan_and_fen() {
        assert_eq!(yuan_to_fen("1274"), Some(127_400));
        assert_eq!(yuan_to_fen(" 1274.5 "), Some(127_450));
        assert_eq!(yuan_to_fen("0.05"), Some(5));
        for bad in ["", "0", "-3", "1.234", "1,274", "abc", ".5"] {
            assert_eq!(yuan_to_fen(bad), None, "{bad}");
        }
    }
}

//! The price index on the recipients page (`app::staff::prices` draws it): the months held with
//! whether each triggers the subsidy under the linkage rules in force, and the two posts by which
//! a supervisor or an administrator adds to it, one month typed in or the index file. Both read
//! the figures with the rules of `server prices import`; a refusal comes back on the page with
//! its problem beside the field, and nothing is kept.

use axum::extract::{Multipart, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use casework::{Actor, PriceField, PriceIndexMonth, YearMonth};
use tower_sessions::Session;

use app::error_pages::ErrorPage;
use app::staff::{prices_field, PriceRow, PricesPart, RECIPIENTS_PAGE};
use store::recipients::PriceImportError;
use store::staff::StaffUser;

use crate::middleware::errors::error_page_response;
use crate::posted_pages::read_form;
use crate::state::AppState;

/// The months of the index the page lists.
const MONTHS_SHOWN: i64 = 13;
/// A price index file is a few lines a month; anything larger is not one.
const PRICE_FILE_BYTES: usize = 256 * 1024;

/// The part of the page, with what a refused post brings back.
pub(crate) async fn part(
    state: &AppState,
    staff: &StaffUser,
    refused: PricesPart,
) -> Result<PricesPart, store::StoreError> {
    let months = state.store.price_index_months(MONTHS_SHOWN).await?;
    let today = crate::discovery::today();
    Ok(PricesPart {
        months: months
            .iter()
            .map(|m| PriceRow {
                month: m.month.to_string(),
                cpi_permille: m.cpi_yoy_permille,
                food_permille: m.food_cpi_yoy_permille,
                trigger: casework::triggered(state.linkage.on(m.month.first_day()), m)
                    .map(|t| (t.by.as_str().to_owned(), t.rise_permille)),
            })
            .collect(),
        sample: state.linkage.on(today).sample,
        may_import: crate::recipients::may_start(staff),
        ..refused
    })
}

/// `POST /staff/recipients/prices`: one month's published figures, typed in.
pub async fn enter(State(state): State<AppState>, session: Session, request: Request) -> Response {
    let staff = match importer(&state, &session).await {
        Ok(staff) => staff,
        Err(response) => return response,
    };
    let (parts, body) = request.into_parts();
    let Some(fields) = read_form(body).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let typed = [
        fields.text(prices_field::MONTH),
        fields.text(prices_field::CPI),
        fields.text(prices_field::FOOD),
    ];
    let refused = match casework::read_price_month(&typed[0], &typed[1], &typed[2]) {
        Ok(month) => match keep(&state, &staff, &[month]).await {
            Ok(()) => return saved(Some(month.month)),
            Err(Kept::Paid) => vec![(prices_field::MONTH.to_owned(), "paid".to_owned())],
            Err(Kept::Failed(response)) => return response,
        },
        Err(problems) => problems
            .iter()
            .map(|(field, problem)| {
                let field = match field {
                    PriceField::Month => prices_field::MONTH,
                    PriceField::Cpi => prices_field::CPI,
                    PriceField::Food => prices_field::FOOD,
                };
                (field.to_owned(), problem.code().to_owned())
            })
            .collect(),
    };
    let month = casework::read_price_month(&typed[0], "0", "0")
        .ok()
        .map(|m| m.month);
    let part = PricesPart {
        typed,
        problems: refused,
        ..PricesPart::default()
    };
    crate::recipients::render_refused(&state, &staff, parts, month, part).await
}

/// `POST /staff/recipients/prices/file`: the price index file, as `server prices import` reads
/// it; a file with one wrong place is refused whole.
pub async fn upload(State(state): State<AppState>, session: Session, request: Request) -> Response {
    let staff = match importer(&state, &session).await {
        Ok(staff) => staff,
        Err(response) => return response,
    };
    let (parts, body) = request.into_parts();
    let read = match <Multipart as axum::extract::FromRequest<AppState>>::from_request(
        Request::from_parts(parts.clone(), body),
        &state,
    )
    .await
    {
        Ok(multipart) => read_file(multipart).await,
        Err(_) => Err("choose_file"),
    };
    let problem = match read.map(|text| casework::read_price_index(&text)) {
        Ok(Ok(index)) => match keep(&state, &staff, index.months()).await {
            Ok(()) => return saved(index.months().last().map(|m| m.month)),
            Err(Kept::Paid) => ("".to_owned(), "paid"),
            Err(Kept::Failed(response)) => return response,
        },
        Ok(Err(refused)) => {
            let (at, code) = refused.located();
            (at.to_owned(), code)
        }
        Err(code) => ("".to_owned(), code),
    };
    let part = PricesPart {
        file_problem: Some((problem.0, problem.1.to_owned())),
        ..PricesPart::default()
    };
    crate::recipients::render_refused(&state, &staff, parts, None, part).await
}

/// The uploaded file's text, or the problem's code.
async fn read_file(mut multipart: Multipart) -> Result<String, &'static str> {
    while let Ok(Some(mut field)) = multipart.next_field().await {
        if field.name() != Some(prices_field::FILE) {
            continue;
        }
        let mut bytes = Vec::new();
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => {
                    bytes.extend_from_slice(&chunk);
                    if bytes.len() > PRICE_FILE_BYTES {
                        return Err("too_large");
                    }
                }
                Ok(None) => break,
                Err(_) => return Err("too_large"),
            }
        }
        if bytes.is_empty() {
            return Err("choose_file");
        }
        // A byte-order mark, as spreadsheet tools write, is not part of the JSON.
        let text = String::from_utf8(bytes).map_err(|_| "not_json")?;
        return Ok(text.trim_start_matches('\u{feff}').to_owned());
    }
    Err("choose_file")
}

enum Kept {
    Paid,
    Failed(Response),
}

async fn keep(state: &AppState, staff: &StaffUser, months: &[PriceIndexMonth]) -> Result<(), Kept> {
    match state
        .store
        .import_price_index(months, &Actor::Staff { id: staff.id })
        .await
    {
        Ok(()) => Ok(()),
        Err(PriceImportError::Paid(_)) => Err(Kept::Paid),
        Err(PriceImportError::Store(e)) => {
            tracing::error!(error = %e, "the price index could not be kept");
            Err(Kept::Failed(error_page_response(
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorPage::Unavailable,
            )))
        }
    }
}

/// Back to the page of the month saved, which says so.
fn saved(month: Option<YearMonth>) -> Response {
    let month = month.map(|m| format!("month={m}&")).unwrap_or_default();
    Redirect::to(&format!("{RECIPIENTS_PAGE}?{month}prices=saved#prices")).into_response()
}

/// A supervisor or an administrator: the index decides what every recipient is paid.
async fn importer(state: &AppState, session: &Session) -> Result<StaffUser, Response> {
    let staff = crate::discovery::pages::staff_member(state, session).await?;
    if !crate::recipients::may_start(&staff) {
        return Err(error_page_response(
            StatusCode::FORBIDDEN,
            ErrorPage::Forbidden,
        ));
    }
    Ok(staff)
}

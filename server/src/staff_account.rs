//! A member's own account (`app::staff::StaffAccountPage`), the administrators' accounts page
//! (`StaffAccountsPage`) and the county's sign-in history (`StaffSignInHistoryPage`): the
//! server reads the session and the store, and each form's post answers with a redirect, or
//! with the page again (422) saying what was refused.

use std::collections::HashMap;

use axum::extract::{Path, Query, Request, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use app::error_pages::ErrorPage;
use app::staff::session;
use app::staff::{
    account_action, account_form, sign_in_field, AccountPage, AccountRow, AccountsPage, HistoryRow,
    PasskeyRow, SessionRow, SignInHistoryPage, ACCOUNTS_PAGE, ACCOUNT_PAGE,
};
use store::staff::{AccountError, LoginError, StaffUser, HISTORY_LINES};

use crate::case_pages::signed_in;
use crate::middleware::errors::error_page_response;
use crate::posted_pages::{read_form, render_page_at, render_page_with};
use crate::staff_sign_in::{client_of, password_problem, unavailable};
use crate::state::AppState;

/// The signed-in member and the id of this browser's sign-in.
pub(crate) async fn member(
    state: &AppState,
    session: &Session,
) -> Result<(StaffUser, String), Response> {
    let staff = signed_in(state, session).await?;
    match session::sign_in_id(session).await {
        Ok(Some(id)) => Ok((staff, id)),
        Ok(None) => Err(Redirect::to(app::staff::SIGN_IN_PAGE).into_response()),
        Err(e) => Err(unavailable("the staff session could not be read", &e)),
    }
}

/// The account page as it stands, with what the post before it did or refused.
async fn account_page(
    state: &AppState,
    staff: &StaffUser,
    this_sign_in: &str,
    refused: Option<(String, String)>,
    done: Option<String>,
    recovery_codes: Option<Vec<String>>,
) -> Result<AccountPage, store::StoreError> {
    let store = &state.store;
    let enrolled = store.totp_enrolled_at(staff.id).await?;
    let recovery_left = store.recovery_codes_left(staff.id).await?;
    let sessions = store
        .open_sign_ins(staff.id)
        .await?
        .into_iter()
        .map(|line| SessionRow {
            this_one: line.id == this_sign_in,
            id: line.id,
            started: line.started_at,
            last_seen: line.last_seen_at,
            client: line.client,
            device: line.device,
        })
        .collect();
    let passkeys = match state.passkeys {
        Some(_) => Some(
            store
                .passkeys_of(staff.id)
                .await?
                .into_iter()
                .map(|key| PasskeyRow {
                    id: key.id,
                    name: key.name,
                    added: key.created_at,
                    last_used: key.last_used_at,
                })
                .collect(),
        ),
        None => None,
    };
    Ok(AccountPage {
        display_name: staff.display_name.clone(),
        username: staff.username.clone(),
        role: staff.role.as_str().to_owned(),
        county: staff.county.id().to_owned(),
        enrolled,
        recovery_left,
        sessions,
        refused,
        done,
        recovery_codes,
        passkeys,
    })
}

/// `GET /staff/account`.
pub async fn show(
    State(state): State<AppState>,
    session: Session,
    Query(query): Query<HashMap<String, String>>,
    request: Request,
) -> Response {
    let (staff, this_sign_in) = match member(&state, &session).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let done = query
        .get("done")
        .filter(|d| {
            [
                "password_changed",
                "session_ended",
                "passkey_added",
                "passkey_removed",
            ]
            .contains(&d.as_str())
        })
        .cloned();
    match account_page(&state, &staff, &this_sign_in, None, done, None).await {
        Ok(page) => render_page_with(&state, request.into_parts().0, page).await,
        Err(e) => unavailable("the account page could not be prepared", &e),
    }
}

/// The account page again, after a post: refused (422) or showing new recovery codes (200).
async fn again(
    state: &AppState,
    parts: Parts,
    staff: &StaffUser,
    this_sign_in: &str,
    refused: Option<(&str, &str)>,
    recovery_codes: Option<Vec<String>>,
) -> Response {
    let status = if refused.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let done = recovery_codes.as_ref().map(|_| "recovery_made".to_owned());
    let refused = refused.map(|(form, code)| (form.to_owned(), code.to_owned()));
    match account_page(state, staff, this_sign_in, refused, done, recovery_codes).await {
        Ok(page) => render_page_at(state, parts, ACCOUNT_PAGE, page, status).await,
        Err(e) => unavailable("the account page could not be prepared", &e),
    }
}

/// The account page again, saying what was refused in which of its forms (422).
async fn refused_in(
    state: &AppState,
    parts: Parts,
    staff: &StaffUser,
    this_sign_in: &str,
    form: &str,
    problem: &str,
) -> Response {
    again(
        state,
        parts,
        staff,
        this_sign_in,
        Some((form, problem)),
        None,
    )
    .await
}

/// A refused code, as the page names it; `None` for a store failure.
fn code_problem(error: &LoginError) -> Option<&'static str> {
    match error {
        LoginError::InvalidCode | LoginError::InvalidCredentials => Some("code_invalid"),
        LoginError::ReplayedCode => Some("code_replayed"),
        LoginError::LockedOut { .. } => Some("locked"),
        LoginError::Disabled => Some("disabled"),
        LoginError::Store(_) => None,
    }
}

/// `POST /staff/account/password`: the current password, a code and the new password twice.
/// The member's other sign-ins end.
pub async fn change_password(
    State(state): State<AppState>,
    session: Session,
    request: Request,
) -> Response {
    let (staff, this_sign_in) = match member(&state, &session).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let (parts, body) = request.into_parts();
    let Some(fields) = read_form(body).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let code = fields.text(sign_in_field::CODE);
    let enrolled = match state.store.second_factor_enrolled(staff.id).await {
        Ok(enrolled) => enrolled,
        Err(e) => return unavailable("an account could not be read", &e),
    };
    if enrolled && code.trim().is_empty() {
        return refused_in(
            &state,
            parts,
            &staff,
            &this_sign_in,
            account_form::PASSWORD,
            "code_missing",
        )
        .await;
    }
    let client = client_of(&parts);
    let changed = state
        .store
        .change_own_password(
            &staff,
            &this_sign_in,
            &fields.text(sign_in_field::PASSWORD),
            &code,
            &fields.text(sign_in_field::NEW_PASSWORD),
            &fields.text(sign_in_field::CONFIRM_PASSWORD),
            &client,
        )
        .await;
    match changed {
        Ok(()) => Redirect::to(&format!("{ACCOUNT_PAGE}?done=password_changed")).into_response(),
        Err(e) => match password_problem(&e) {
            Some(problem) => {
                refused_in(
                    &state,
                    parts,
                    &staff,
                    &this_sign_in,
                    account_form::PASSWORD,
                    problem,
                )
                .await
            }
            None => unavailable("a password could not be changed", &e),
        },
    }
}

/// `POST /staff/account/recovery-codes`: ten new codes for a code of the app, shown once.
pub async fn make_recovery_codes(
    State(state): State<AppState>,
    session: Session,
    request: Request,
) -> Response {
    let (staff, this_sign_in) = match member(&state, &session).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let (parts, body) = request.into_parts();
    let Some(fields) = read_form(body).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let code = fields.text(sign_in_field::CODE);
    if code.trim().is_empty() {
        return refused_in(
            &state,
            parts,
            &staff,
            &this_sign_in,
            account_form::RECOVERY,
            "code_missing",
        )
        .await;
    }
    let client = client_of(&parts);
    match state
        .store
        .make_recovery_codes(&staff, &code, &client)
        .await
    {
        Ok(codes) => again(&state, parts, &staff, &this_sign_in, None, Some(codes)).await,
        Err(e) => match code_problem(&e) {
            Some(problem) => {
                refused_in(
                    &state,
                    parts,
                    &staff,
                    &this_sign_in,
                    account_form::RECOVERY,
                    problem,
                )
                .await
            }
            None => unavailable("recovery codes could not be made", &e),
        },
    }
}

/// `POST /staff/account/sessions/{id}/end`: ends one of the member's other sign-ins.
pub async fn end_session(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    let (staff, _) = match member(&state, &session).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let client = client_of(&request.into_parts().0);
    match state.store.end_sign_in(&staff, &id, false, &client).await {
        Ok(true) => Redirect::to(&format!("{ACCOUNT_PAGE}?done=session_ended")).into_response(),
        Ok(false) => error_page_response(StatusCode::NOT_FOUND, ErrorPage::BadRequest),
        Err(e) => unavailable("a sign-in could not be ended", &e),
    }
}

fn refused_account(e: &AccountError) -> Response {
    match e {
        AccountError::NotAdmin => error_page_response(StatusCode::FORBIDDEN, ErrorPage::Forbidden),
        AccountError::NotFound | AccountError::Own => {
            error_page_response(StatusCode::NOT_FOUND, ErrorPage::BadRequest)
        }
        AccountError::Store(e) => unavailable("an account could not be changed", e),
    }
}

async fn accounts_page(
    state: &AppState,
    admin: &StaffUser,
    done: Option<(String, String)>,
    temporary_password: Option<String>,
) -> Result<AccountsPage, AccountError> {
    let rows = state
        .store
        .county_accounts(admin)
        .await?
        .into_iter()
        .map(|line| AccountRow {
            id: line.user.id,
            own: line.user.id == admin.id,
            username: line.user.username,
            display_name: line.user.display_name,
            role: line.user.role.as_str().to_owned(),
            enrolled: line.enrolled,
            disabled: line.disabled,
            locked: line.locked,
            must_change_password: line.must_change_password,
            last_sign_in: line.last_sign_in,
        })
        .collect();
    Ok(AccountsPage {
        rows,
        done,
        temporary_password,
    })
}

/// `GET /staff/accounts`: administrators only.
pub async fn show_accounts(
    State(state): State<AppState>,
    session: Session,
    Query(query): Query<HashMap<String, String>>,
    request: Request,
) -> Response {
    let admin = match signed_in(&state, &session).await {
        Ok(staff) => staff,
        Err(response) => return response,
    };
    let done = match (query.get("done"), query.get("who")) {
        (Some(action), Some(who)) if account_action::ALL.contains(&action.as_str()) => {
            Some((action.clone(), who.clone()))
        }
        _ => None,
    };
    match accounts_page(&state, &admin, done, None).await {
        Ok(mut page) => {
            // The notice names an account of the list, never any text a link brought along.
            if let Some((_, who)) = &page.done {
                if !page.rows.iter().any(|row| &row.username == who) {
                    page.done = None;
                }
            }
            render_page_with(&state, request.into_parts().0, page).await
        }
        Err(e) => refused_account(&e),
    }
}

/// `POST /staff/accounts/{id}/{action}`: reset a password (the temporary one is shown on the
/// answer, this once), reset a second factor, disable or enable.
pub async fn act_on_account(
    State(state): State<AppState>,
    session: Session,
    Path((id, action)): Path<(String, String)>,
    request: Request,
) -> Response {
    let admin = match signed_in(&state, &session).await {
        Ok(staff) => staff,
        Err(response) => return response,
    };
    let (Ok(target), true) = (
        id.parse::<i64>(),
        account_action::ALL.contains(&action.as_str()),
    ) else {
        return error_page_response(StatusCode::NOT_FOUND, ErrorPage::BadRequest);
    };
    let (parts, _) = request.into_parts();
    let client = client_of(&parts);
    let store = &state.store;
    let target_name = match store.staff_user(target).await {
        Ok(Some(user)) => user.username,
        Ok(None) => return error_page_response(StatusCode::NOT_FOUND, ErrorPage::BadRequest),
        Err(e) => return unavailable("an account could not be read", &e),
    };
    let result = match action.as_str() {
        account_action::RESET_PASSWORD => store
            .reset_password(&admin, target, &client)
            .await
            .map(Some),
        account_action::RESET_FACTOR => store
            .reset_second_factor(&admin, target, &client)
            .await
            .map(|()| None),
        account_action::DISABLE => store
            .set_account_disabled(&admin, target, true, &client)
            .await
            .map(|()| None),
        _ => store
            .set_account_disabled(&admin, target, false, &client)
            .await
            .map(|()| None),
    };
    match result {
        Ok(Some(temporary)) => {
            let done = Some((action.clone(), target_name));
            match accounts_page(&state, &admin, done, Some(temporary)).await {
                Ok(page) => {
                    render_page_at(&state, parts, ACCOUNTS_PAGE, page, StatusCode::OK).await
                }
                Err(e) => refused_account(&e),
            }
        }
        Ok(None) => {
            let who: String = form_urlencoded::byte_serialize(target_name.as_bytes()).collect();
            Redirect::to(&format!("{ACCOUNTS_PAGE}?done={action}&who={who}")).into_response()
        }
        Err(e) => refused_account(&e),
    }
}

/// `GET /staff/sign-ins`: the county's sign-in history, for supervisors and administrators.
pub async fn show_history(
    State(state): State<AppState>,
    session: Session,
    request: Request,
) -> Response {
    let viewer = match signed_in(&state, &session).await {
        Ok(staff) => staff,
        Err(response) => return response,
    };
    let events = match state.store.sign_in_history(&viewer).await {
        Ok(events) => events,
        Err(e) => return refused_account(&e),
    };
    let rows = events
        .into_iter()
        .map(|event| HistoryRow {
            at: event.at,
            who: format!("{} ({})", event.display_name, event.username),
            action: event.action,
            reason: event.reason,
            client: event.client,
            device: event.device,
            by: event.by,
        })
        .collect();
    let page = SignInHistoryPage {
        rows,
        limit: HISTORY_LINES,
    };
    render_page_with(&state, request.into_parts().0, page).await
}

//! Staff sign-in, step by step (`app::staff::StaffSignInPage` draws each): the password; the
//! second factor, or setting it up the first time; a new password after an administrator's reset;
//! and signing out. Each step's post answers with a redirect (a refusal carries its code in the
//! query), except the recovery codes, shown once as the answer to the post that made them.

use std::collections::HashMap;

use axum::extract::{Query, Request, State};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use app::error_pages::ErrorPage;
use app::staff::session::{self, Pending, SessionError, Step};
use app::staff::{
    sign_in_field, SignInPage, SignInStep, CODE_PAGE, ENROL_PAGE, NEW_PASSWORD_PAGE, SIGN_IN_PAGE,
};
use store::staff::{ChangePasswordError, Client, FactorUsed, LoginError, Role, StaffUser};

use crate::client::ClientKey;
use crate::middleware::errors::error_page_response;
use crate::posted_pages::{read_form, render_page_at, render_page_with};
use crate::state::AppState;
use app::posted_form::Fields;

/// The member's client as the audit log records it: the address every limit counts by, and the
/// browser's own description.
pub(crate) fn client_of(parts: &Parts) -> Client {
    let agent = parts
        .headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    Client::new(ClientKey::of_parts(parts).as_str(), agent)
}

pub(crate) fn unavailable(what: &'static str, e: &dyn std::fmt::Display) -> Response {
    tracing::error!(error = %e, "{what}");
    error_page_response(StatusCode::SERVICE_UNAVAILABLE, ErrorPage::Unavailable)
}

pub(crate) fn session_failed(e: &SessionError) -> Response {
    unavailable("the staff session could not be read or written", e)
}

fn back_to(page: &str, problem: &str) -> Response {
    Redirect::to(&format!("{page}?error={problem}")).into_response()
}

fn problem_of(query: &HashMap<String, String>) -> Option<String> {
    query
        .get("error")
        .filter(|code| {
            code.len() <= 32 && code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
        })
        .cloned()
}

async fn render(
    state: &AppState,
    parts: Parts,
    step: SignInStep,
    problem: Option<String>,
) -> Response {
    render_page_with(state, parts, SignInPage { step, problem }).await
}

/// `GET /staff/login`.
pub async fn show_password(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
    request: Request,
) -> Response {
    let step = SignInStep::Password {
        signed_out: query.contains_key("signed_out"),
    };
    render(&state, request.into_parts().0, step, problem_of(&query)).await
}

/// Whether this member's sign-in needs a second factor.
fn needs_second_factor(state: &AppState, user: &StaffUser) -> bool {
    !(user.role == Role::Volunteer && state.volunteers_without_second_factor)
}

/// `POST /staff/login`: the password.
pub async fn check_password(
    State(state): State<AppState>,
    session: Session,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let Some(fields) = read_form(body).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let username = fields.text(sign_in_field::USERNAME);
    let password = fields.text(sign_in_field::PASSWORD);
    if username.trim().is_empty() || password.is_empty() {
        return back_to(SIGN_IN_PAGE, "missing");
    }
    let client = client_of(&parts);
    let accepted = match state
        .store
        .check_password(&username, &password, &client)
        .await
    {
        Ok(accepted) => accepted,
        Err(e) => return refused(SIGN_IN_PAGE, e),
    };
    let step = if accepted.enrolled {
        Step::Code
    } else if needs_second_factor(&state, &accepted.user) {
        Step::Enrol
    } else if accepted.must_change_password {
        Step::NewPassword
    } else {
        return finish(&state, &session, &accepted.user, "password_only", &client).await;
    };
    let pending = Pending {
        staff_id: accepted.user.id,
        step,
        since: state.store.clock().now().unix_timestamp(),
        factor: None,
        must_change_password: accepted.must_change_password,
    };
    if let Err(e) = session::begin_step(&session, &pending).await {
        return session_failed(&e);
    }
    Redirect::to(page_of(step)).into_response()
}

fn page_of(step: Step) -> &'static str {
    match step {
        Step::Code => CODE_PAGE,
        Step::Enrol => ENROL_PAGE,
        Step::NewPassword => NEW_PASSWORD_PAGE,
    }
}

/// A refused step: back to its page with the reason; a lockout or a disabled account ends the
/// sign-in under way.
fn refused(page: &str, error: LoginError) -> Response {
    match error {
        LoginError::InvalidCredentials => back_to(SIGN_IN_PAGE, "invalid"),
        LoginError::LockedOut { .. } => back_to(SIGN_IN_PAGE, "locked"),
        LoginError::Disabled => back_to(SIGN_IN_PAGE, "disabled"),
        LoginError::InvalidCode => back_to(page, "code_invalid"),
        LoginError::ReplayedCode => back_to(page, "code_replayed"),
        LoginError::Store(e) => unavailable("a staff sign-in failed", &e),
    }
}

/// Both steps done: the sign-in is recorded and the session points to it.
async fn finish(
    state: &AppState,
    session: &Session,
    user: &StaffUser,
    factor: &str,
    client: &Client,
) -> Response {
    match complete(state, session, user, factor, client).await {
        Ok(()) => Redirect::to("/staff").into_response(),
        Err(response) => response,
    }
}

async fn complete(
    state: &AppState,
    session: &Session,
    user: &StaffUser,
    factor: &str,
    client: &Client,
) -> Result<(), Response> {
    let sign_in = state
        .store
        .start_sign_in(user, factor, client)
        .await
        .map_err(|e| unavailable("a staff sign-in could not be recorded", &e))?;
    session::complete(session, &sign_in)
        .await
        .map_err(|e| session_failed(&e))?;
    tracing::info!(staff_id = user.id, "staff signed in");
    Ok(())
}

/// The sign-in under way at `step`, and its member; or where to send the browser instead.
pub(crate) async fn pending_at(
    state: &AppState,
    session: &Session,
    step: Step,
) -> Result<(Pending, StaffUser), Response> {
    let pending = match session::pending(session, &state.store).await {
        Ok(Some(pending)) if pending.step == step => pending,
        Ok(_) => return Err(back_to(SIGN_IN_PAGE, "expired")),
        Err(e) => return Err(session_failed(&e)),
    };
    match state.store.staff_user(pending.staff_id).await {
        Ok(Some(user)) => Ok((pending, user)),
        Ok(None) => Err(back_to(SIGN_IN_PAGE, "expired")),
        Err(e) => Err(unavailable("a staff account could not be read", &e)),
    }
}

/// `GET /staff/login/code`.
pub async fn show_code(
    State(state): State<AppState>,
    session: Session,
    Query(query): Query<HashMap<String, String>>,
    request: Request,
) -> Response {
    let user = match pending_at(&state, &session, Step::Code).await {
        Ok((_, user)) => user,
        Err(response) => return response,
    };
    let passkey = match state.passkeys {
        Some(_) => match state.store.passkeys_of(user.id).await {
            Ok(keys) => !keys.is_empty(),
            Err(e) => return unavailable("a member's passkeys could not be read", &e),
        },
        None => false,
    };
    render(
        &state,
        request.into_parts().0,
        SignInStep::Code { passkey },
        problem_of(&query),
    )
    .await
}

/// A post of one step of a sign-in under way: its form, the sign-in and its member, the client,
/// and the request's head (for a page drawn as the answer).
pub(crate) struct PostedStep {
    pub pending: Pending,
    pub user: StaffUser,
    pub fields: Fields,
    pub client: Client,
    pub parts: Parts,
}

/// Reads the post of `step`; a sign-in not at that step goes back to the start.
async fn posted_step(
    state: &AppState,
    session: &Session,
    request: Request,
    step: Step,
) -> Result<PostedStep, Response> {
    let (parts, body) = request.into_parts();
    let Some(fields) = read_form(body).await else {
        return Err(StatusCode::PAYLOAD_TOO_LARGE.into_response());
    };
    let (pending, user) = pending_at(state, session, step).await?;
    Ok(PostedStep {
        pending,
        user,
        fields,
        client: client_of(&parts),
        parts,
    })
}

/// The code typed in the step's form; `None` when it was left empty.
fn typed_code(posted: &PostedStep) -> Option<String> {
    Some(posted.fields.text(sign_in_field::CODE)).filter(|code| !code.trim().is_empty())
}

/// `POST /staff/login/code`: a code of the app, or a recovery code.
pub async fn check_code(
    State(state): State<AppState>,
    session: Session,
    request: Request,
) -> Response {
    let posted = match posted_step(&state, &session, request, Step::Code).await {
        Ok(posted) => posted,
        Err(response) => return response,
    };
    let Some(code) = typed_code(&posted) else {
        return back_to(CODE_PAGE, "code_missing");
    };
    let PostedStep {
        pending,
        user,
        client,
        ..
    } = posted;
    let factor = match state
        .store
        .check_second_factor(user.id, &code, &client)
        .await
    {
        Ok(FactorUsed::Totp) => "totp",
        Ok(FactorUsed::Recovery { .. }) => "recovery",
        Err(e) => {
            if matches!(e, LoginError::LockedOut { .. } | LoginError::Disabled) {
                if let Err(e) = session::sign_out(&session).await {
                    return session_failed(&e);
                }
            }
            return refused(CODE_PAGE, e);
        }
    };
    after_factor(&state, &session, &user, pending, factor, &client).await
}

/// The second factor shown: a new password first if one is owed, else the sign-in.
pub(crate) async fn after_factor(
    state: &AppState,
    session: &Session,
    user: &StaffUser,
    pending: Pending,
    factor: &str,
    client: &Client,
) -> Response {
    if !pending.must_change_password {
        return finish(state, session, user, factor, client).await;
    }
    let next = Pending {
        step: Step::NewPassword,
        factor: Some(factor.to_owned()),
        ..pending
    };
    match session::begin_step(session, &next).await {
        Ok(()) => Redirect::to(NEW_PASSWORD_PAGE).into_response(),
        Err(e) => session_failed(&e),
    }
}

/// `GET /staff/login/enrol`: the QR code and the secret of the app to set up.
pub async fn show_enrolment(
    State(state): State<AppState>,
    session: Session,
    Query(query): Query<HashMap<String, String>>,
    request: Request,
) -> Response {
    let user = match pending_at(&state, &session, Step::Enrol).await {
        Ok((_, user)) => user,
        Err(response) => return response,
    };
    let enrolment = match state.store.begin_enrolment(&user).await {
        Ok(enrolment) => enrolment,
        Err(e) => return unavailable("an enrolment could not be prepared", &e),
    };
    let step = SignInStep::Enrol {
        secret: enrolment.secret.grouped(),
        uri: enrolment.otpauth_uri,
    };
    render(&state, request.into_parts().0, step, problem_of(&query)).await
}

/// `POST /staff/login/enrol`: the first code of the new app. The answer shows the recovery
/// codes, this once.
pub async fn confirm_enrolment(
    State(state): State<AppState>,
    session: Session,
    request: Request,
) -> Response {
    let posted = match posted_step(&state, &session, request, Step::Enrol).await {
        Ok(posted) => posted,
        Err(response) => return response,
    };
    let Some(code) = typed_code(&posted) else {
        return back_to(ENROL_PAGE, "code_missing");
    };
    let PostedStep {
        pending,
        user,
        client,
        parts,
        ..
    } = posted;
    let codes = match state.store.confirm_enrolment(&user, &code, &client).await {
        Ok(codes) => codes,
        Err(e) => return refused(ENROL_PAGE, e),
    };
    let next = if pending.must_change_password {
        let next = Pending {
            step: Step::NewPassword,
            factor: Some("totp_enrolled".into()),
            ..pending
        };
        if let Err(e) = session::begin_step(&session, &next).await {
            return session_failed(&e);
        }
        NEW_PASSWORD_PAGE
    } else {
        if let Err(response) = complete(&state, &session, &user, "totp_enrolled", &client).await {
            return response;
        }
        "/staff"
    };
    let step = SignInStep::RecoveryCodes {
        codes,
        next: next.to_owned(),
    };
    render_page_at(
        &state,
        parts,
        ENROL_PAGE,
        SignInPage {
            step,
            problem: None,
        },
        StatusCode::OK,
    )
    .await
}

/// `GET /staff/login/new-password`.
pub async fn show_new_password(
    State(state): State<AppState>,
    session: Session,
    Query(query): Query<HashMap<String, String>>,
    request: Request,
) -> Response {
    if let Err(response) = pending_at(&state, &session, Step::NewPassword).await {
        return response;
    }
    render(
        &state,
        request.into_parts().0,
        SignInStep::NewPassword,
        problem_of(&query),
    )
    .await
}

/// The code of a refused new password, for the page.
pub(crate) fn password_problem(error: &ChangePasswordError) -> Option<&'static str> {
    Some(match error {
        ChangePasswordError::NewPassword(e) => e.code(),
        ChangePasswordError::Mismatch => "mismatch",
        ChangePasswordError::Unchanged => "unchanged",
        ChangePasswordError::WrongPassword => "wrong_password",
        ChangePasswordError::Login(LoginError::LockedOut { .. }) => "locked",
        ChangePasswordError::Login(LoginError::InvalidCode) => "code_invalid",
        ChangePasswordError::Login(LoginError::ReplayedCode) => "code_replayed",
        ChangePasswordError::Login(LoginError::InvalidCredentials | LoginError::Disabled) => {
            "invalid"
        }
        ChangePasswordError::Login(LoginError::Store(_)) | ChangePasswordError::Store(_) => {
            return None
        }
    })
}

/// `POST /staff/login/new-password`: the member's own password after a reset; then the sign-in.
pub async fn set_new_password(
    State(state): State<AppState>,
    session: Session,
    request: Request,
) -> Response {
    let PostedStep {
        pending,
        user,
        fields,
        client,
        ..
    } = match posted_step(&state, &session, request, Step::NewPassword).await {
        Ok(posted) => posted,
        Err(response) => return response,
    };
    let changed = state
        .store
        .set_password_after_reset(
            &user,
            &fields.text(sign_in_field::NEW_PASSWORD),
            &fields.text(sign_in_field::CONFIRM_PASSWORD),
            &client,
        )
        .await;
    match changed {
        Ok(()) => {
            let factor = pending.factor.unwrap_or_else(|| "password_only".into());
            finish(&state, &session, &user, &factor, &client).await
        }
        Err(e) => match password_problem(&e) {
            Some(code) => back_to(NEW_PASSWORD_PAGE, code),
            None => unavailable("a new password could not be saved", &e),
        },
    }
}

/// `POST /staff/logout`: ends the sign-in everywhere and the session here.
pub async fn sign_out(
    State(state): State<AppState>,
    session: Session,
    request: Request,
) -> Response {
    let (parts, _) = request.into_parts();
    let client = client_of(&parts);
    match (
        session::sign_in_id(&session).await,
        session::current_staff(&session, &state.store).await,
    ) {
        (Ok(Some(sign_in)), Ok(Some(staff))) => {
            if let Err(e) = state
                .store
                .end_sign_in(&staff, &sign_in, true, &client)
                .await
            {
                return unavailable("a sign-out could not be recorded", &e);
            }
        }
        (Err(e), _) | (_, Err(e)) => return session_failed(&e),
        _ => {}
    }
    if let Err(e) = session::sign_out(&session).await {
        return session_failed(&e);
    }
    Redirect::to(&format!("{SIGN_IN_PAGE}?signed_out=1")).into_response()
}

//! Passkeys (WebAuthn), the stronger second factor where the browser offers it: a signed-in
//! member adds one on the account page, and a sign-in's second step may use one instead of a
//! code. `public/passkey.js` runs the browser's half; each ceremony's state waits in the
//! server-side session between its two posts. Offered only when `PORTAL_PUBLIC_ORIGIN` names the
//! address passkeys are bound to (404 otherwise). Every answer is JSON for that script.

use axum::body::{to_bytes, Body};
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::de::DeserializeOwned;
use serde_json::json;
use tower_sessions::Session;
use webauthn_rs::prelude::{
    Passkey, PasskeyAuthentication, PasskeyRegistration, PublicKeyCredential,
    RegisterPublicKeyCredential, Uuid,
};

use app::staff::session::Step;
use app::staff::ACCOUNT_PAGE;
use store::staff::{LoginError, PasskeyError, StaffUser};

use crate::staff_account::member;
use crate::staff_sign_in::{after_factor, client_of, pending_at, unavailable};
use crate::state::AppState;

const REGISTRATION: &str = "passkey_registration";
const AUTHENTICATION: &str = "passkey_authentication";
/// A credential posted back is a few kilobytes.
const MAX_BODY: usize = 64 * 1024;

/// A refusal the script shows: its code, with the status that says why.
fn refused(status: StatusCode, code: &str) -> Response {
    (status, Json(json!({ "error": code }))).into_response()
}

/// Where the script goes next.
fn go_to(next: &str) -> Response {
    Json(json!({ "next": next })).into_response()
}

/// Passkeys are not offered: the portal does not know its public address.
fn not_offered() -> Response {
    refused(StatusCode::NOT_FOUND, "not_offered")
}

async fn read_json<T: DeserializeOwned>(body: Body) -> Result<T, Response> {
    let bytes = to_bytes(body, MAX_BODY)
        .await
        .map_err(|_| refused(StatusCode::PAYLOAD_TOO_LARGE, "too_large"))?;
    serde_json::from_slice(&bytes).map_err(|_| refused(StatusCode::UNPROCESSABLE_ENTITY, "refused"))
}

fn credential_id(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The member's passkeys as the relying party reads them.
async fn passkeys(state: &AppState, user_id: i64) -> Result<Vec<Passkey>, Response> {
    let stored = state
        .store
        .passkeys_of(user_id)
        .await
        .map_err(|e| unavailable("a member's passkeys could not be read", &e))?;
    let mut keys = Vec::with_capacity(stored.len());
    for key in &stored {
        match serde_json::from_str::<Passkey>(&key.credential) {
            Ok(passkey) => keys.push(passkey),
            Err(e) => return Err(unavailable("a stored passkey does not read back", &e)),
        }
    }
    Ok(keys)
}

/// A stable WebAuthn user handle for the account, revealing nothing but the account number.
fn user_handle(user: &StaffUser) -> Uuid {
    Uuid::from_u128(u128::from(user.id.unsigned_abs()))
}

/// `POST /staff/account/passkeys/options`: a registration's challenge, for a signed-in member.
pub async fn registration_options(State(state): State<AppState>, session: Session) -> Response {
    let Some(rp) = state.passkeys.as_deref() else {
        return not_offered();
    };
    let (staff, _) = match member(&state, &session).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let existing = match passkeys(&state, staff.id).await {
        Ok(keys) => keys.iter().map(|k| k.cred_id().clone()).collect(),
        Err(response) => return response,
    };
    let (options, registration) = match rp.start_passkey_registration(
        user_handle(&staff),
        &staff.username,
        &staff.display_name,
        Some(existing),
    ) {
        Ok(started) => started,
        Err(e) => return unavailable("a passkey registration could not start", &e),
    };
    if let Err(e) = session.insert(REGISTRATION, registration).await {
        return unavailable("a passkey registration could not be kept", &e);
    }
    Json(options).into_response()
}

/// `POST /staff/account/passkeys`: the new credential, checked against the session's challenge.
pub async fn register(
    State(state): State<AppState>,
    session: Session,
    request: Request,
) -> Response {
    let Some(rp) = state.passkeys.as_deref() else {
        return not_offered();
    };
    let (staff, _) = match member(&state, &session).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let (parts, body) = request.into_parts();
    let credential: RegisterPublicKeyCredential = match read_json(body).await {
        Ok(credential) => credential,
        Err(response) => return response,
    };
    let registration = match session.remove::<PasskeyRegistration>(REGISTRATION).await {
        Ok(Some(registration)) => registration,
        Ok(None) => return refused(StatusCode::CONFLICT, "expired"),
        Err(e) => return unavailable("a passkey registration could not be read", &e),
    };
    let passkey = match rp.finish_passkey_registration(&credential, &registration) {
        Ok(passkey) => passkey,
        Err(e) => {
            tracing::warn!(staff_id = staff.id, error = %e, "a passkey registration was refused");
            return refused(StatusCode::UNPROCESSABLE_ENTITY, "refused");
        }
    };
    let record = match serde_json::to_string(&passkey) {
        Ok(record) => record,
        Err(e) => return unavailable("a passkey could not be written down", &e),
    };
    let client = client_of(&parts);
    let name = client.device.chars().take(60).collect::<String>();
    match state
        .store
        .add_passkey(
            &staff,
            &credential_id(passkey.cred_id()),
            &name,
            &record,
            &client,
        )
        .await
    {
        Ok(()) => go_to(&format!("{ACCOUNT_PAGE}?done=passkey_added")),
        Err(PasskeyError::Taken | PasskeyError::TooMany) => {
            refused(StatusCode::CONFLICT, "refused")
        }
        Err(PasskeyError::Store(e)) => unavailable("a passkey could not be kept", &e),
    }
}

/// `POST /staff/account/passkeys/{id}/remove` (a plain form).
pub async fn remove(
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
    match state.store.remove_passkey(&staff, &id, &client).await {
        Ok(true) => Redirect::to(&format!("{ACCOUNT_PAGE}?done=passkey_removed")).into_response(),
        Ok(false) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => unavailable("a passkey could not be removed", &e),
    }
}

/// Where a refused second step sends the script: a lockout or a disabled account back to the
/// start, anything else stays.
fn refused_step(error: LoginError) -> Response {
    match error {
        LoginError::LockedOut { .. } => go_to("/staff/login?error=locked"),
        LoginError::Disabled => go_to("/staff/login?error=disabled"),
        LoginError::Store(e) => unavailable("a passkey sign-in failed", &e),
        _ => refused(StatusCode::UNPROCESSABLE_ENTITY, "refused"),
    }
}

/// `POST /staff/login/passkey/options`: the challenge for the second step of a sign-in under
/// way, for the member's passkeys.
pub async fn sign_in_options(
    State(state): State<AppState>,
    session: Session,
    request: Request,
) -> Response {
    let Some(rp) = state.passkeys.as_deref() else {
        return not_offered();
    };
    let user = match pending_at(&state, &session, Step::Code).await {
        Ok((_, user)) => user,
        Err(_) => return go_to("/staff/login?error=expired"),
    };
    let client = client_of(&request.into_parts().0);
    if let Err(e) = state.store.passkey_may_be_tried(user.id, &client).await {
        return refused_step(e);
    }
    let keys = match passkeys(&state, user.id).await {
        Ok(keys) if !keys.is_empty() => keys,
        Ok(_) => return refused(StatusCode::NOT_FOUND, "none"),
        Err(response) => return response,
    };
    let (options, authentication) = match rp.start_passkey_authentication(&keys) {
        Ok(started) => started,
        Err(e) => return unavailable("a passkey sign-in could not start", &e),
    };
    if let Err(e) = session.insert(AUTHENTICATION, authentication).await {
        return unavailable("a passkey sign-in could not be kept", &e);
    }
    Json(options).into_response()
}

/// `POST /staff/login/passkey`: the signed challenge. A signature that does not check out
/// counts toward the lockout like a wrong code.
pub async fn sign_in(
    State(state): State<AppState>,
    session: Session,
    request: Request,
) -> Response {
    let Some(rp) = state.passkeys.as_deref() else {
        return not_offered();
    };
    let (pending, user) = match pending_at(&state, &session, Step::Code).await {
        Ok(found) => found,
        Err(_) => return go_to("/staff/login?error=expired"),
    };
    let (parts, body) = request.into_parts();
    let client = client_of(&parts);
    let credential: PublicKeyCredential = match read_json(body).await {
        Ok(credential) => credential,
        Err(response) => return response,
    };
    let authentication = match session
        .remove::<PasskeyAuthentication>(AUTHENTICATION)
        .await
    {
        Ok(Some(authentication)) => authentication,
        Ok(None) => return refused(StatusCode::CONFLICT, "expired"),
        Err(e) => return unavailable("a passkey sign-in could not be read", &e),
    };
    if let Err(e) = state.store.passkey_may_be_tried(user.id, &client).await {
        return refused_step(e);
    }
    let result = match rp.finish_passkey_authentication(&credential, &authentication) {
        Ok(result) => result,
        Err(e) => {
            tracing::warn!(staff_id = user.id, error = %e, "a passkey sign-in was refused");
            return match state.store.passkey_refused(user.id, &client).await {
                Ok(error) => refused_step(error),
                Err(e) => unavailable("a refused passkey could not be recorded", &e),
            };
        }
    };
    // The signature counter moves on; the stored record follows it.
    let mut keys = match passkeys(&state, user.id).await {
        Ok(keys) => keys,
        Err(response) => return response,
    };
    let used = credential_id(result.cred_id());
    let updated = keys
        .iter_mut()
        .find(|key| credential_id(key.cred_id()) == used)
        .and_then(|key| match key.update_credential(&result) {
            Some(true) => serde_json::to_string(key).ok(),
            _ => None,
        });
    if let Err(e) = state
        .store
        .passkey_used(user.id, &used, updated.as_deref())
        .await
    {
        return unavailable("a passkey's use could not be recorded", &e);
    }
    let answer = after_factor(&state, &session, &user, pending, "passkey", &client).await;
    match answer
        .headers()
        .get(axum::http::header::LOCATION)
        .and_then(|l| l.to_str().ok())
    {
        Some(next) => go_to(next),
        None => answer,
    }
}

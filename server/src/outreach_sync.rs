//! `POST /outreach/sync`: a volunteer's phone sends, one at a time, the applications it took
//! without signal. Each was sealed on the phone ([`crate::outreach_keys`]); the server opens it,
//! runs it through the one submission of every application ([`crate::submission::submit`]), and
//! answers with a signed receipt, which the phone checks before it deletes its copy.
//!
//! The answers, all JSON:
//! - 200 `{client_id, reference, received_at, signature}`, the same for the same record again;
//! - 400 `{"error":"sealed_invalid"}`: the record does not open (the phone sets it aside);
//! - 401 `{"error":"sign_in"}`, 403 `{"error":"not_a_volunteer"}`;
//! - 409 `{"error":"client_id_reused"}`: another record was stored under this client id;
//! - 413 `{"error":"too_large"}`;
//! - 422 `{"error":"refused","errors":[{field,code,message}]}`: the application's problems as
//!   the JSON API lists them, `photos[i]` for a photo the cleaner refuses, `taken_at.…`;
//! - 429 / 503 `{"error":"retry_later"}` with `Retry-After`.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use casework::{ConsentKind, DocumentKind, FieldProblem, Given, NewApplication};
use serde::Serialize;
use serde_json::{Map, Value};
use store::applications::Submitted;
use store::outreach_sync::{OutreachReceipt, OutreachRecord};
use store::staff::Role;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use tower_sessions::Session;

use app::apply::UploadProblem;
use app::i18n::Lang;

use crate::api::applications::{api_errors, refused_by_contract};
use crate::api::eligibility::caller_language;
use crate::document_upload::{clean_and_keep, discard, KeepError};
use crate::limits::{Caller, Refused};
use crate::outreach_keys::{client_id_of, OutreachKeys, SealedInvalid, SealedRecord};
use crate::state::AppState;
use crate::submission::{submit, Source, SubmitFailure};

/// Where phones send their records.
pub const OUTREACH_SYNC: &str = "/outreach/sync";
/// Where phones (and the outreach page) read the public keys: `GET`, JSON.
pub const OUTREACH_KEYS: &str = "/outreach/keys";
/// The largest record accepted: an application with a few photos the phone shrank (about
/// 300–800 KB each), grown by a third twice by base64 (inside the plaintext, then the sealed
/// data).
pub const SYNC_BODY_BYTES: u64 = 8 * 1024 * 1024;
/// What `taken_at` may hold besides the consents: when the record was finished.
const FINISHED: &str = "finished";

/// A photo of a record, as the phone sent it.
pub struct Photo {
    pub document: DocumentKind,
    pub bytes: Vec<u8>,
}

/// An opened record on its way into the submission.
pub struct OutreachSubmission {
    pub record: OutreachRecord,
    pub photos: Vec<Photo>,
    /// When the phone took each consent (`taken_at`), by kind.
    pub consents_taken: Vec<(ConsentKind, OffsetDateTime)>,
}

impl std::fmt::Debug for OutreachSubmission {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The photos are the resident's documents: only how many.
        f.debug_struct("OutreachSubmission")
            .field("record", &self.record)
            .field("photos", &self.photos.len())
            .finish_non_exhaustive()
    }
}

impl OutreachSubmission {
    /// Dates each consent when the phone took it, on today's wording (the record names none);
    /// the store never dates one after the submission, so a phone's clock ahead of the server's
    /// changes nothing, and no deadline reads these times.
    pub fn date_consents(&self, application: &mut NewApplication) {
        for consent in &mut application.consents {
            if let Some((_, at)) = self.consents_taken.iter().find(|(k, _)| *k == consent.kind) {
                consent.given = Given::new(*at, consent.kind.text_version()).ok();
            }
        }
    }
}

/// Why a record's photos could not all be kept.
#[derive(Debug, thiserror::Error)]
pub enum PhotoFailure {
    #[error("photo {position} was refused")]
    Refused {
        position: usize,
        problem: UploadProblem,
    },
    #[error("every decoding slot stayed taken")]
    Busy,
    #[error("the file store or the database failed")]
    Unavailable,
}

/// Why a record got no receipt; each becomes its answer in [`SyncError::response`].
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("not signed in, or the session ended")]
    SignIn,
    #[error("the member of staff signed in is not a volunteer")]
    NotAVolunteer,
    #[error("the record does not open: {0}")]
    SealedInvalid(String),
    #[error("the body is over {SYNC_BODY_BYTES} bytes")]
    TooLarge,
    #[error("another record was stored under this client id")]
    ClientIdReused,
    #[error("the record has {} problems", .0.len())]
    Refused(Vec<FieldProblem>),
    #[error("a limit refused the record")]
    Limited(Refused),
    #[error("busy: {0}")]
    Unavailable(String),
}

impl From<SealedInvalid> for SyncError {
    fn from(e: SealedInvalid) -> Self {
        SyncError::SealedInvalid(e.to_string())
    }
}

impl From<store::StoreError> for SyncError {
    fn from(e: store::StoreError) -> Self {
        SyncError::Unavailable(e.to_string())
    }
}

impl From<SubmitFailure> for SyncError {
    fn from(failure: SubmitFailure) -> Self {
        match failure {
            SubmitFailure::Invalid(problems) => SyncError::Refused(problems),
            SubmitFailure::KeyReused => SyncError::ClientIdReused,
            SubmitFailure::Limited(refused) => SyncError::Limited(refused),
            SubmitFailure::Store(e) => SyncError::Unavailable(e.to_string()),
            SubmitFailure::Photos(PhotoFailure::Refused { position, problem }) => {
                SyncError::Refused(vec![FieldProblem {
                    field: format!("photos[{position}]"),
                    code: app::apply::upload_problem_code(problem),
                }])
            }
            SubmitFailure::Photos(e) => SyncError::Unavailable(e.to_string()),
        }
    }
}

impl SyncError {
    /// The one place a sync's failures become answers.
    pub fn response(self, lang: Lang) -> Response {
        let error = |status: StatusCode, code: &str| {
            (status, Json(serde_json::json!({ "error": code }))).into_response()
        };
        match self {
            SyncError::SignIn => error(StatusCode::UNAUTHORIZED, "sign_in"),
            SyncError::NotAVolunteer => error(StatusCode::FORBIDDEN, "not_a_volunteer"),
            SyncError::SealedInvalid(why) => {
                tracing::warn!(why, "an outreach record that does not open");
                error(StatusCode::BAD_REQUEST, "sealed_invalid")
            }
            SyncError::TooLarge => error(StatusCode::PAYLOAD_TOO_LARGE, "too_large"),
            SyncError::ClientIdReused => error(StatusCode::CONFLICT, "client_id_reused"),
            SyncError::Refused(problems) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                Json(serde_json::json!({
                    "error": "refused",
                    "errors": api_errors(lang, problems),
                })),
            )
                .into_response(),
            SyncError::Limited(refused) => {
                let status = match refused {
                    Refused::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
                    _ => StatusCode::TOO_MANY_REQUESTS,
                };
                retry_later(status, refused.retry_after())
            }
            SyncError::Unavailable(why) => {
                tracing::error!(why, "could not sync an outreach record");
                retry_later(StatusCode::SERVICE_UNAVAILABLE, 5)
            }
        }
    }
}

fn retry_later(status: StatusCode, seconds: u64) -> Response {
    let mut response =
        (status, Json(serde_json::json!({ "error": "retry_later" }))).into_response();
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(seconds.max(1)));
    response
}

/// The signed receipt.
#[derive(Debug, Serialize)]
pub struct SyncReceipt {
    pub client_id: String,
    pub reference: String,
    pub received_at: String,
    pub signature: String,
}

/// `GET /outreach/keys`: the public keys, SubjectPublicKeyInfo DER as standard base64:
/// `{"seal_key": … (RSA-OAEP, SHA-256), "receipt_key": … (ECDSA P-256)}`. Public by nature; a
/// phone keeps them with its queue, so it can seal and check receipts offline.
pub async fn keys(State(state): State<AppState>) -> Response {
    let mut response = Json(serde_json::json!({
        "seal_key": state.outreach_keys.seal_key_spki_base64(),
        "receipt_key": state.outreach_keys.receipt_key_spki_base64(),
    }))
    .into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// `POST /outreach/sync`.
pub async fn sync(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let lang = caller_language(&headers);
    match run(&state, &session, body).await {
        Ok(receipt) => (StatusCode::OK, Json(receipt)).into_response(),
        Err(e) => e.response(lang),
    }
}

async fn run(state: &AppState, session: &Session, body: Body) -> Result<SyncReceipt, SyncError> {
    let staff = match app::staff::session::current_staff(session, &state.store).await {
        Ok(Some(staff)) => staff,
        Ok(None) => return Err(SyncError::SignIn),
        Err(e) => return Err(SyncError::Unavailable(e.to_string())),
    };
    if staff.role != Role::Volunteer {
        return Err(SyncError::NotAVolunteer);
    }
    let Some(code) = state.store.volunteer_code(staff.id).await? else {
        return Err(SyncError::NotAVolunteer);
    };
    // The body-limit layer caps what is read; a body cut off there is too large.
    let body = axum::body::to_bytes(body, usize::MAX)
        .await
        .map_err(|_| SyncError::TooLarge)?;
    let sealed: SealedRecord = serde_json::from_slice(&body)
        .map_err(|e| SyncError::SealedInvalid(format!("not a sealed record: {e}")))?;
    let client_id = client_id_of(&sealed.client_id)?;
    let plaintext = open(state.outreach_keys.clone(), sealed).await?;

    let Ok(value) = serde_json::from_slice::<Value>(&plaintext) else {
        return Err(refused("", "invalid_json"));
    };
    let fingerprint = casework::fingerprint(&value);
    // The same record again: its first receipt, before anything is looked at or counted.
    match state.store.outreach_receipt(&client_id, &fingerprint).await {
        Ok(Some(first)) => return Ok(signed(&state.outreach_keys, &client_id, &first)),
        Ok(None) => {}
        Err(store::applications::SubmitError::KeyReused) => return Err(SyncError::ClientIdReused),
        Err(store::applications::SubmitError::Store(e)) => return Err(e.into()),
    }
    let opened = read_record(&value, state.upload_allowance.max_files)?;
    let taken_at = serde_json::to_string(&opened.taken_at)
        .map_err(|e| SyncError::Unavailable(e.to_string()))?;
    let submission = OutreachSubmission {
        record: OutreachRecord {
            client_id: client_id.clone(),
            fingerprint: fingerprint.clone(),
            sent_by_staff_id: staff.id,
            sent_by_code: code,
            taken_at,
            photos: opened.photos.len(),
        },
        photos: opened.photos,
        consents_taken: opened.consents_taken,
    };
    let key = submission
        .record
        .idempotency_key()
        .map_err(|_| SyncError::SealedInvalid("a client id that makes no key".into()))?;
    let caller = Caller::Volunteer { staff_id: staff.id };
    let submitted = submit(
        state,
        &caller,
        opened.application,
        &key,
        Source::Outreach(&submission),
    )
    .await?;
    if let Submitted::New(receipt) = &submitted {
        tracing::info!(reference = %receipt.reference, staff_id = staff.id, photos = submission.photos.len(), "outreach record synced");
    }
    match state.store.outreach_receipt(&client_id, &fingerprint).await {
        Ok(Some(first)) => Ok(signed(&state.outreach_keys, &client_id, &first)),
        Ok(None) => Err(SyncError::Unavailable(
            "an outreach record's application is stored without its record".into(),
        )),
        Err(store::applications::SubmitError::KeyReused) => Err(SyncError::ClientIdReused),
        Err(store::applications::SubmitError::Store(e)) => Err(e.into()),
    }
}

/// Opens the record off the request threads: an RSA private-key operation takes milliseconds.
async fn open(keys: Arc<OutreachKeys>, sealed: SealedRecord) -> Result<Vec<u8>, SyncError> {
    tokio::task::spawn_blocking(move || keys.open(&sealed))
        .await
        .map_err(|e| SyncError::Unavailable(e.to_string()))?
        .map_err(SyncError::from)
}

fn signed(keys: &OutreachKeys, client_id: &str, first: &OutreachReceipt) -> SyncReceipt {
    let received_at = first
        .received_at
        .format(&Rfc3339)
        .unwrap_or_else(|_| first.received_at.unix_timestamp().to_string());
    SyncReceipt {
        signature: keys.sign_receipt(client_id, &first.reference, &received_at),
        client_id: client_id.to_owned(),
        reference: first.reference.clone(),
        received_at,
    }
}

fn refused(field: &str, code: &'static str) -> SyncError {
    SyncError::Refused(vec![FieldProblem {
        field: field.to_owned(),
        code,
    }])
}

/// A record's plaintext, read.
struct OpenedRecord<'a> {
    application: &'a Value,
    photos: Vec<Photo>,
    taken_at: Map<String, Value>,
    consents_taken: Vec<(ConsentKind, OffsetDateTime)>,
}

/// Reads `{application, photos, taken_at}`: every problem at once, as field problems. The
/// application's problems are the JSON API's, with its field names.
fn read_record(value: &Value, max_photos: i64) -> Result<OpenedRecord<'_>, SyncError> {
    let mut problems = Vec::new();
    let problem = |field: String, code: &'static str| FieldProblem { field, code };
    let Some(object) = value.as_object() else {
        return Err(refused("", "invalid"));
    };
    for key in object.keys() {
        if !["application", "photos", "taken_at"].contains(&key.as_str()) {
            problems.push(problem(key.clone(), "unknown_field"));
        }
    }
    let application = match object.get("application") {
        Some(application) => {
            if let Some(shape) = refused_by_contract(application) {
                problems.extend(shape);
            }
            application
        }
        None => {
            problems.push(problem("application".into(), "required"));
            &Value::Null
        }
    };
    let mut photos = Vec::new();
    match object.get("photos").map(Value::as_array) {
        Some(Some(items)) => {
            if i64::try_from(items.len()).unwrap_or(i64::MAX) > max_photos {
                problems.push(problem(
                    "photos".into(),
                    app::apply::upload_problem_code(UploadProblem::TooManyFiles),
                ));
            }
            for (i, item) in items.iter().enumerate() {
                match read_photo(item) {
                    Ok(photo) => photos.push(photo),
                    Err((field, code)) => problems.push(problem(
                        format!(
                            "photos[{i}]{}",
                            field.map(|f| format!(".{f}")).unwrap_or_default()
                        ),
                        code,
                    )),
                }
            }
        }
        Some(None) => problems.push(problem("photos".into(), "invalid")),
        None => problems.push(problem("photos".into(), "required")),
    }
    let mut taken_at = Map::new();
    let mut consents_taken = Vec::new();
    match object.get("taken_at").map(Value::as_object) {
        Some(Some(times)) => {
            for (key, time) in times {
                let field = format!("taken_at.{key}");
                let kinds = consent_kinds(key);
                if kinds.is_empty() && key != FINISHED {
                    problems.push(problem(field, "unknown_field"));
                    continue;
                }
                match time.as_str().map(|t| OffsetDateTime::parse(t, &Rfc3339)) {
                    Some(Ok(at)) => {
                        consents_taken.extend(kinds.iter().map(|kind| (*kind, at)));
                        taken_at.insert(key.clone(), time.clone());
                    }
                    _ => problems.push(problem(field, "format")),
                }
            }
        }
        Some(None) => problems.push(problem("taken_at".into(), "invalid")),
        None => problems.push(problem("taken_at".into(), "required")),
    }
    if let Value::Object(application) = application {
        // The record is the volunteer's: the application must say which volunteer and event.
        if application
            .get("submitted_by")
            .and_then(|s| s.get("type"))
            .and_then(Value::as_str)
            .is_some_and(|t| t != "volunteer")
        {
            problems.push(problem("submitted_by.type".into(), "volunteer_required"));
        }
    }
    if !problems.is_empty() {
        return Err(SyncError::Refused(problems));
    }
    Ok(OpenedRecord {
        application,
        photos,
        taken_at,
        consents_taken,
    })
}

/// The consents a `taken_at` key dates (the application's own names for them).
fn consent_kinds(key: &str) -> &'static [ConsentKind] {
    match key {
        "three_in_one" => &[ConsentKind::ThreeInOne],
        "verification_authorizations" => &[ConsentKind::VerificationAuthorization],
        "sensitive_information" => &[ConsentKind::SensitiveInformation],
        "guardian_for_child" => &[ConsentKind::GuardianForChild],
        "public_notice" => &[ConsentKind::PublicNotice],
        "applicant_confirmed" => &[ConsentKind::ApplicantConfirmed],
        _ => &[],
    }
}

/// One `{document, data}`; the field at fault (none: the item itself) and its code.
fn read_photo(item: &Value) -> Result<Photo, (Option<&'static str>, &'static str)> {
    let Some(object) = item.as_object() else {
        return Err((None, "invalid"));
    };
    if object.keys().any(|k| k != "document" && k != "data") {
        return Err((None, "unknown_field"));
    }
    let document = match object.get("document").map(Value::as_str) {
        Some(Some(code)) => DocumentKind::parse(code).ok_or((Some("document"), "unknown_value"))?,
        Some(None) => return Err((Some("document"), "invalid")),
        None => return Err((Some("document"), "required")),
    };
    let bytes = match object.get("data").map(Value::as_str) {
        Some(Some(data)) => BASE64.decode(data).map_err(|_| (Some("data"), "format"))?,
        Some(None) => return Err((Some("data"), "invalid")),
        None => return Err((Some("data"), "required")),
    };
    if bytes.is_empty() {
        return Err((
            None,
            app::apply::upload_problem_code(UploadProblem::ChooseFile),
        ));
    }
    Ok(Photo { document, bytes })
}

/// Cleans and keeps each photo not kept by an earlier attempt, and records it at its place in
/// the record; a photo recorded meanwhile by a parallel attempt is removed again.
pub async fn keep_photos(state: &AppState, sync: &OutreachSubmission) -> Result<(), PhotoFailure> {
    let unavailable = |e: store::StoreError| {
        tracing::error!(error = %e, "could not record an outreach photo");
        PhotoFailure::Unavailable
    };
    for (position, photo) in sync.photos.iter().enumerate() {
        if state
            .store
            .outreach_photo_kept(&sync.record, position)
            .await
            .map_err(unavailable)?
        {
            continue;
        }
        let kept = clean_and_keep(state, photo.bytes.clone())
            .await
            .map_err(|e| match e {
                KeepError::Refused(problem) => PhotoFailure::Refused { position, problem },
                KeepError::Busy => PhotoFailure::Busy,
                KeepError::Unavailable => PhotoFailure::Unavailable,
            })?;
        let recorded = state
            .store
            .record_outreach_photo(
                &sync.record,
                position,
                kept.as_stored(photo.document.as_str()),
            )
            .await;
        if !matches!(recorded, Ok(true)) {
            discard(state, &kept).await;
        }
        recorded.map_err(unavailable)?;
    }
    Ok(())
}

//! Receiving a document photo or PDF from a multipart form (the application's photos page and
//! the tracking page's to-do list): reading the form, checking, cleaning (`uploads::sanitize`)
//! and keeping the file in the file store; serving a kept file to staff; and removing the files
//! of drafts never sent. What the file is recorded against is the caller's.
//!
//! Decoding a photo is what costs: a 40-megapixel canvas takes ~160 MB while it is re-encoded.
//! So each client may begin only so many uploads an hour (counted in the database, shared by
//! every instance), a draft or a case takes only so many files and bytes (checked before the
//! file is decoded, and again when it is recorded), and the process decodes at most
//! `PORTAL_UPLOAD_DECODES` photos at once: the others wait for a slot, and after
//! `PORTAL_UPLOAD_DECODE_WAIT_SECONDS` are told the system is busy.

use axum::body::Body;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use app::apply::UploadProblem;
use app::error_pages::ErrorPage;
use store::Room;

use crate::client::ClientKey;
use crate::limits::Refused;
use crate::middleware::errors::error_page_response;
use crate::state::AppState;

/// The form's two fields: which document, and the file.
pub struct PostedDocument {
    pub document: String,
    pub file: Vec<u8>,
}

/// Reads the posted form; a body cut off by the limit, or a broken one, is answered here.
pub async fn read_posted_document(
    state: &AppState,
    parts: Parts,
    body: Body,
) -> Result<PostedDocument, Response> {
    let Ok(mut multipart) = Multipart::from_request(Request::from_parts(parts, body), state).await
    else {
        return Err(StatusCode::BAD_REQUEST.into_response());
    };
    let mut posted = PostedDocument {
        document: String::new(),
        file: Vec::new(),
    };
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => match field.name() {
                Some("document") => posted.document = field.text().await.unwrap_or_default(),
                Some("photo") => match field.bytes().await {
                    Ok(bytes) => posted.file = bytes.to_vec(),
                    Err(_) => return Err(StatusCode::PAYLOAD_TOO_LARGE.into_response()),
                },
                _ => {}
            },
            Ok(None) => return Ok(posted),
            // The body limit cut it off, or the client went away.
            Err(_) => return Err(StatusCode::PAYLOAD_TOO_LARGE.into_response()),
        }
    }
}

/// What is wrong with the form before the file is looked at.
pub fn form_problem(posted: &PostedDocument, document_allowed: bool) -> Option<UploadProblem> {
    if posted.file.is_empty() {
        Some(UploadProblem::ChooseFile)
    } else if !document_allowed {
        Some(UploadProblem::ChooseDocument)
    } else {
        None
    }
}

/// A cleaned file, now in the file store.
pub struct KeptFile {
    pub storage_key: String,
    pub content_type: &'static str,
    pub size: i64,
    pub sha256: String,
}

impl KeptFile {
    pub fn as_stored<'a>(&'a self, document: &'a str) -> store::StoredFile<'a> {
        store::StoredFile {
            document,
            storage_key: &self.storage_key,
            content_type: self.content_type,
            size: self.size,
            sha256: &self.sha256,
        }
    }
}

pub enum KeepError {
    /// The file is not one we take: the person is told why.
    Refused(UploadProblem),
    /// Every decoding slot stayed taken for the whole wait: the person is asked to try again.
    Busy,
    /// The file store or the database failed (logged).
    Unavailable,
}

impl KeepError {
    /// The answer for the failures that do not re-render the upload's page.
    pub fn page(&self) -> Response {
        match self {
            KeepError::Busy => {
                error_page_response(StatusCode::SERVICE_UNAVAILABLE, ErrorPage::Busy)
            }
            _ => StatusCode::SERVICE_UNAVAILABLE.into_response(),
        }
    }
}

/// The status of a page that shows why an upload was refused.
pub fn refusal_status(problem: UploadProblem) -> StatusCode {
    match problem {
        UploadProblem::TooManyFromClient => StatusCode::TOO_MANY_REQUESTS,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

/// Why a draft or a case has no room, as the person is told.
pub fn room_problem(room: Room) -> Option<UploadProblem> {
    match room {
        Room::Fits | Room::NoDraft => None,
        Room::TooManyFiles => Some(UploadProblem::TooManyFiles),
        Room::OverQuota => Some(UploadProblem::OverQuota),
    }
}

/// Counts the upload against the client's hourly allowance (shared by every instance); refused
/// when it is used up.
pub async fn admit(state: &AppState, client: &ClientKey) -> Result<(), KeepError> {
    match state.limits.attempt(state.limits.uploads, client).await {
        Ok(()) => Ok(()),
        Err(Refused::Unavailable) => Err(KeepError::Unavailable),
        Err(_) => Err(KeepError::Refused(UploadProblem::TooManyFromClient)),
    }
}

/// Checks the file (size, type and canvas from its content), re-encodes a photo so that no EXIF
/// or GPS data is kept, and stores it (sealed). At most the configured number of photos are
/// decoded at once in this process; an upload that cannot get a slot in time is `Busy`.
pub async fn clean_and_keep(state: &AppState, file: Vec<u8>) -> Result<KeptFile, KeepError> {
    let policy = state.upload_policy;
    let permit = tokio::time::timeout(state.decode_wait, state.decodes.clone().acquire_owned())
        .await
        .map_err(|_| KeepError::Busy)?
        .map_err(|_| KeepError::Unavailable)?;
    let clean = tokio::task::spawn_blocking(move || {
        let clean = uploads::sanitize(&file, &policy);
        drop(permit);
        clean
    })
    .await
    .map_err(|_| KeepError::Refused(UploadProblem::Unreadable))?
    .map_err(|e| {
        KeepError::Refused(match e {
            uploads::UploadError::TooLarge { .. } => UploadProblem::TooLarge,
            uploads::UploadError::NotAllowed { .. } => UploadProblem::NotAllowed,
            uploads::UploadError::TooManyPixels { .. } => UploadProblem::TooManyPixels,
            uploads::UploadError::Unreadable => UploadProblem::Unreadable,
        })
    })?;
    let key = uploads::StorageKey::new_for(clean.kind, state.store.clock().now());
    if let Err(e) = state.files.put(&key, &clean.bytes).await {
        tracing::error!(error = %e, "could not store an uploaded document");
        return Err(KeepError::Unavailable);
    }
    Ok(KeptFile {
        storage_key: key.as_str().to_owned(),
        content_type: clean.kind.content_type(),
        size: i64::try_from(clean.bytes.len()).unwrap_or(i64::MAX),
        sha256: clean.sha256,
    })
}

/// A kept file that will not be recorded (the draft or case filled up meanwhile): removed from
/// the file store again.
pub async fn discard(state: &AppState, kept: &KeptFile) {
    let Ok(key) = kept.storage_key.parse::<uploads::StorageKey>() else {
        return;
    };
    if let Err(e) = state.files.delete(&key).await {
        tracing::warn!(error = %e, "could not remove a file that was not recorded");
    }
}

/// A stored document as staff download it: always an attachment, never rendered by the
/// browser as a page (a PDF's scripts and forms, an image posing as HTML), never cached.
pub fn serve_document(bytes: Vec<u8>, content_type: &str, file_name: &str) -> Response {
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(static_type(content_type)),
    );
    // Only [A-Za-z0-9.-] reach the name: nothing to quote or escape.
    let safe: String = file_name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '.')
        .collect();
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{safe}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox; frame-ancestors 'none'"),
    );
    response
}

fn static_type(content_type: &str) -> &'static str {
    match content_type {
        "image/jpeg" => "image/jpeg",
        "image/png" => "image/png",
        "application/pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// Removes drafts untouched for their lifetime (and the photos of outreach records that never
/// became an application as long), then deletes from the file store the files their removal
/// queued (and any still queued from before). Returns (drafts, files).
pub async fn remove_stale_drafts(
    store: &store::Store,
    files: &dyn uploads::FileStore,
) -> Result<(u64, u64), store::StoreError> {
    let drafts = store.remove_stale_drafts().await?;
    // Photos of outreach records that never became an application, as old as a stale draft.
    let photos = store.remove_stale_outreach_photos().await?;
    if photos > 0 {
        tracing::info!(photos, "photos of outreach records never stored removed");
    }
    let mut deleted = 0;
    loop {
        let batch = store.files_to_delete(100).await?;
        let mut progress = false;
        for text in &batch {
            let gone = match text.parse::<uploads::StorageKey>() {
                Ok(key) => match files.delete(&key).await {
                    Ok(()) | Err(uploads::StorageError::NotFound) => true,
                    Err(e) => {
                        tracing::warn!(error = %e, "could not delete the file of a removed draft; trying again later");
                        false
                    }
                },
                // Not a key any store could hold: nothing to delete.
                Err(_) => true,
            };
            if gone {
                store.file_deleted(text).await?;
                deleted += 1;
                progress = true;
            }
        }
        if batch.len() < 100 || !progress {
            return Ok((drafts, deleted));
        }
    }
}

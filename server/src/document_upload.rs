//! Receiving a document photo or PDF from a multipart form (the application's photos page and
//! the tracking page's to-do list): reading the form, checking, cleaning (`uploads::sanitize`)
//! and keeping the file in the file store. What the file is recorded against is the caller's.

use axum::body::Body;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use app::apply::UploadProblem;

use crate::router::AppState;

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
    /// The file store failed (logged).
    Unavailable,
}

/// Checks the file (size, type sniffed from its content), re-encodes a photo so that no EXIF or
/// GPS data is kept, and stores it.
pub async fn clean_and_keep(state: &AppState, file: Vec<u8>) -> Result<KeptFile, KeepError> {
    let policy = state.upload_policy;
    let clean = tokio::task::spawn_blocking(move || uploads::sanitize(&file, &policy))
        .await
        .map_err(|_| KeepError::Refused(UploadProblem::Unreadable))?
        .map_err(|e| {
            KeepError::Refused(match e {
                uploads::UploadError::TooLarge { .. } => UploadProblem::TooLarge,
                uploads::UploadError::NotAllowed { .. } => UploadProblem::NotAllowed,
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

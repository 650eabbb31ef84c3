//! Request bodies are capped before they are read: a small cap everywhere, a larger one for the
//! document upload, whose photos may be a few megabytes, and for a volunteer's outreach record. A body announced as too large gets 413
//! at once; one that grows past the cap fails while it is read, and its handler answers 413.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt;

use crate::config::Config;
use crate::routes::{DRAFT_PAGES, TRACKED_CASES};

/// Multipart framing and the form's other fields, on top of the file itself.
const UPLOAD_FORM_OVERHEAD: u64 = 64 * 1024;
/// A too-large photo up to this size is read to its end before the refusal is sent: a browser
/// still sending when the connection closes shows a network error instead of the explanation.
const DRAIN_TOO_LARGE_UPLOADS_UP_TO: u64 = 64 * 1024 * 1024;

#[derive(Clone, Copy)]
pub struct BodyLimits {
    pub default: u64,
    pub upload: u64,
    /// A volunteer's sealed outreach record, photos inside.
    pub outreach_sync: u64,
    /// A department file uploaded for discovery.
    pub discovery_upload: u64,
}

impl BodyLimits {
    pub fn from_config(config: &Config) -> BodyLimits {
        BodyLimits {
            default: config.max_body_bytes,
            upload: config.max_upload_bytes + UPLOAD_FORM_OVERHEAD,
            outreach_sync: crate::outreach_sync::SYNC_BODY_BYTES,
            discovery_upload: config.discovery_max_upload_mb * 1024 * 1024 + UPLOAD_FORM_OVERHEAD,
        }
    }

    fn for_path(self, path: &str) -> u64 {
        if is_upload(path) {
            self.upload
        } else if path == crate::outreach_sync::OUTREACH_SYNC {
            self.outreach_sync
        } else if path == app::staff::DISCOVERY_IMPORTS {
            self.discovery_upload
        } else {
            self.default
        }
    }
}

/// The document-upload endpoints (the application's photos page, the tracking page's to-do
/// list), which have their own limit and their own "too large" page.
pub fn is_upload(path: &str) -> bool {
    (path.starts_with(DRAFT_PAGES) || path.starts_with(TRACKED_CASES)) && path.ends_with("/upload")
}

pub async fn limit(State(limits): State<BodyLimits>, request: Request, next: Next) -> Response {
    let cap = limits.for_path(request.uri().path());
    let announced = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if let Some(size) = announced.filter(|n| *n > cap) {
        if is_upload(request.uri().path()) && size <= DRAIN_TOO_LARGE_UPLOADS_UP_TO {
            let mut body = request.into_body();
            while let Some(frame) = body.frame().await {
                if frame.is_err() {
                    break;
                }
            }
        }
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    }
    let cap = usize::try_from(cap).unwrap_or(usize::MAX);
    let request = request.map(|body| Body::new(http_body_util::Limited::new(body, cap)));
    next.run(request).await
}

//! Request bodies are capped before they are read: a small cap everywhere, a larger one for the
//! document upload, whose photos may be a few megabytes. A body announced as too large gets 413
//! at once; one that grows past the cap fails while it is read, and its handler answers 413.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::config::Config;

/// Multipart framing and the form's other fields, on top of the file itself.
const UPLOAD_FORM_OVERHEAD: u64 = 64 * 1024;

#[derive(Clone, Copy)]
pub struct BodyLimits {
    pub default: u64,
    pub upload: u64,
}

impl BodyLimits {
    pub fn from_config(config: &Config) -> BodyLimits {
        BodyLimits {
            default: config.max_body_bytes,
            upload: config.max_upload_bytes + UPLOAD_FORM_OVERHEAD,
        }
    }

    fn for_path(self, path: &str) -> u64 {
        if path.starts_with("/apply/") && path.ends_with("/upload") {
            self.upload
        } else {
            self.default
        }
    }
}

pub async fn limit(State(limits): State<BodyLimits>, request: Request, next: Next) -> Response {
    let cap = limits.for_path(request.uri().path());
    let announced = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|n| n > cap) {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    }
    let cap = usize::try_from(cap).unwrap_or(usize::MAX);
    let request = request.map(|body| Body::new(http_body_util::Limited::new(body, cap)));
    next.run(request).await
}

//! `Cache-Control: no-store` on every answer that carries someone's case or session, decided in
//! one place by path and session so that no new page can forget it: a browser's back button, a
//! shared phone's cache or a proxy must not keep a copy. Pages that are the same for everyone
//! (home, urgent help, the handbook) and the static files keep their caching.

use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::Response;

use crate::routes::{DRAFT_PAGES, STAFF_PAGES, TRACK_PAGES};
use crate::sessions::COOKIE_NAME;

/// Paths whose every answer is personal: application drafts, tracking (the look-up's answer,
/// cases opened, a phone's list), the staff pages and their server functions, and the API's
/// applications (the receipt holds the access code; the look-up answers with the case).
fn personal_path(method: &Method, path: &str) -> bool {
    let under = |prefix: &str| path == prefix || path.starts_with(&format!("{prefix}/"));
    (path == "/track" && method == Method::POST)
        || path.starts_with(DRAFT_PAGES)
        || path.starts_with(TRACK_PAGES)
        || under(STAFF_PAGES)
        || under("/api/staff")
        || under("/api/v1/applications")
}

/// Whether the request comes from a browser with a session (a resident who opened a case, a
/// signed-in member of staff).
fn carries_session(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|cookies| {
            cookies
                .split(';')
                .any(|c| c.trim_start().starts_with(&format!("{COOKIE_NAME}=")))
        })
}

fn sets_session(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|c| c.starts_with(&format!("{COOKIE_NAME}=")))
}

/// A page or a data answer (or a redirect without a body), as opposed to a static file (script,
/// style, WASM, image), which stays cacheable whoever fetches it.
fn is_document(headers: &HeaderMap) -> bool {
    match headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    {
        None => true,
        Some(kind) => {
            let kind = kind.trim_start().to_ascii_lowercase();
            kind.starts_with("text/html")
                || kind.starts_with("application/json")
                || kind.starts_with("text/plain")
        }
    }
}

/// Every answer of a personal path, whatever its type (a document a caseworker opens is an image
/// or a PDF); and every page or data answer to a browser with a session, or that starts one.
pub async fn apply(request: Request, next: Next) -> Response {
    let path = personal_path(request.method(), request.uri().path());
    let session = carries_session(request.headers());
    let mut response = next.run(request).await;
    let session = session || sets_session(response.headers());
    if path || (session && is_document(response.headers())) {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn personal_paths_are_recognised_and_shareable_ones_are_not() {
        for (method, path) in [
            (Method::POST, "/track"),
            (Method::GET, "/track/cases/JSJ-2026-000001"),
            (Method::GET, "/track/phone/cases"),
            (Method::GET, "/apply/abc/applicant"),
            (Method::GET, "/staff"),
            (Method::GET, "/staff/cases/JSJ-2026-000001"),
            (Method::POST, "/staff/login"),
            (Method::GET, "/staff/account"),
            (Method::GET, "/api/v1/applications/JSJ-2026-000001"),
            (Method::HEAD, "/api/v1/applications/JSJ-2026-000001"),
        ] {
            assert!(personal_path(&method, path), "{method} {path}");
        }
        for path in [
            "/",
            "/policies",
            "/policies/dibao",
            "/help/urgent",
            "/staffroom",
            "/pkg/portal.wasm",
        ] {
            assert!(!personal_path(&Method::GET, path), "{path}");
        }
    }

    #[test]
    fn only_the_portal_session_counts() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("lang=en; display=large"),
        );
        assert!(!carries_session(&headers));
        headers.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("lang=en; {COOKIE_NAME}=abc")).unwrap(),
        );
        assert!(carries_session(&headers));
    }
}

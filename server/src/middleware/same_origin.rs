//! Cross-site request forgery protection. Leptos has none of its own, so every request that can
//! change something must come from our own pages: a browser names the page's origin in `Origin`
//! and says `Sec-Fetch-Site: cross-site` for requests from elsewhere. A request with neither
//! header is not from a browser (another government system, the hotline) and passes.

use axum::extract::Request;
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::Response;

use super::errors::error_page_response;
use app::error_pages::ErrorPage;

pub async fn check(request: Request, next: Next) -> Response {
    if is_safe_method(request.method()) || is_same_origin(&request) {
        return next.run(request).await;
    }
    tracing::warn!(
        origin = ?request.headers().get(header::ORIGIN),
        path = %request.uri().path(),
        "refused a cross-origin request"
    );
    error_page_response(axum::http::StatusCode::FORBIDDEN, ErrorPage::Forbidden)
}

fn is_safe_method(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    )
}

fn is_same_origin(request: &Request) -> bool {
    let headers = request.headers();
    if headers
        .get("sec-fetch-site")
        .is_some_and(|v| v.as_bytes() == b"cross-site")
    {
        return false;
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let Ok(origin) = origin.to_str() else {
        return false;
    };
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return false;
    };
    // Origin is scheme://host[:port]; the Host header is host[:port]. "null" (a sandboxed or
    // privacy-stripped origin) never matches.
    origin
        .split_once("://")
        .is_some_and(|(_, origin_host)| origin_host.eq_ignore_ascii_case(host))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;

    fn post(headers: &[(&str, &str)]) -> Request {
        let mut builder = Request::builder()
            .method(Method::POST)
            .uri("/api/x")
            .header("host", "127.0.0.1:3000");
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        builder.body(Body::empty()).unwrap()
    }

    #[test]
    fn only_our_own_origin_or_no_browser_at_all_passes() {
        assert!(is_same_origin(&post(&[(
            "origin",
            "http://127.0.0.1:3000"
        )])));
        assert!(
            is_same_origin(&post(&[])),
            "server-to-server calls carry no Origin"
        );
        assert!(!is_same_origin(&post(&[(
            "origin",
            "https://evil.example"
        )])));
        assert!(!is_same_origin(&post(&[("origin", "null")])));
        assert!(!is_same_origin(&post(&[(
            "origin",
            "http://127.0.0.1:3000.evil.example"
        )])));
        assert!(!is_same_origin(&post(&[("sec-fetch-site", "cross-site")])));
        assert!(is_same_origin(&post(&[
            ("sec-fetch-site", "same-origin"),
            ("origin", "http://127.0.0.1:3000")
        ])));
    }
}

//! The foundation as a browser or another system sees it over HTTP: pages, languages, security
//! headers, refusals, limits, health, and a panic that does not take the server down.

use app::i18n::{tr, Lang};
use axum::routing::get;
use store::on_both_databases;
use store::testing::TestDatabase;

use crate::common::{self, TestServer};

async fn home_page_is_chinese_first_and_english_on_request(db: TestDatabase) {
    let server = TestServer::start(db).await;
    let page = server.get("/").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains(r#"<html lang="zh-CN""#), "{html}");
    for action in [
        tr::home_action_handbook,
        tr::home_action_check,
        tr::home_action_apply,
        tr::home_action_track,
        tr::home_action_urgent,
    ]
    .map(|action| action(Lang::Zh))
    {
        assert!(html.contains(action), "home page lacks the action {action}");
    }

    let english = server
        .client
        .get(server.url("/"))
        .header("accept-language", "en-GB,en;q=0.9")
        .send()
        .await
        .unwrap();
    let html = english.text().await.unwrap();
    assert!(html.contains(r#"<html lang="en""#));
    assert!(
        html.contains(tr::home_action_handbook(Lang::En))
            && html.contains(tr::home_action_urgent(Lang::En))
    );
}
on_both_databases!(
    home_sqlite,
    home_postgres,
    home_page_is_chinese_first_and_english_on_request
);

async fn language_and_display_choices_are_remembered_without_javascript(db: TestDatabase) {
    let server = TestServer::start(db).await;
    let switched = server
        .post_form("/api/preferences/language", &[("lang", "en")], None)
        .await;
    assert_eq!(
        switched.status(),
        302,
        "a plain form post goes back to the page it came from"
    );
    let back = common::location(&switched).unwrap_or_default();
    assert!(back.starts_with(&server.url("/")), "{back}");
    let lang = common::cookie(&switched, "lang").expect("a language cookie");
    assert!(lang.starts_with("lang=en;"));

    let large = server
        .post_form(
            "/api/preferences/display",
            &[("mode", "large")],
            Some("lang=en"),
        )
        .await;
    let display = common::cookie(&large, "display").expect("a display cookie");
    assert!(display.starts_with("display=large;"), "{display}");

    let page = server.get_with_cookie("/", "lang=en; display=large").await;
    let html = page.text().await.unwrap();
    assert!(
        html.contains(r#"<html lang="en" class="large-text""#),
        "{}",
        &html[..200.min(html.len())]
    );

    // Pressing the same button again switches it off.
    let off = server
        .post_form(
            "/api/preferences/display",
            &[("mode", "large")],
            Some("display=large"),
        )
        .await;
    assert!(common::cookie(&off, "display")
        .unwrap()
        .starts_with("display=;"));
}
on_both_databases!(
    prefs_sqlite,
    prefs_postgres,
    language_and_display_choices_are_remembered_without_javascript
);

async fn pages_carry_a_nonce_policy_and_strict_headers(db: TestDatabase) {
    let server = TestServer::start(db).await;
    let page = server.get("/help/urgent").await;
    let headers = page.headers().clone();
    let csp = headers["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains("'wasm-unsafe-eval'") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|s| s.split('\'').next())
        .expect("a nonce in the policy");
    let html = page.text().await.unwrap();
    assert!(
        html.contains(&format!(r#"nonce="{nonce}""#)),
        "the hydration script carries the response's nonce"
    );
    assert!(html.contains("tel:120") && html.contains("12345"));
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert_eq!(headers["referrer-policy"], "same-origin");
    assert!(headers.contains_key("x-request-id"));

    let other = server.get("/healthz").await;
    assert_eq!(
        other.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .split(';')
            .next(),
        Some("default-src 'none'")
    );
}
on_both_databases!(
    headers_sqlite,
    headers_postgres,
    pages_carry_a_nonce_policy_and_strict_headers
);

async fn cross_origin_posts_are_refused_and_server_to_server_calls_pass(db: TestDatabase) {
    let server = TestServer::start(db).await;
    let evil = server
        .client
        .post(server.url("/api/preferences/language"))
        .header("origin", "https://evil.example")
        .form(&[("lang", "en")])
        .send()
        .await
        .unwrap();
    assert_eq!(evil.status(), 403);
    assert!(common::cookie(&evil, "lang").is_none(), "nothing changed");
    assert!(evil
        .text()
        .await
        .unwrap()
        .contains("data-error=\"forbidden\""));

    let no_origin = server
        .client
        .post(server.url("/api/preferences/language"))
        .form(&[("lang", "en")])
        .send()
        .await
        .unwrap();
    assert_ne!(no_origin.status(), 403);
}
on_both_databases!(
    origin_sqlite,
    origin_postgres,
    cross_origin_posts_are_refused_and_server_to_server_calls_pass
);

async fn oversized_bodies_get_413_with_a_page(db: TestDatabase) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let server = TestServer::start(db).await;
    // The server answers from the declared length, before the 20 MB arrive: send only the head.
    let address = server.base.trim_start_matches("http://").to_owned();
    let mut socket = tokio::net::TcpStream::connect(&address).await.unwrap();
    let head = format!(
        "POST /api/preferences/language HTTP/1.1\r\nHost: {address}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\nlang=",
        20 * 1024 * 1024
    );
    socket.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        socket.read_to_end(&mut answer),
    )
    .await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("data-error=\"too_large\""));
}
on_both_databases!(
    too_large_sqlite,
    too_large_postgres,
    oversized_bodies_get_413_with_a_page
);

async fn a_panicking_handler_gets_a_500_page_and_the_server_keeps_serving(db: TestDatabase) {
    let server = TestServer::start_with(db, |routes| {
        routes.route(
            "/boom",
            get(|| async { panic!("a deliberate test panic") as &'static str }),
        )
    })
    .await;
    let boom = server.get("/boom").await;
    assert_eq!(boom.status(), 500);
    let html = boom.text().await.unwrap();
    assert!(
        html.contains("data-error=\"internal\"") && !html.contains("deliberate"),
        "no details leak"
    );
    assert_eq!(server.get("/").await.status(), 200);
}
on_both_databases!(
    panic_sqlite,
    panic_postgres,
    a_panicking_handler_gets_a_500_page_and_the_server_keeps_serving
);

async fn health_readiness_files_and_not_found(db: TestDatabase) {
    let server = TestServer::start(db).await;
    assert_eq!(server.get("/healthz").await.text().await.unwrap(), "ok");
    assert_eq!(server.get("/readyz").await.text().await.unwrap(), "ready");
    let missing = server.get("/no/such/page").await;
    assert_eq!(missing.status(), 404);
    assert!(missing
        .text()
        .await
        .unwrap()
        .contains(tr::not_found_title(Lang::Zh)));
    let compressed = server
        .client
        .get(server.url("/"))
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(compressed.headers()["content-encoding"], "br");
}
on_both_databases!(
    health_sqlite,
    health_postgres,
    health_readiness_files_and_not_found
);

fn nonce_of(response: &reqwest::Response) -> String {
    let policy = response.headers()["content-security-policy"]
        .to_str()
        .unwrap();
    policy
        .split("'nonce-")
        .nth(1)
        .and_then(|s| s.split('\'').next())
        .unwrap()
        .to_owned()
}

async fn shared_pages_are_served_again_with_a_fresh_nonce_each_time(db: TestDatabase) {
    let server = TestServer::start(db).await;
    let first = server.get("/help/urgent").await;
    let first_nonce = nonce_of(&first);
    let first_html = first.text().await.unwrap();
    let second = server.get("/help/urgent").await;
    let second_nonce = nonce_of(&second);
    let second_html = second.text().await.unwrap();
    assert_ne!(first_nonce, second_nonce, "a nonce is never reused");
    assert!(second_html.contains(&format!(r#"nonce="{second_nonce}""#)));
    assert_eq!(
        first_html.replace(&first_nonce, "N"),
        second_html.replace(&second_nonce, "N")
    );

    let english = server.get_with_cookie("/help/urgent", "lang=en").await;
    assert!(
        english.text().await.unwrap().contains("Urgent help"),
        "each language has its own copy"
    );
    assert!(!server
        .get("/help/urgent")
        .await
        .headers()
        .contains_key("x-portal-shareable"));
}
on_both_databases!(
    cache_sqlite,
    cache_postgres,
    shared_pages_are_served_again_with_a_fresh_nonce_each_time
);

/// A handler that could not reach the database answers with the status alone; the resident
/// gets the one page that says to try again shortly, and a partner the API's JSON. A server
/// function that could not reach it (its answer as `server_fn` writes it) gets the same page.
async fn a_bare_503_becomes_the_page_that_says_to_try_again(db: TestDatabase) {
    let server = TestServer::start_with(db, |routes| {
        routes
            .route(
                "/api/unreachable_fn",
                axum::routing::post(|| async {
                    use leptos::server_fn::error::{FromServerFnError, SERVER_FN_ERROR_HEADER};
                    (
                        axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                        [(SERVER_FN_ERROR_HEADER, "/api/unreachable_fn")],
                        app::server_error::PortalError::Unavailable.ser(),
                    )
                }),
            )
            .route(
                "/unreachable",
                get(|| async { axum::http::StatusCode::SERVICE_UNAVAILABLE }),
            )
            .route(
                "/api/v1/unreachable",
                get(|| async { axum::http::StatusCode::SERVICE_UNAVAILABLE }),
            )
    })
    .await;
    let page = server.get("/unreachable").await;
    assert_eq!(page.status(), 503);
    assert_eq!(
        page.headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok()),
        Some("30")
    );
    assert!(page
        .text()
        .await
        .unwrap()
        .contains("data-error=\"unavailable\""));
    let posted = server.post_form("/api/unreachable_fn", &[], None).await;
    assert_eq!(posted.status(), 503);
    assert!(posted.headers().contains_key("retry-after"));
    assert!(posted
        .text()
        .await
        .unwrap()
        .contains("data-error=\"unavailable\""));
    let api = server.get("/api/v1/unreachable").await;
    assert_eq!(api.status(), 503);
    let body: serde_json::Value = api.json().await.unwrap();
    assert_eq!(body["errors"][0]["code"], "unavailable");
}
on_both_databases!(
    unavailable_sqlite,
    unavailable_postgres,
    a_bare_503_becomes_the_page_that_says_to_try_again
);

/// A server function that fails says so: a form posted without JavaScript gets the page of its
/// error with the status, never a silent trip back to the page it came from; a page's script
/// gets the status and the error's name.
async fn a_failed_server_function_answers_with_its_error(db: TestDatabase) {
    let server = TestServer::start(db).await;
    let refused = server
        .post_form("/api/preferences/language", &[("lang", "xx")], None)
        .await;
    assert_eq!(refused.status(), 400);
    assert!(
        common::cookie(&refused, "lang").is_none(),
        "nothing changed"
    );
    assert!(refused
        .text()
        .await
        .unwrap()
        .contains("data-error=\"bad_request\""));

    let scripted = server
        .client
        .post(server.url("/api/preferences/language"))
        .header("origin", server.origin())
        .header("accept", "application/json")
        .form(&[("lang", "xx")])
        .send()
        .await
        .unwrap();
    assert_eq!(scripted.status(), 400);
    assert_eq!(scripted.text().await.unwrap(), "\"bad_request\"");

    // The database gone: signing out cannot end the session, and the page says so rather than
    // staying blank.
    let cookie = server
        .staff_session(
            "wang.li",
            store::staff::Role::Caseworker,
            casework::County::Rencheng,
        )
        .await;
    server.store.close().await;
    let down = server
        .post_form(app::staff::SIGN_OUT_PATH, &[], Some(&cookie))
        .await;
    assert_eq!(down.status(), 503);
    let text = down.text().await.unwrap();
    assert!(text.contains("data-error=\"unavailable\""), "{text}");
}
on_both_databases!(
    server_fn_error_sqlite,
    server_fn_error_postgres,
    a_failed_server_function_answers_with_its_error
);

//! The limits of issue 12 over HTTP: who the client is behind a proxy, counters shared by every
//! instance, look-ups counted for every method and per reference, applications per client and
//! per phone, partner API keys, and the home visit's second password.

use casework::County;
use serde_json::Value;
use store::on_both_databases;
use store::staff::Role;
use store::testing::{example_application, TestDatabase};

use crate::common::{self, location, run_server, TestServer, SELF_CHECK_ANSWERS};

/// Submits through the public API (no limits in the tests' default configuration).
async fn submit_as(
    server: &TestServer,
    key: &str,
    phone: &str,
    headers: &[(&str, &str)],
) -> (u16, Value, Option<String>) {
    let mut request = server
        .client
        .post(server.url("/api/v1/applications"))
        .header("idempotency-key", key)
        .json(&example_application(phone, Value::Null));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("POST");
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    (
        status,
        response.json().await.unwrap_or(Value::Null),
        retry_after,
    )
}

/// A new application; its reference and access code.
async fn case(server: &TestServer, key: &str) -> (String, String) {
    let (status, receipt, _) = submit_as(server, key, "13800138000", &[]).await;
    assert_eq!(status, 201, "{receipt}");
    (
        receipt["reference"].as_str().unwrap_or_default().to_owned(),
        receipt["access_code"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
    )
}

fn key(n: u32) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

/// A look-up through the API with a method, a code and extra headers; the status.
async fn look_up(
    server: &TestServer,
    method: reqwest::Method,
    reference: &str,
    code: &str,
    headers: &[(&str, &str)],
) -> u16 {
    let mut request = server
        .client
        .request(
            method,
            server.url(&format!("/api/v1/applications/{reference}")),
        )
        .header("x-access-code", code);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.expect("request").status().as_u16()
}

async fn guess(server: &TestServer, reference: &str, headers: &[(&str, &str)]) -> u16 {
    look_up(server, reqwest::Method::GET, reference, "11111111", headers).await
}

async fn a_forged_forwarded_for_from_an_untrusted_peer_changes_nothing(db: TestDatabase) {
    let server = TestServer::start_with_config(db, |config| {
        config.access_code_attempts_per_minute = 2;
    })
    .await;
    let (reference, _) = case(&server, &key(1)).await;
    let mut statuses = Vec::new();
    for forged in ["203.0.113.1", "203.0.113.2", "203.0.113.3"] {
        statuses.push(guess(&server, &reference, &[("x-forwarded-for", forged)]).await);
    }
    assert_eq!(
        statuses,
        vec![404, 404, 429],
        "one client however it names itself"
    );
}

on_both_databases!(
    forged_xff_sqlite,
    forged_xff_postgres,
    a_forged_forwarded_for_from_an_untrusted_peer_changes_nothing
);

async fn behind_a_trusted_proxy_each_client_has_its_own_allowance(db: TestDatabase) {
    let server = TestServer::start_with_config(db, |config| {
        config.access_code_attempts_per_minute = 2;
        config.trusted_proxies = "127.0.0.0/8,10.0.0.0/8".parse().expect("networks");
    })
    .await;
    let (reference, code) = case(&server, &key(1)).await;
    let first = [("x-forwarded-for", "198.51.100.1")];
    assert_eq!(guess(&server, &reference, &first).await, 404);
    assert_eq!(guess(&server, &reference, &first).await, 404);
    assert_eq!(guess(&server, &reference, &first).await, 429);
    // Prepending another address does not help: the proxy appended the one it saw.
    let forged = [("x-forwarded-for", "198.51.100.7, 198.51.100.1, 10.0.0.2")];
    assert_eq!(guess(&server, &reference, &forged).await, 429);
    // Another resident behind the same proxy is not refused for the first one's guesses.
    let second = [("x-forwarded-for", "198.51.100.2")];
    assert_eq!(guess(&server, &reference, &second).await, 404);
    assert_eq!(
        look_up(&server, reqwest::Method::GET, &reference, &code, &second).await,
        200
    );
}

on_both_databases!(
    trusted_proxy_sqlite,
    trusted_proxy_postgres,
    behind_a_trusted_proxy_each_client_has_its_own_allowance
);

async fn ipv6_addresses_in_one_64_share_an_allowance(db: TestDatabase) {
    let server = TestServer::start_with_config(db, |config| {
        config.access_code_attempts_per_minute = 2;
        config.trusted_proxies = "127.0.0.1".parse().expect("networks");
    })
    .await;
    let (reference, _) = case(&server, &key(1)).await;
    let mut statuses = Vec::new();
    for address in ["2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:ffff::9"] {
        statuses.push(guess(&server, &reference, &[("x-forwarded-for", address)]).await);
    }
    assert_eq!(statuses, vec![404, 404, 429], "one /64, one allowance");
    let next_network = [("x-forwarded-for", "2001:db8:1:3::1")];
    assert_eq!(guess(&server, &reference, &next_network).await, 404);
}

on_both_databases!(
    ipv6_sqlite,
    ipv6_postgres,
    ipv6_addresses_in_one_64_share_an_allowance
);

async fn two_instances_over_one_database_share_one_allowance(db: TestDatabase) {
    let configure = |config: &mut server::Config| {
        config.access_code_attempts_per_minute = 3;
    };
    let first = TestServer::start_with_config(db, configure).await;
    let second = first.start_beside_with_config(configure).await;
    let (reference, code) = case(&first, &key(1)).await;
    assert_eq!(
        look_up(&second, reqwest::Method::GET, &reference, &code, &[]).await,
        200,
        "the second instance reads the first one's case"
    );
    assert_eq!(guess(&first, &reference, &[]).await, 404);
    assert_eq!(guess(&second, &reference, &[]).await, 404);
    assert_eq!(guess(&first, &reference, &[]).await, 404);
    assert_eq!(
        guess(&second, &reference, &[]).await,
        429,
        "three failures between them"
    );
    assert_eq!(guess(&first, &reference, &[]).await, 429);
}

on_both_databases!(
    two_instances_sqlite,
    two_instances_postgres,
    two_instances_over_one_database_share_one_allowance
);

async fn head_guesses_are_counted_like_any_other(db: TestDatabase) {
    let server = TestServer::start(db).await;
    let (reference, code) = case(&server, &key(1)).await;
    assert_eq!(
        look_up(&server, reqwest::Method::HEAD, &reference, &code, &[]).await,
        200,
        "HEAD with the right code"
    );
    let mut statuses = Vec::new();
    for n in 0..40 {
        let wrong = format!("{:08}", 10_000_000 + n);
        statuses.push(look_up(&server, reqwest::Method::HEAD, &reference, &wrong, &[]).await);
    }
    let first_refusal = statuses.iter().position(|s| *s == 429);
    assert!(
        first_refusal.is_some_and(|at| at <= 10),
        "ten failed look-ups a minute, whatever the method: {statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 404 || *s == 429),
        "{statuses:?}"
    );
}

on_both_databases!(
    head_walk_sqlite,
    head_walk_postgres,
    head_guesses_are_counted_like_any_other
);

async fn opening_a_case_page_counts_as_a_look_up(db: TestDatabase) {
    let server = TestServer::start_with_config(db, |config| {
        config.access_code_attempts_per_minute = 2;
    })
    .await;
    let (reference, _) = case(&server, &key(1)).await;
    let path = format!("/track/cases/{reference}");
    let mut statuses = Vec::new();
    statuses.push(server.get(&path).await.status().as_u16());
    statuses.push(
        server
            .client
            .head(server.url(&path))
            .send()
            .await
            .expect("HEAD")
            .status()
            .as_u16(),
    );
    statuses.push(server.get(&path).await.status().as_u16());
    assert_eq!(
        statuses,
        vec![404, 404, 429],
        "a browser that never opened the case"
    );
}

on_both_databases!(
    case_page_sqlite,
    case_page_postgres,
    opening_a_case_page_counts_as_a_look_up
);

async fn a_reference_guessed_from_everywhere_rests_and_says_how_to_get_through(db: TestDatabase) {
    let server = TestServer::start_with_config(db, |config| {
        config.access_code_attempts_per_minute = 2;
        config.reference_failures_per_hour = 3;
        config.trusted_proxies = "127.0.0.1".parse().expect("networks");
    })
    .await;
    let (reference, code) = case(&server, &key(1)).await;
    let (other, other_code) = case(&server, &key(2)).await;
    let from = |n: u8| format!("198.51.100.{n}");
    // The resident opens the case in their browser first.
    let opened = server
        .client
        .post(server.url("/track"))
        .header("origin", server.origin())
        .header("x-forwarded-for", from(20))
        .form(&[
            ("reference", reference.as_str()),
            ("access_code", code.as_str()),
        ])
        .send()
        .await
        .expect("POST");
    assert_eq!(opened.status(), 200);
    let browser = common::cookie(&opened, server::sessions::COOKIE_NAME)
        .expect("a session")
        .split(';')
        .next()
        .unwrap_or_default()
        .to_owned();
    for n in 1..=3 {
        assert_eq!(
            guess(&server, &reference, &[("x-forwarded-for", &from(n))]).await,
            404
        );
    }
    // A fresh client with the right code: the reference rests.
    let response = server
        .client
        .get(server.url(&format!("/api/v1/applications/{reference}")))
        .header("x-access-code", &code)
        .header("x-forwarded-for", from(9))
        .send()
        .await
        .expect("GET");
    assert_eq!(response.status(), 429);
    assert!(response.headers().contains_key("retry-after"));
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(body["errors"][0]["code"], "reference_locked");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("/track/phone") && m.contains("12345")),
        "{body}"
    );
    // The page says the same, with the way through.
    let page = server
        .client
        .post(server.url("/track"))
        .header("origin", server.origin())
        .header("x-forwarded-for", from(10))
        .form(&[
            ("reference", reference.as_str()),
            ("access_code", code.as_str()),
        ])
        .send()
        .await
        .expect("POST");
    assert_eq!(page.status(), 429);
    let html = page.text().await.expect("page");
    assert!(
        html.contains("data-error=\"reference_locked\"") && html.contains("href=\"/track/phone\""),
        "{html}"
    );
    // The browser that opened the case (or proved its phone) still opens it.
    let again = server
        .client
        .get(server.url(&format!("/track/cases/{reference}")))
        .header("cookie", &browser)
        .header("x-forwarded-for", from(20))
        .send()
        .await
        .expect("GET");
    assert_eq!(again.status(), 200);
    // Other references are not affected, and the rest ends with its hour.
    assert_eq!(
        look_up(
            &server,
            reqwest::Method::GET,
            &other,
            &other_code,
            &[("x-forwarded-for", &from(11))]
        )
        .await,
        200
    );
    server.clock.advance(time::Duration::hours(1));
    assert_eq!(
        look_up(
            &server,
            reqwest::Method::GET,
            &reference,
            &code,
            &[("x-forwarded-for", &from(12))]
        )
        .await,
        200
    );
}

on_both_databases!(
    reference_rest_sqlite,
    reference_rest_postgres,
    a_reference_guessed_from_everywhere_rests_and_says_how_to_get_through
);

async fn applications_are_limited_per_client_and_replays_are_free(db: TestDatabase) {
    let server = TestServer::start_with_config(db, |config| {
        config.submissions_per_hour_per_client = 2;
    })
    .await;
    let (status, first, _) = submit_as(&server, &key(1), "13800138001", &[]).await;
    assert_eq!(status, 201);
    for _ in 0..3 {
        let (status, again, _) = submit_as(&server, &key(1), "13800138001", &[]).await;
        assert_eq!((status, &again), (201, &first), "a replay is not counted");
    }
    assert_eq!(submit_as(&server, &key(2), "13800138002", &[]).await.0, 201);
    let (status, refused, retry_after) = submit_as(&server, &key(3), "13800138003", &[]).await;
    assert_eq!(status, 429, "{refused}");
    assert_eq!(refused["errors"][0]["code"], "too_many_requests");
    assert!(retry_after.is_some(), "Retry-After");
    let (status, again, _) = submit_as(&server, &key(1), "13800138001", &[]).await;
    assert_eq!(
        (status, &again),
        (201, &first),
        "the first receipt again, even now"
    );
    assert_eq!(
        server
            .store
            .application_references()
            .await
            .expect("list")
            .len(),
        2
    );
    server.clock.advance(time::Duration::hours(1));
    assert_eq!(submit_as(&server, &key(3), "13800138003", &[]).await.0, 201);
}

on_both_databases!(
    per_client_sqlite,
    per_client_postgres,
    applications_are_limited_per_client_and_replays_are_free
);

async fn applications_are_limited_per_phone_from_anywhere(db: TestDatabase) {
    let server = TestServer::start_with_config(db, |config| {
        config.submissions_per_day_per_phone = 2;
        config.trusted_proxies = "127.0.0.1".parse().expect("networks");
    })
    .await;
    for n in 1..=2 {
        let address = format!("198.51.100.{n}");
        let (status, _, _) = submit_as(
            &server,
            &key(n),
            "13800138000",
            &[("x-forwarded-for", &address)],
        )
        .await;
        assert_eq!(status, 201);
    }
    let (status, refused, retry_after) = submit_as(
        &server,
        &key(3),
        "13800138000",
        &[("x-forwarded-for", "198.51.100.3")],
    )
    .await;
    assert_eq!(status, 429, "{refused}");
    assert_eq!(refused["errors"][0]["field"], "applicant.phone");
    assert_eq!(refused["errors"][0]["code"], "too_many_applications");
    assert!(retry_after.is_some());
    assert_eq!(
        submit_as(&server, &key(4), "13900139000", &[]).await.0,
        201,
        "another phone"
    );
    // Only keyed hashes are counted, never the number.
    let subjects = server
        .db
        .raw_texts("SELECT subject FROM rate_limit_hits")
        .await;
    assert!(
        subjects
            .iter()
            .all(|s| !s.contains("13800138000") && !s.contains("13900139000")),
        "{subjects:?}"
    );
    server.clock.advance(time::Duration::days(1));
    assert_eq!(
        submit_as(&server, &key(3), "13800138000", &[]).await.0,
        201,
        "the next day"
    );
}

on_both_databases!(
    per_phone_sqlite,
    per_phone_postgres,
    applications_are_limited_per_phone_from_anywhere
);

/// Fills a draft on the application pages up to its last page; that page's address.
async fn draft_ready_to_send(server: &TestServer, phone: &str) -> String {
    let who = server
        .answer(
            "/apply/start",
            &[("answers", SELF_CHECK_ANSWERS), ("go", "apply")],
        )
        .await;
    server.fill_in_application(&who, phone).await
}

async fn the_application_pages_say_when_a_limit_refuses(db: TestDatabase) {
    let server = TestServer::start_with_config(db, |config| {
        config.submissions_per_day_per_phone = 1;
    })
    .await;
    let first = draft_ready_to_send(&server, "13800138000").await;
    let sent = server.post_form(&first, &[], None).await;
    assert_eq!(sent.status(), 303);
    // Sending again replays the receipt: not counted, not refused.
    let again = server.post_form(&first, &[], None).await;
    assert_eq!(location(&again), location(&sent));

    let second = draft_ready_to_send(&server, "13800138000").await;
    let refused = server.post_form(&second, &[], None).await;
    assert_eq!(refused.status(), 429);
    assert!(refused.headers().contains_key("retry-after"));
    let html = refused.text().await.expect("page");
    assert!(
        html.contains("data-problem=\"submissions_per_phone\""),
        "{html}"
    );
    assert_eq!(
        server
            .store
            .application_references()
            .await
            .expect("list")
            .len(),
        1
    );
}

on_both_databases!(
    pages_sqlite,
    pages_postgres,
    the_application_pages_say_when_a_limit_refuses
);

async fn partner_keys_bring_their_own_allowance(db: TestDatabase) {
    let server = TestServer::start_with_config(db, |config| {
        config.submissions_per_hour_per_client = 1;
    })
    .await;
    let issued = server
        .store
        .issue_api_key(
            "12345 热线",
            3,
            &casework::Actor::system(casework::Actor::CLI),
        )
        .await
        .expect("a key");
    let bearer = format!("Bearer {}", issued.key);
    let with_key = [("authorization", bearer.as_str())];
    // Anonymous: one an hour from this address.
    assert_eq!(submit_as(&server, &key(1), "13800138001", &[]).await.0, 201);
    assert_eq!(submit_as(&server, &key(2), "13800138002", &[]).await.0, 429);
    // The hotline, from the same address, has its own three.
    let mut statuses = Vec::new();
    for n in 3..=6 {
        let phone = format!("1380013800{n}");
        statuses.push(submit_as(&server, &key(n), &phone, &with_key).await.0);
    }
    assert_eq!(statuses, vec![201, 201, 201, 429]);
    // A key that is wrong, or revoked, is refused outright.
    let mut wrong = issued.key.clone();
    let last = wrong.pop();
    wrong.push(if last == Some('0') { '1' } else { '0' });
    let wrong = format!("Bearer {wrong}");
    let (status, body, _) = submit_as(
        &server,
        &key(7),
        "13800138007",
        &[("authorization", &wrong)],
    )
    .await;
    assert_eq!(status, 401);
    assert_eq!(body["errors"][0]["code"], "invalid_api_key");
    server
        .store
        .revoke_api_key(&issued.id, &casework::Actor::system(casework::Actor::CLI))
        .await
        .expect("revoke");
    let (status, body, _) = submit_as(&server, &key(8), "13800138008", &with_key).await;
    assert_eq!(status, 401);
    assert_eq!(body["errors"][0]["field"], "Authorization");
    assert_eq!(
        look_up(
            &server,
            reqwest::Method::GET,
            "JSJ-2026-000001",
            "x",
            &with_key
        )
        .await,
        401,
        "the look-up too"
    );
}

on_both_databases!(
    partner_keys_sqlite,
    partner_keys_postgres,
    partner_keys_bring_their_own_allowance
);

async fn administrators_issue_list_and_revoke_keys_from_the_command_line(db: TestDatabase) {
    let server = TestServer::start(db).await;
    let env = [("DATABASE_URL", server.db.url.as_str())];
    let (ok, out) = run_server(
        &[
            "api-key",
            "issue",
            "--name",
            "爱山东",
            "--submissions-per-hour",
            "50",
        ],
        &env,
    );
    assert!(ok, "{out}");
    let api_key = out
        .split_whitespace()
        .find(|word| word.starts_with("jsj_"))
        .expect("the key, printed once")
        .to_owned();
    let id = api_key.split('_').nth(1).expect("the id").to_owned();
    let (status, _, _) = submit_as(
        &server,
        &key(1),
        "13800138000",
        &[("authorization", &format!("Bearer {api_key}"))],
    )
    .await;
    assert_eq!(status, 201, "the key works");
    let (ok, list) = run_server(&["api-key", "list"], &env);
    assert!(ok, "{list}");
    assert!(
        list.contains(&id) && list.contains("爱山东") && list.contains("active"),
        "{list}"
    );
    assert!(!list.contains(&api_key), "the key is never shown again");
    let (ok, out) = run_server(&["api-key", "revoke", "--id", &id], &env);
    assert!(ok, "{out}");
    let (ok, out) = run_server(&["api-key", "revoke", "--id", "ffffffffffff"], &env);
    assert!(!ok && out.contains("ffffffffffff"), "{out}");
    let (status, _, _) = submit_as(
        &server,
        &key(2),
        "13800138000",
        &[("authorization", &format!("Bearer {api_key}"))],
    )
    .await;
    assert_eq!(status, 401);
    let stored = server.db.raw_texts("SELECT key_hash FROM api_keys").await;
    assert!(stored.iter().all(|h| !h.contains(&api_key)), "only a hash");
    let actions = server
        .db
        .raw_texts("SELECT action FROM audit_log WHERE action LIKE 'api_key.%' ORDER BY id")
        .await;
    assert_eq!(actions, vec!["api_key.issue", "api_key.revoke"]);
}

on_both_databases!(
    api_key_cli_sqlite,
    api_key_cli_postgres,
    administrators_issue_list_and_revoke_keys_from_the_command_line
);

/// Brings a new case to the home visit; its reference and the caseworker's session.
async fn case_at_home_visit(server: &TestServer) -> (String, String) {
    let (reference, _) = case(server, &key(1)).await;
    let caseworker = server
        .staff_session("wang.li", Role::Caseworker, County::Rencheng)
        .await;
    for action in ["accept", "start_verification", "start_home_visit"] {
        let response = server
            .post_form(
                &format!("/staff/cases/{reference}/act"),
                &[("action", action), ("note", "")],
                Some(&caseworker),
            )
            .await;
        assert_eq!(response.status(), 303, "{action}");
    }
    (reference, caseworker)
}

async fn visit(
    server: &TestServer,
    cookie: &str,
    reference: &str,
    username: &str,
    password: &str,
) -> (u16, String) {
    let response = server
        .post_form(
            &format!("/staff/cases/{reference}/act"),
            &[
                ("action", "record_home_visit"),
                ("second_username", username),
                ("second_password", password),
                ("note", ""),
            ],
            Some(cookie),
        )
        .await;
    let status = response.status().as_u16();
    (status, response.text().await.unwrap_or_default())
}

/// The error summary of a refused step: what the page tells about the failure.
fn error_summary(html: &str) -> String {
    let start = html.find("error-summary").unwrap_or(0);
    html[start..]
        .split("</div>")
        .next()
        .unwrap_or_default()
        .to_owned()
}

async fn a_wrong_second_password_and_an_invalid_visitor_look_alike(db: TestDatabase) {
    let server = TestServer::start(db).await;
    let (reference, caseworker) = case_at_home_visit(&server).await;
    server
        .create_staff("liu.qiang", Role::Caseworker, County::Rencheng)
        .await;
    server
        .create_staff("zhao.qufu", Role::Caseworker, County::Qufu)
        .await;
    let (wrong_status, wrong) = visit(&server, &caseworker, &reference, "liu.qiang", "wrong").await;
    // The right password of someone who may not be the second visitor (another county).
    let (other_status, other) = visit(
        &server,
        &caseworker,
        &reference,
        "zhao.qufu",
        common::PASSWORD,
    )
    .await;
    assert_eq!((wrong_status, other_status), (422, 422));
    assert_eq!(error_summary(&wrong), error_summary(&other));
    assert!(
        error_summary(&wrong).contains("data-problem=\"second_login\""),
        "{wrong}"
    );
    // Five wrong passwords in a row lock the account; the page still says only the same.
    for _ in 0..4 {
        visit(&server, &caseworker, &reference, "liu.qiang", "wrong").await;
    }
    let (locked_status, locked) = visit(
        &server,
        &caseworker,
        &reference,
        "liu.qiang",
        common::PASSWORD,
    )
    .await;
    assert_eq!(locked_status, 422, "locked: even the right password fails");
    assert_eq!(error_summary(&locked), error_summary(&wrong));
}

on_both_databases!(
    second_alike_sqlite,
    second_alike_postgres,
    a_wrong_second_password_and_an_invalid_visitor_look_alike
);

async fn second_password_guesses_run_into_the_sign_in_limit(db: TestDatabase) {
    let server = TestServer::start_with_config(db, |config| {
        config.login_attempts_per_minute = 4;
    })
    .await;
    // The staff session's own sign-in is one attempt of the four.
    let (reference, caseworker) = case_at_home_visit(&server).await;
    server
        .create_staff("liu.qiang", Role::Caseworker, County::Rencheng)
        .await;
    for _ in 0..3 {
        assert_eq!(
            visit(&server, &caseworker, &reference, "liu.qiang", "guess")
                .await
                .0,
            422
        );
    }
    let (status, html) = visit(
        &server,
        &caseworker,
        &reference,
        "liu.qiang",
        common::PASSWORD,
    )
    .await;
    assert_eq!(status, 422, "even the right password waits");
    assert!(
        html.contains("data-problem=\"second_throttled\""),
        "{}",
        error_summary(&html)
    );
    // The sign-in form shares the allowance.
    let signed_in = server.post_sign_in("liu.qiang", common::PASSWORD).await;
    assert_eq!(
        location(&signed_in).as_deref(),
        Some(app::staff::THROTTLED_LOGIN_PATH)
    );
    // The next minute the right password records the visit (three failures do not lock the
    // account; five in a row would).
    server.clock.advance(time::Duration::minutes(1));
    assert_eq!(
        visit(
            &server,
            &caseworker,
            &reference,
            "liu.qiang",
            common::PASSWORD
        )
        .await
        .0,
        303
    );
}

on_both_databases!(
    second_limit_sqlite,
    second_limit_postgres,
    second_password_guesses_run_into_the_sign_in_limit
);

async fn the_audit_log_names_who_submitted_and_who_issued_the_key(db: TestDatabase) {
    let server = TestServer::start(db).await;
    let env = [("DATABASE_URL", server.db.url.as_str())];
    let (ok, out) = run_server(
        &[
            "api-key",
            "issue",
            "--name",
            "爱山东",
            "--submissions-per-hour",
            "50",
        ],
        &env,
    );
    assert!(ok, "{out}");
    let api_key = out
        .split_whitespace()
        .find(|word| word.starts_with("jsj_"))
        .expect("the key, printed once")
        .to_owned();
    let (status, partner, _) = submit_as(
        &server,
        &key(1),
        "13800138000",
        &[("authorization", &format!("Bearer {api_key}"))],
    )
    .await;
    assert_eq!(status, 201);
    let (status, resident, _) = submit_as(&server, &key(2), "13800138001", &[]).await;
    assert_eq!(status, 201);
    let (ok, list) = run_server(&["audit", "list"], &env);
    assert!(ok, "{list}");
    let entries: Vec<Vec<&str>> = list
        .lines()
        .map(|line| line.split('\t').collect::<Vec<_>>())
        .filter(|fields| fields.len() == 6)
        .map(|fields| vec![fields[2], fields[3], fields[4]])
        .collect();
    let partner = partner["reference"].as_str().expect("a reference");
    let resident = resident["reference"].as_str().expect("a reference");
    assert_eq!(entries.len(), 3, "{list}");
    assert_eq!(entries[0][..2], ["system:cli", "api_key.issue"]);
    assert_eq!(
        entries[1],
        ["partner:爱山东", "application.submit", partner]
    );
    assert_eq!(entries[2], ["applicant", "application.submit", resident]);
    let (ok, one) = run_server(&["audit", "list", "--subject", resident], &env);
    assert!(ok, "{one}");
    assert_eq!(one.lines().filter(|l| l.contains('\t')).count(), 1, "{one}");
}

on_both_databases!(
    audit_actors_sqlite,
    audit_actors_postgres,
    the_audit_log_names_who_submitted_and_who_issued_the_key
);

//! Authority over a case through the pages, as a caseworker, a supervisor, a resident and an
//! attacker would meet it: advance help only on an emergency and within the cap in all; no
//! caseworker ends a case alone; the resident's own withdrawal; personal pages never stored by a
//! browser or proxy; the queue paged and searchable under a flood.

use app::i18n::{format_yuan, tr, Lang};
use casework::County;
use casework::{read_application, IdempotencyKey};
use serde_json::{json, Value};
use server::sessions::COOKIE_NAME;
use store::on_both_databases;
use store::staff::Role;
use store::testing::{example_application, TestDatabase};

use crate::common::{cookie, location, TestServer, SELF_CHECK_ANSWERS};

/// Submits through the public API; the reference and the access code.
async fn submit(server: &TestServer, emergency: Value) -> (String, String) {
    let response = server
        .client
        .post(server.url("/api/v1/applications"))
        .header("idempotency-key", uuid::Uuid::new_v4().to_string())
        .json(&example_application("13800138000", emergency))
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), 201);
    let receipt: Value = response.json().await.expect("JSON");
    (
        receipt["reference"].as_str().unwrap_or_default().to_owned(),
        receipt["access_code"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
    )
}

async fn status(server: &TestServer, reference: &str, code: &str) -> String {
    let case: Value = server
        .client
        .get(server.url(&format!("/api/v1/applications/{reference}")))
        .header("x-access-code", code)
        .send()
        .await
        .expect("GET")
        .json()
        .await
        .expect("JSON");
    case["status"].as_str().unwrap_or_default().to_owned()
}

async fn act(
    server: &TestServer,
    cookie: &str,
    reference: &str,
    form: &[(&str, &str)],
) -> (u16, String) {
    let response = server
        .post_form(&format!("/staff/cases/{reference}/act"), form, Some(cookie))
        .await;
    let status = response.status().as_u16();
    (status, response.text().await.unwrap_or_default())
}

async fn page(server: &TestServer, path: &str, cookie: &str) -> String {
    server
        .get_with_cookie(path, cookie)
        .await
        .text()
        .await
        .unwrap_or_default()
}

async fn advance_help_needs_an_emergency_and_stays_within_the_cap(db: TestDatabase) {
    let server = TestServer::start(db).await;
    let caseworker = server
        .staff_session("wang.li", Role::Caseworker, County::Rencheng)
        .await;
    let (plain, plain_code) = submit(&server, Value::Null).await;
    let form = page(&server, &format!("/staff/cases/{plain}"), &caseworker).await;
    assert!(
        !form.contains("value=\"record_advance\""),
        "no advance is offered without an emergency"
    );
    // Posted all the same (an old page, a crafted form): refused beside the amount.
    let (code, html) = act(
        &server,
        &caseworker,
        &plain,
        &[
            ("action", "record_advance"),
            ("amount", "500"),
            ("note", ""),
        ],
    )
    .await;
    assert_eq!(code, 422);
    assert!(html.contains("data-problem=\"no_emergency\""), "{html}");
    assert!(html.contains("href=\"#record_advance-amount\""));
    assert_eq!(status(&server, &plain, &plain_code).await, "submitted");

    // One person in town: ¥980 in all. ¥800 now, then ¥200 more would pass the cap.
    let (fire, fire_code) = submit(&server, json!({"kind":"fire","urgency":"critical"})).await;
    let (code, _) = act(
        &server,
        &caseworker,
        &fire,
        &[
            ("action", "record_advance"),
            ("amount", "800"),
            ("note", "送去棉被和 800 元"),
        ],
    )
    .await;
    assert_eq!(code, 303);
    let form = page(&server, &format!("/staff/cases/{fire}"), &caseworker).await;
    assert!(
        form.contains(&tr::case_advance_left(
            Lang::Zh,
            format_yuan(980.0),
            format_yuan(800.0),
            format_yuan(180.0)
        )),
        "the form says what is left: {form}"
    );
    let (code, html) = act(
        &server,
        &caseworker,
        &fire,
        &[
            ("action", "record_advance"),
            ("amount", "200"),
            ("note", ""),
        ],
    )
    .await;
    assert_eq!(code, 422);
    assert!(html.contains(&tr::case_problem_advance_over_paid(
        Lang::Zh,
        format_yuan(800.0),
        format_yuan(980.0),
        format_yuan(180.0)
    )));
    let (code, _) = act(
        &server,
        &caseworker,
        &fire,
        &[
            ("action", "record_advance"),
            ("amount", "180"),
            ("note", "补足"),
        ],
    )
    .await;
    assert_eq!(code, 303, "a second advance within the cap");
    assert_eq!(status(&server, &fire, &fire_code).await, "advance_paid");
    let file = page(&server, &format!("/staff/cases/{fire}"), &caseworker).await;
    assert!(file.contains("¥980"), "the advances add up on the case");
}

on_both_databases!(
    advances_sqlite,
    advances_postgres,
    advance_help_needs_an_emergency_and_stays_within_the_cap
);

async fn a_caseworker_cannot_end_a_case_alone(db: TestDatabase) {
    let server = TestServer::start(db).await;
    let caseworker = server
        .staff_session("wang.li", Role::Caseworker, County::Rencheng)
        .await;
    let supervisor = server
        .staff_session("li.na", Role::Supervisor, County::Rencheng)
        .await;
    let (reference, code) = submit(&server, Value::Null).await;
    let case_page = format!("/staff/cases/{reference}");
    assert!(!page(&server, &case_page, &caseworker)
        .await
        .contains("value=\"withdraw\""));
    let (refused, html) = act(
        &server,
        &caseworker,
        &reference,
        &[("action", "withdraw"), ("note", "")],
    )
    .await;
    assert_eq!(refused, 422);
    assert!(html.contains("data-problem=\"needs_supervisor\""), "{html}");
    assert_eq!(status(&server, &reference, &code).await, "submitted");
    let (refused, html) = act(
        &server,
        &supervisor,
        &reference,
        &[("action", "withdraw"), ("note", "  ")],
    )
    .await;
    assert_eq!(refused, 422);
    assert!(html.contains("data-problem=\"reason\""));
    assert!(page(&server, &case_page, &supervisor)
        .await
        .contains("id=\"withdraw-note\" aria-required=\"true\""));
    let (done, _) = act(
        &server,
        &supervisor,
        &reference,
        &[("action", "withdraw"), ("note", "申请人到窗口书面申请撤回")],
    )
    .await;
    assert_eq!(done, 303);
    assert_eq!(status(&server, &reference, &code).await, "withdrawn");

    let (referred, referred_code) = submit(&server, Value::Null).await;
    let (done, _) = act(
        &server,
        &caseworker,
        &referred,
        &[
            ("action", "refer"),
            ("organisation", "city-jsj-fund"),
            ("referral_consent", "yes"),
            ("note", "需要长期帮扶"),
        ],
    )
    .await;
    assert_eq!(done, 303);
    let (refused, _) = act(
        &server,
        &caseworker,
        &referred,
        &[("action", "close"), ("note", "已转介")],
    )
    .await;
    assert_eq!(refused, 422, "closing the referral alone");
    assert_eq!(status(&server, &referred, &referred_code).await, "referred");
    let (done, _) = act(
        &server,
        &supervisor,
        &referred,
        &[("action", "close"), ("note", "慈善总会已接手帮扶")],
    )
    .await;
    assert_eq!(done, 303);
    assert_eq!(status(&server, &referred, &referred_code).await, "closed");
}

on_both_databases!(
    ending_sqlite,
    ending_postgres,
    a_caseworker_cannot_end_a_case_alone
);

async fn the_resident_withdraws_their_own_application(db: TestDatabase) {
    let server = TestServer::start(db).await;
    let (reference, code) = submit(&server, Value::Null).await;
    let opened = server
        .post_form(
            "/track",
            &[("reference", &reference), ("access_code", &code)],
            None,
        )
        .await;
    assert_eq!(opened.status(), 200);
    let session = cookie(&opened, COOKIE_NAME)
        .and_then(|c| c.split(';').next().map(str::to_owned))
        .expect("a session");
    let html = opened.text().await.unwrap_or_default();
    let action = format!("/track/cases/{reference}/withdraw");
    assert!(html.contains(&format!("action=\"{action}\"")), "{html}");

    // Another browser cannot withdraw it.
    let stranger = server
        .post_form(&action, &[("confirm", "yes"), ("reason", "")], None)
        .await;
    assert_eq!(stranger.status(), 404);
    // Without the confirmation nothing happens, and the page says why.
    let unconfirmed = server
        .post_form(&action, &[("reason", "不需要了")], Some(&session))
        .await;
    assert_eq!(unconfirmed.status(), 422);
    let html = unconfirmed.text().await.unwrap_or_default();
    assert!(html.contains("data-problem=\"confirm\""), "{html}");
    assert!(html.contains("不需要了"), "what was typed is kept");
    assert_eq!(status(&server, &reference, &code).await, "submitted");

    let withdrawn = server
        .post_form(
            &action,
            &[("confirm", "yes"), ("reason", "家里情况好转了")],
            Some(&session),
        )
        .await;
    assert_eq!(withdrawn.status(), 303);
    let next = location(&withdrawn).expect("the case page");
    let html = page(&server, &next, &session).await;
    assert!(html.contains("data-notice=\"withdrawn\""), "{html}");
    assert!(
        html.contains("家里情况好转了"),
        "the reason is in the timeline"
    );
    assert!(
        !html.contains(&format!("action=\"{action}\"")),
        "nothing left to withdraw"
    );
    assert_eq!(status(&server, &reference, &code).await, "withdrawn");
    // Staff see who did it: the applicant, not a member of staff.
    let supervisor = server
        .staff_session("li.na", Role::Supervisor, County::Rencheng)
        .await;
    let file = page(&server, &format!("/staff/cases/{reference}"), &supervisor).await;
    assert!(file.contains("data-actor=\"applicant\""), "{file}");
    // Once withdrawn, a second try is refused beside the form.
    let again = server
        .post_form(&action, &[("confirm", "yes")], Some(&session))
        .await;
    assert_eq!(again.status(), 422);
}

on_both_databases!(
    resident_withdrawal_sqlite,
    resident_withdrawal_postgres,
    the_resident_withdraws_their_own_application
);

fn cache_control(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("cache-control")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn personal_pages_are_never_stored_and_shared_ones_keep_their_caching() {
    let server = TestServer::start(TestDatabase::sqlite().await).await;
    let (reference, code) = submit(&server, Value::Null).await;
    let staff = server
        .staff_session("wang.li", Role::Caseworker, County::Rencheng)
        .await;
    let mut checked = Vec::new();
    let mut expect = |what: &str, response: &reqwest::Response| {
        assert_eq!(cache_control(response), "no-store", "{what}");
        checked.push(what.to_owned());
    };

    let answer = server
        .post_form(
            "/track",
            &[("reference", &reference), ("access_code", &code)],
            None,
        )
        .await;
    assert_eq!(answer.status(), 200);
    expect("POST /track", &answer);
    let session = cookie(&answer, COOKIE_NAME)
        .and_then(|c| c.split(';').next().map(str::to_owned))
        .expect("a session");
    let case = server
        .get_with_cookie(&format!("/track/cases/{reference}"), &session)
        .await;
    assert_eq!(case.status(), 200);
    expect("/track/cases/…", &case);
    expect(
        "/track/phone/cases",
        &server.get_with_cookie("/track/phone/cases", &session).await,
    );
    let api = server
        .client
        .get(server.url(&format!("/api/v1/applications/{reference}")))
        .header("x-access-code", &code)
        .send()
        .await
        .expect("GET");
    assert_eq!(api.status(), 200);
    expect("GET /api/v1/applications/…", &api);
    let started = server
        .post_form("/apply/start", &[("answers", SELF_CHECK_ANSWERS)], None)
        .await;
    let draft = location(&started).expect("a draft");
    assert!(draft.starts_with("/apply/"), "{draft}");
    let draft_page = server.get(&draft).await;
    assert_eq!(draft_page.status(), 200);
    expect("/apply/{token}/…", &draft_page);
    expect(
        "/apply/{token}/… unknown",
        &server.get("/apply/not-a-token/who").await,
    );
    let queue = server.get_with_cookie("/staff", &staff).await;
    assert_eq!(queue.status(), 200);
    expect("/staff", &queue);
    expect(
        "/staff/cases/…",
        &server
            .get_with_cookie(&format!("/staff/cases/{reference}"), &staff)
            .await,
    );
    expect(
        "a page shown to a signed-in member of staff",
        &server.get_with_cookie("/check", &staff).await,
    );
    assert!(checked.len() >= 9);

    for shared in ["/", "/policies", "/policies/dibao"] {
        let response = server.get(shared).await;
        assert_eq!(response.status(), 200, "{shared}");
        assert!(
            !cache_control(&response).contains("no-store"),
            "{shared} stays cacheable"
        );
    }
}

/// Stores `count` applications of one household straight through the store (as a flood of API
/// submissions would), the `n`-th with this name and phone where given.
async fn flood(server: &TestServer, count: u32, special: &[(u32, &str, &str)]) {
    for n in 0..count {
        let mut body = example_application("13800138000", Value::Null);
        if let Some((_, name, phone)) = special.iter().find(|(at, _, _)| *at == n) {
            body["applicant"]["name"] = json!(name);
            body["applicant"]["phone"] = json!(phone);
        }
        let key: IdempotencyKey = format!("00000000-0000-4000-8000-{n:012}")
            .parse()
            .expect("a key");
        server
            .store
            .submit_application(
                &read_application(&body).expect("valid"),
                &key,
                &n.to_string(),
            )
            .await
            .expect("stored");
    }
}

fn entries(html: &str) -> usize {
    html.matches("class=\"queue-item").count()
}

async fn the_queue_pages_by_fifty_and_finds_a_case_by_reference_name_or_phone(db: TestDatabase) {
    let server = TestServer::start(db).await;
    let caseworker = server
        .staff_session("wang.li", Role::Caseworker, County::Rencheng)
        .await;
    flood(&server, 104, &[(60, "李四", "13900139000")]).await;
    let (fire, _) = submit(&server, json!({"kind":"fire","urgency":"critical"})).await;

    let first = page(&server, "/staff", &caseworker).await;
    assert_eq!(entries(&first), 50);
    assert!(
        first.contains("data-total=\"105\" data-page=\"1\" data-pages=\"3\""),
        "{first}"
    );
    assert!(first.contains("href=\"/staff?page=2\""), "a next page");
    assert!(!first.contains("rel=\"prev\""));
    assert!(
        first.find(&fire) < first.find("JSJ-2026-000001").or(Some(usize::MAX)),
        "the real emergency leads, not buried under the flood"
    );
    assert!(
        first.contains("method=\"get\" action=\"/staff\""),
        "a search without JS"
    );
    let last = page(&server, "/staff?page=3", &caseworker).await;
    assert_eq!(entries(&last), 5);
    assert!(last.contains("href=\"/staff?page=2\""), "a previous page");
    assert!(!last.contains("rel=\"next\""));
    assert_eq!(
        entries(&page(&server, "/staff?page=99", &caseworker).await),
        5,
        "past the end shows the last page"
    );
    assert_eq!(
        entries(&page(&server, "/staff?page=abc", &caseworker).await),
        50
    );

    let by_name = page(&server, "/staff?q=%E6%9D%8E%20%E5%9B%9B", &caseworker).await;
    assert_eq!(entries(&by_name), 1, "李 四 finds 李四: {by_name}");
    assert!(by_name.contains("李四") && by_name.contains("data-total=\"1\""));
    let by_phone = page(&server, "/staff?q=139+0013+9000", &caseworker).await;
    assert_eq!(entries(&by_phone), 1);
    assert!(by_phone.contains("李四"));
    let by_reference = page(
        &server,
        &format!("/staff?q={}", fire.to_ascii_lowercase()),
        &caseworker,
    )
    .await;
    assert_eq!(entries(&by_reference), 1);
    assert!(by_reference.contains(&format!("/staff/cases/{fire}")));
    let many = page(&server, "/staff?q=%E5%BC%A0%E4%B8%89&page=2", &caseworker).await;
    assert!(
        many.contains("data-total=\"104\" data-page=\"2\" data-pages=\"3\""),
        "{many}"
    );
    assert!(
        many.contains("href=\"/staff?page=3&amp;q=%E5%BC%A0%E4%B8%89\""),
        "paging keeps the search: {many}"
    );
    let bad = page(&server, "/staff?q=1390013900", &caseworker).await;
    assert!(bad.contains("data-problem=\"phone\""), "{bad}");
    assert!(bad.contains("href=\"#queue-search\""));

    // Staff of another county see none of it, searched or not.
    let elsewhere = server
        .staff_session("zhou.qu", Role::Caseworker, County::Qufu)
        .await;
    let theirs = page(&server, "/staff?q=%E6%9D%8E%E5%9B%9B", &elsewhere).await;
    assert_eq!(entries(&theirs), 0);
    assert!(
        !theirs.contains("/staff/cases/"),
        "no case of another county"
    );
    assert!(theirs.contains("data-notice=\"none_found\""));
    assert_eq!(entries(&page(&server, "/staff", &elsewhere).await), 0);
}

on_both_databases!(
    queue_sqlite,
    queue_postgres,
    the_queue_pages_by_fifty_and_finds_a_case_by_reference_name_or_phone
);

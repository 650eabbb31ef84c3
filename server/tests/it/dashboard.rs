//! `/staff/dashboard`: supervisors and administrators see cases and deadlines per county; other
//! staff get 403 and the signed-out are sent to sign in. Every view is audited.

use app::counties::county_name;
use app::i18n::{tr, Lang};
use casework::County;
use serde_json::{json, Value};
use store::audit::AuditVerification;
use store::on_both_databases;
use store::staff::Role;
use store::testing::{example_application, TestDatabase};

use crate::common::{self, TestServer};

/// The §6 example in `county`, with an emergency of `urgency` if any and every document given.
fn application(county: &str, urgency: Option<&str>) -> Value {
    let emergency = urgency.map(|u| json!({"kind":"fire","urgency":u}));
    let mut body = example_application("13800138000", json!(emergency));
    body["applicant"]["county"] = json!(county);
    body["applicant"]["address"] = json!("某街道 1 号");
    body["consents"]["applicant_confirmed"] = json!(true);
    body["missing_documents"] = json!([]);
    body
}

async fn submit(server: &TestServer, key: &str, body: &Value) {
    assert_eq!(server.post_application(Some(key), body).await.0, 201);
}

async fn audit_entries(server: &TestServer) -> u64 {
    match server.store.verify_audit_log().await.expect("audit log") {
        AuditVerification::Intact { entries } => entries,
        broken => panic!("the audit log is broken: {broken:?}"),
    }
}

async fn supervisors_see_the_figures_and_other_staff_are_refused(db: TestDatabase) {
    let server = TestServer::start(db).await;
    // Submitted three hours ago (the clock goes back to now before anyone signs in, since
    // sessions expire by the wall clock).
    server.clock.advance(time::Duration::hours(-3));
    submit(
        &server,
        "11111111-1111-4111-8111-111111111111",
        &application("任城区", Some("critical")),
    )
    .await;
    submit(
        &server,
        "22222222-2222-4222-8222-222222222222",
        &application("任城区", None),
    )
    .await;
    submit(
        &server,
        "33333333-3333-4333-8333-333333333333",
        &application("曲阜市", Some("urgent")),
    )
    .await;
    // The 2-hour emergency is now past its deadline without help; the 24-hour one is not yet.
    server.clock.advance(time::Duration::hours(3));

    let supervisor = server
        .staff_session("li.na", Role::Supervisor, County::Rencheng)
        .await;
    let workspace = server.get_with_cookie("/staff", &supervisor).await;
    assert!(workspace
        .text()
        .await
        .unwrap()
        .contains(r#"href="/staff/dashboard""#));

    let before = audit_entries(&server).await;
    let page = server
        .get_with_cookie("/staff/dashboard", &supervisor)
        .await;
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert_eq!(
        audit_entries(&server).await,
        before + 1,
        "the view is audited"
    );
    assert!(
        page.contains(&format!("<h1>{}</h1>", tr::dashboard_title(Lang::Zh))),
        "{page}"
    );
    assert!(
        page.contains(&tr::dashboard_own_county(
            Lang::Zh,
            county_name(Lang::Zh, County::Rencheng)
        )),
        "the own county is marked in words"
    );
    assert!(
        page.contains("data-county=\"rencheng\" data-total=\"2\""),
        "任城区's bar says its total"
    );
    assert!(page.contains("0% · 0/1"), "the missed 2-hour emergency");
    assert!(
        page.contains("data-overdue-own=\"1\""),
        "one overdue now in the own county"
    );
    assert!(
        page.contains(tr::dashboard_none_measured(Lang::Zh)),
        "the 24-hour one is still in its window"
    );
    assert!(
        page.contains(r#"<caption id="dash-states-caption">"#)
            && page.contains(tr::dashboard_states_caption(Lang::Zh))
    );
    assert!(
        page.contains("梁山县"),
        "every county, also those without cases"
    );
    assert!(
        !page.contains("张三") && !page.contains("13800138000"),
        "no personal data"
    );
    assert!(page.contains(r#"<option value="30d" selected"#));

    let all_time = server
        .get_with_cookie("/staff/dashboard?period=all", &supervisor)
        .await
        .text()
        .await
        .unwrap();
    assert!(all_time.contains(r#"<option value="all" selected"#));
    let unknown = server
        .get_with_cookie("/staff/dashboard?period=forever", &supervisor)
        .await;
    assert_eq!(
        unknown.status(),
        200,
        "an unknown period falls back to 30 days"
    );

    let admin = server
        .staff_session("admin.wu", Role::Admin, County::Qufu)
        .await;
    let page = server.get_with_cookie("/staff/dashboard", &admin).await;
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert!(
        page.contains(&tr::dashboard_own_county(
            Lang::Zh,
            county_name(Lang::Zh, County::Qufu)
        )) && page.contains("data-county=\"qufu\" data-total=\"1\"")
    );

    for (username, role) in [("wang.li", Role::Caseworker), ("zhao.v", Role::Volunteer)] {
        let session = server.staff_session(username, role, County::Rencheng).await;
        let workspace = server.get_with_cookie("/staff", &session).await;
        assert!(!workspace
            .text()
            .await
            .unwrap()
            .contains(r#"href="/staff/dashboard""#));
        let before_refusal = audit_entries(&server).await;
        let page = server.get_with_cookie("/staff/dashboard", &session).await;
        assert_eq!(page.status(), 403, "{username}");
        assert_eq!(
            audit_entries(&server).await,
            before_refusal,
            "a refusal shows and records nothing"
        );
        let page = page.text().await.unwrap();
        assert!(page.contains("data-error=\"forbidden\""));
        assert!(!page.contains("data-total=\"2\""));
    }

    let anonymous = server.get("/staff/dashboard").await;
    assert_eq!(
        common::location(&anonymous).as_deref(),
        Some("/staff/login")
    );
}

on_both_databases!(
    dashboard_sqlite,
    dashboard_postgres,
    supervisors_see_the_figures_and_other_staff_are_refused
);

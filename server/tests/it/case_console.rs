//! The caseworkers' console over HTTP: who may read and act on a case (the access-control matrix),
//! the case page's steps and messages as forms, and the resident's tracking page following along.

use app::i18n::{format_yuan, tr, Lang};
use casework::County;
use serde_json::{json, Value};
use store::on_both_databases;
use store::staff::Role;
use store::testing::{example_application, TestDatabase};

use crate::common::{self, location, TestServer};

/// Submits through the public API; the reference and the access code.
async fn submit(server: &TestServer, key: &str, emergency: Value) -> (String, String) {
    let response = server
        .client
        .post(server.url("/api/v1/applications"))
        .header("idempotency-key", key)
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

async fn track(server: &TestServer, reference: &str, code: &str) -> (u16, Value) {
    let response = server
        .client
        .get(server.url(&format!("/api/v1/applications/{reference}")))
        .header("x-access-code", code)
        .send()
        .await
        .expect("GET");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn act(
    server: &TestServer,
    cookie: &str,
    reference: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    server
        .post_form(&format!("/staff/cases/{reference}/act"), form, Some(cookie))
        .await
}

/// Who tries, and what they may do: (read the case, act on it).
async fn the_access_matrix_holds(db: TestDatabase) {
    let server = TestServer::start(db).await;
    let (reference, code) =
        submit(&server, "11111111-2222-4333-8444-555555555555", Value::Null).await;
    let case_page = format!("/staff/cases/{reference}");

    // Residents: with the code they read; without it, or with a wrong one, nothing is there.
    assert_eq!(track(&server, &reference, &code).await.0, 200);
    assert_eq!(track(&server, &reference, "00000000").await.0, 404);
    assert_eq!(track(&server, &reference, "").await.0, 404);
    // Nobody signed in: the case page sends them to sign in, and a step changes nothing.
    let anonymous = server.get(&case_page).await;
    assert_eq!(anonymous.status(), 303);
    assert_eq!(location(&anonymous).as_deref(), Some("/staff/login"));
    let anonymous_act = server
        .post_form(
            &format!("{case_page}/act"),
            &[("action", "accept"), ("note", "")],
            None,
        )
        .await;
    assert_eq!(anonymous_act.status(), 303);

    let matrix = [
        ("volunteer", Role::Volunteer, County::Rencheng, 403, 403),
        ("other.caseworker", Role::Caseworker, County::Qufu, 403, 403),
        ("other.supervisor", Role::Supervisor, County::Qufu, 403, 403),
        ("caseworker", Role::Caseworker, County::Rencheng, 200, 303),
        ("supervisor", Role::Supervisor, County::Rencheng, 200, 303),
        ("admin", Role::Admin, County::Rencheng, 200, 303),
    ];
    for (username, role, county, read, acted) in matrix {
        let cookie = server.staff_session(username, role, county).await;
        let page = server.get_with_cookie(&case_page, &cookie).await;
        assert_eq!(page.status(), read, "{username} reads");
        let html = page.text().await.unwrap_or_default();
        assert_eq!(
            html.contains("11010519491231002X"),
            read == 200,
            "{username} sees the ID number"
        );
        // Each allowed member of staff moves the case one step along.
        let action = match username {
            "caseworker" => "accept",
            "supervisor" => "start_verification",
            _ => "start_home_visit",
        };
        let step = act(
            &server,
            &cookie,
            &reference,
            &[("action", action), ("note", "")],
        )
        .await;
        assert_eq!(step.status(), acted, "{username} acts");
        let message = server
            .post_form(
                &format!("{case_page}/message"),
                &[("message", "您好")],
                Some(&cookie),
            )
            .await;
        assert_eq!(
            message.status(),
            acted,
            "{username} writes to the applicant"
        );
    }
    let (_, case) = track(&server, &reference, &code).await;
    let states: Vec<&str> = case["timeline"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["state"].as_str())
        .collect();
    assert_eq!(
        states,
        ["submitted", "accepted", "verifying", "home_visit"],
        "only the allowed steps happened"
    );
    assert_eq!(case["messages"].as_array().map(Vec::len), Some(3));
    // Every look at the case by staff is in the audit log.
    let views = server
        .store
        .audit_entries_of(&reference)
        .await
        .expect("audit")
        .iter()
        .filter(|(action, _)| action == "case.view")
        .count();
    assert!(views >= 3, "{views} audited views");
}

on_both_databases!(matrix_sqlite, matrix_postgres, the_access_matrix_holds);

async fn the_case_page_moves_a_case_to_approval_and_the_resident_sees_each_step(db: TestDatabase) {
    let server = TestServer::start(db).await;
    let (reference, code) =
        submit(&server, "21111111-2222-4333-8444-555555555555", Value::Null).await;
    let caseworker = server
        .staff_session("wang.li", Role::Caseworker, County::Rencheng)
        .await;
    server
        .create_staff("liu.qiang", Role::Caseworker, County::Rencheng)
        .await;
    let supervisor = server
        .staff_session("li.na", Role::Supervisor, County::Rencheng)
        .await;

    let page = server
        .get_with_cookie(&format!("/staff/cases/{reference}"), &caseworker)
        .await
        .text()
        .await
        .unwrap_or_default();
    assert!(
        page.contains(r#"name="action" value="accept""#)
            && page.contains(tr::case_trail_heading(Lang::Zh)),
        "the steps and the recomputed trail"
    );
    assert!(
        page.contains(tr::check_programme_dibao(Lang::Zh)),
        "the trail names the programmes"
    );

    let accepted = act(
        &server,
        &caseworker,
        &reference,
        &[("action", "accept"), ("note", "材料容缺受理")],
    )
    .await;
    assert_eq!(
        location(&accepted).as_deref(),
        Some(format!("/staff/cases/{reference}?done=accept").as_str())
    );
    let (_, case) = track(&server, &reference, &code).await;
    assert_eq!(case["status"], "accepted");
    assert_eq!(case["next_deadline"]["kind"], "decision");
    assert_eq!(case["next_actor"], "staff");

    for action in ["start_verification", "start_home_visit"] {
        assert_eq!(
            act(
                &server,
                &caseworker,
                &reference,
                &[("action", action), ("note", "")]
            )
            .await
            .status(),
            303
        );
    }
    // The second visitor's password must be right; the page says so beside the field.
    let refused = act(
        &server,
        &caseworker,
        &reference,
        &[
            ("action", "record_home_visit"),
            ("second_username", "liu.qiang"),
            ("second_password", "wrong"),
            ("note", ""),
        ],
    )
    .await;
    assert_eq!(refused.status(), 422);
    let html = refused.text().await.unwrap_or_default();
    assert!(html.contains("data-problem=\"second_login\""), "{html}");
    assert!(
        html.contains("href=\"#record_home_visit-second_password\""),
        "the summary links to the field"
    );
    assert_eq!(
        track(&server, &reference, &code).await.1["status"],
        "home_visit",
        "nothing changed"
    );
    let visited = act(
        &server,
        &caseworker,
        &reference,
        &[
            ("action", "record_home_visit"),
            ("second_username", "liu.qiang"),
            ("second_password", common::PASSWORD),
            ("note", ""),
        ],
    )
    .await;
    assert_eq!(visited.status(), 303);
    assert_eq!(
        act(
            &server,
            &caseworker,
            &reference,
            &[("action", "start_public_notice"), ("note", "")]
        )
        .await
        .status(),
        303
    );
    // Approving needs the notice to be over, and a reason.
    let early = act(
        &server,
        &supervisor,
        &reference,
        &[("action", "approve"), ("note", "符合条件")],
    )
    .await;
    assert_eq!(early.status(), 422);
    assert!(early
        .text()
        .await
        .unwrap_or_default()
        .contains("data-problem=\"notice_running\""));
    // A week passes (in the database: moving the server's clock would end the staff sessions).
    server
        .db
        .execute_raw("UPDATE applications SET notice_ends_at = notice_ends_at - 604800")
        .await;
    let no_reason = act(
        &server,
        &supervisor,
        &reference,
        &[("action", "approve"), ("note", "")],
    )
    .await;
    assert_eq!(no_reason.status(), 422);
    assert!(no_reason
        .text()
        .await
        .unwrap_or_default()
        .contains("data-problem=\"reason\""));
    // A caseworker is not offered the decision, and is refused it.
    let caseworker_page = server
        .get_with_cookie(&format!("/staff/cases/{reference}"), &caseworker)
        .await
        .text()
        .await
        .unwrap_or_default();
    assert!(!caseworker_page.contains("value=\"approve\""));
    let approved = act(
        &server,
        &supervisor,
        &reference,
        &[("action", "approve"), ("note", "符合低保条件，每月 680 元")],
    )
    .await;
    assert_eq!(approved.status(), 303);

    let (_, case) = track(&server, &reference, &code).await;
    assert_eq!(case["status"], "approved");
    let timeline: Vec<&str> = case["timeline"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["state"].as_str())
        .collect();
    assert_eq!(
        timeline,
        [
            "submitted",
            "accepted",
            "verifying",
            "home_visit",
            "review",
            "public_notice",
            "approved"
        ]
    );
    assert_eq!(case["timeline"][6]["note"], "符合低保条件，每月 680 元");
    let tracked = server
        .post_form(
            "/track",
            &[("reference", &reference), ("access_code", &code)],
            None,
        )
        .await
        .text()
        .await
        .unwrap_or_default();
    assert!(
        tracked.contains("data-status=\"approved\"") && tracked.contains("符合低保条件"),
        "the resident's page follows"
    );
}

on_both_databases!(
    approval_sqlite,
    approval_postgres,
    the_case_page_moves_a_case_to_approval_and_the_resident_sees_each_step
);

async fn an_emergency_shows_its_clock_and_advance_help_is_capped(db: TestDatabase) {
    let server = TestServer::start(db).await;
    let (reference, code) = submit(
        &server,
        "31111111-2222-4333-8444-555555555555",
        json!({"kind":"fire","urgency":"critical"}),
    )
    .await;
    let caseworker = server
        .staff_session("wang.li", Role::Caseworker, County::Rencheng)
        .await;
    let queue = server
        .get_with_cookie("/staff", &caseworker)
        .await
        .text()
        .await
        .unwrap_or_default();
    assert!(queue.contains("data-urgency=\"critical\""), "{queue}");
    assert!(
        queue.contains(&tr::case_clock_left(Lang::Zh, 1, 59))
            || queue.contains(&tr::case_clock_left(Lang::Zh, 2, 0)),
        "the clock runs"
    );
    // 2 hours 15 minutes pass (in the database: moving the server's clock would end the session).
    server
        .db
        .execute_raw("UPDATE applications SET advance_due_at = advance_due_at - 8100")
        .await;
    let queue = server
        .get_with_cookie("/staff", &caseworker)
        .await
        .text()
        .await
        .unwrap_or_default();
    assert!(
        queue.contains(&tr::case_clock_late(Lang::Zh, 0, 15)),
        "overdue is marked: {queue}"
    );
    // One person in an urban household: the quick-relief cap is one month of ¥980.
    let over = act(
        &server,
        &caseworker,
        &reference,
        &[
            ("action", "record_advance"),
            ("amount", "1000"),
            ("note", ""),
        ],
    )
    .await;
    assert_eq!(over.status(), 422);
    assert!(over
        .text()
        .await
        .unwrap_or_default()
        .contains(&tr::case_problem_amount_over(Lang::Zh, format_yuan(980.0))));
    let bad = act(
        &server,
        &caseworker,
        &reference,
        &[
            ("action", "record_advance"),
            ("amount", "很多"),
            ("note", ""),
        ],
    )
    .await;
    assert_eq!(bad.status(), 422);
    let paid = act(
        &server,
        &caseworker,
        &reference,
        &[
            ("action", "record_advance"),
            ("amount", "８００元"),
            ("note", "送去棉被和 800 元"),
        ],
    )
    .await;
    assert_eq!(paid.status(), 303);
    let (_, case) = track(&server, &reference, &code).await;
    assert_eq!(case["status"], "advance_paid");
    assert_eq!(case["next_deadline"]["kind"], "accept");
    let page = server
        .get_with_cookie(&format!("/staff/cases/{reference}"), &caseworker)
        .await
        .text()
        .await
        .unwrap_or_default();
    assert!(page.contains("¥800"), "the advance paid is on the case");
}

on_both_databases!(
    emergency_sqlite,
    emergency_postgres,
    an_emergency_shows_its_clock_and_advance_help_is_capped
);

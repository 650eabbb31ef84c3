//! Follow-through (跟踪转介) and finishing at the window, over HTTP on both databases: duty alerts
//! for emergencies and their escalation, referrals to a partner of the directory that are chased
//! and come back with an outcome the resident sees, 一事一议 as a procedure with its record, the
//! windows finder, and the printable documents.

use casework::County;
use serde_json::{json, Value};
use store::on_both_databases;
use store::outbox::OutboxMessage;
use store::staff::Role;
use store::testing::{example_application, TestDatabase};
use store::Store;

use crate::common::{cookie, location, TestServer};

async fn submit(server: &TestServer, key: &str, emergency: Value) -> (String, String) {
    let (status, receipt) = server
        .post_application(Some(key), &example_application("13800138000", emergency))
        .await;
    assert_eq!(status, 201);
    let text = |field: &str| receipt[field].as_str().unwrap_or_default().to_owned();
    (text("reference"), text("access_code"))
}

/// The messages waiting in the outbox: (to, message).
async fn outbox(store: &Store) -> Vec<(String, OutboxMessage)> {
    store
        .due_messages(500)
        .await
        .expect("the outbox")
        .into_iter()
        .filter_map(|m| Some((m.recipient.clone(), m.message().ok()?)))
        .collect()
}

async fn audited(store: &Store, reference: &str, action: &str) -> usize {
    store
        .audit_entries_of(reference)
        .await
        .expect("the audit log")
        .iter()
        .filter(|(a, _)| a == action)
        .count()
}

/// Sets a member's duty on the duty page; the answer.
async fn set_duty(
    server: &TestServer,
    cookie: &str,
    member: i64,
    phone: &str,
    on: bool,
) -> reqwest::Response {
    let mut form = vec![("phone", phone)];
    if on {
        form.push(("on_duty", "on"));
    }
    server
        .post_form(&format!("/staff/duty/{member}"), &form, Some(cookie))
        .await
}

async fn staff_id(store: &Store, username: &str) -> i64 {
    let rows = store
        .duty_roster(&store::staff::StaffUser {
            id: 0,
            username: String::new(),
            display_name: String::new(),
            role: Role::Supervisor,
            county: County::Rencheng,
        })
        .await
        .expect("the roster");
    rows.iter()
        .find(|line| line.username == username)
        .expect("the account")
        .id
}

/// A critical emergency texts the county's caseworker on duty at once; nobody accepting it in
/// the workflow file's 30 minutes texts the supervisors, once; an accepted one is not raised.
async fn a_critical_emergency_not_accepted_in_time_alerts_the_supervisor(db: TestDatabase) {
    let server = TestServer::start(db).await;
    let store = &server.store;
    let supervisor = server
        .staff_session("zhao.min", Role::Supervisor, County::Rencheng)
        .await;
    let caseworker = server
        .staff_session("wang.li", Role::Caseworker, County::Rencheng)
        .await;
    let wang = staff_id(store, "wang.li").await;
    let zhao = staff_id(store, "zhao.min").await;

    // The duty page: a caseworker sees it but cannot set it; a wrong phone is refused beside
    // its box; someone on duty needs a phone.
    let page = server.staff_page("/staff/duty", &caseworker).await;
    assert!(page.contains("data-nobody-on-duty"), "{page}");
    assert_eq!(
        set_duty(&server, &caseworker, wang, "13900001111", true)
            .await
            .status(),
        403
    );
    let refused = set_duty(&server, &supervisor, wang, "1390000", true).await;
    assert_eq!(refused.status(), 422);
    assert!(refused
        .text()
        .await
        .expect("a page")
        .contains("data-problem=\"phone\""));
    let refused = set_duty(&server, &supervisor, wang, "", true).await;
    assert_eq!(refused.status(), 422);
    assert!(refused
        .text()
        .await
        .expect("a page")
        .contains("data-problem=\"phone_required\""));
    assert_eq!(
        set_duty(&server, &supervisor, wang, "13900001111", true)
            .await
            .status(),
        303
    );
    assert_eq!(
        set_duty(&server, &supervisor, zhao, "13900002222", false)
            .await
            .status(),
        303
    );
    let page = server.staff_page("/staff/duty", &supervisor).await;
    assert!(page.contains("data-on-duty=\"1\""), "{page}");

    // The emergency comes in: the caseworker on duty is texted at once, in the same moment.
    let (critical, _) = submit(
        &server,
        "41111111-2222-4333-8444-555555555555",
        json!({"kind":"fire","urgency":"critical"}),
    )
    .await;
    let alerts: Vec<_> = outbox(store)
        .await
        .into_iter()
        .filter(|(_, m)| matches!(m, OutboxMessage::DutyAlert { reference, .. } if *reference == critical))
        .collect();
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0].0, "13900001111");
    assert_eq!(audited(store, &critical, "duty.alert").await, 1);

    // A second emergency, accepted in time, is never raised.
    let (accepted, _) = submit(
        &server,
        "41111111-2222-4333-8444-555555555556",
        json!({"kind":"accident","urgency":"urgent"}),
    )
    .await;
    let done = server
        .post_form(
            &format!("/staff/cases/{accepted}/act"),
            &[("action", "accept"), ("note", "")],
            Some(&caseworker),
        )
        .await;
    assert_eq!(done.status(), 303);

    // 29 minutes: nothing yet.
    server.clock.advance(time::Duration::minutes(29));
    server::duty::sweep(store).await;
    let escalations = |messages: Vec<(String, OutboxMessage)>| {
        messages
            .into_iter()
            .filter(|(_, m)| matches!(m, OutboxMessage::DutyEscalation { .. }))
            .collect::<Vec<_>>()
    };
    assert!(escalations(outbox(store).await).is_empty());
    // 31 minutes: the supervisor is texted about the critical one only, and only once, even
    // with two instances sweeping.
    server.clock.advance(time::Duration::minutes(2));
    let beside = server.start_beside().await;
    tokio::join!(
        server::duty::sweep(store),
        server::duty::sweep(&beside.store)
    );
    let raised = escalations(outbox(store).await);
    assert_eq!(raised.len(), 1, "{raised:?}");
    assert_eq!(raised[0].0, "13900002222");
    assert!(
        matches!(&raised[0].1, OutboxMessage::DutyEscalation { reference, minutes } if *reference == critical && *minutes == 31)
    );
    assert_eq!(audited(store, &critical, "duty.escalate").await, 1);
    assert_eq!(audited(store, &accepted, "duty.escalate").await, 0);
    server::duty::sweep(store).await;
    assert_eq!(escalations(outbox(store).await).len(), 1);
}

on_both_databases!(
    duty_sqlite,
    duty_postgres,
    a_critical_emergency_not_accepted_in_time_alerts_the_supervisor
);

/// Refers a case to a partner on the case page (as a caseworker does, with the consent).
async fn refer(
    server: &TestServer,
    cookie: &str,
    reference: &str,
    partner: &str,
) -> reqwest::Response {
    server
        .post_form(
            &format!("/staff/cases/{reference}/act"),
            &[
                ("action", "refer"),
                ("organisation", partner),
                ("referral_consent", "yes"),
                ("note", "家中失火，转慈善救急难"),
            ],
            Some(cookie),
        )
        .await
}

/// A referral names a partner of the directory and waits for its answer; without one by its
/// date the caseworker is reminded, then the supervisors; the outcome reaches the resident.
async fn a_referral_without_an_answer_is_escalated_and_its_outcome_reaches_the_resident(
    db: TestDatabase,
) {
    let server = TestServer::start(db).await;
    let store = &server.store;
    let supervisor = server
        .staff_session("zhao.min", Role::Supervisor, County::Rencheng)
        .await;
    let caseworker = server
        .staff_session("wang.li", Role::Caseworker, County::Rencheng)
        .await;
    for (username, phone) in [("wang.li", "13900001111"), ("zhao.min", "13900002222")] {
        let id = staff_id(store, username).await;
        assert_eq!(
            set_duty(&server, &supervisor, id, phone, false)
                .await
                .status(),
            303
        );
    }
    let (answered, code) =
        submit(&server, "51111111-2222-4333-8444-555555555555", Value::Null).await;
    let (unanswered, _) =
        submit(&server, "51111111-2222-4333-8444-555555555556", Value::Null).await;
    // The county's partners are offered; another county's is refused beside the box.
    let page = server
        .staff_page(&format!("/staff/cases/{answered}"), &caseworker)
        .await;
    assert!(
        page.contains("value=\"rencheng-charity-emergency\""),
        "{page}"
    );
    assert!(!page.contains("value=\"yanzhou-charity-emergency\""));
    let refused = refer(&server, &caseworker, &answered, "yanzhou-charity-emergency").await;
    assert_eq!(refused.status(), 422);
    assert!(refused
        .text()
        .await
        .expect("a page")
        .contains("data-problem=\"organisation\""));
    for reference in [&answered, &unanswered] {
        let referred = refer(
            &server,
            &caseworker,
            reference,
            "rencheng-charity-emergency",
        )
        .await;
        assert_eq!(referred.status(), 303);
    }
    let lines = store
        .referrals_of_case(&answered)
        .await
        .expect("the referrals");
    assert_eq!(lines.len(), 1);
    let due = lines[0].answer_due_at.expect("an answer date");
    assert_eq!((due - lines[0].referred_at).whole_days(), 5);

    // The answer: helped, without saying with what, is refused; then recorded, once.
    let outcome = format!("/staff/cases/{answered}/referrals/{}", lines[0].id);
    let refused = server
        .post_form(
            &outcome,
            &[("outcome", "helped"), ("outcome_text", " "), ("amount", "")],
            Some(&caseworker),
        )
        .await;
    assert_eq!(refused.status(), 422);
    assert!(refused
        .text()
        .await
        .expect("a page")
        .contains("data-problem=\"referral_what\""));
    let recorded = server
        .post_form(
            &outcome,
            &[
                ("outcome", "helped"),
                ("outcome_text", "慈善救急难资金，已打到本人账户"),
                ("amount", "3000"),
            ],
            Some(&caseworker),
        )
        .await;
    assert_eq!(recorded.status(), 303);
    assert!(outbox(store).await.iter().any(|(to, m)| to == "13800138000"
        && matches!(m, OutboxMessage::ReferralOutcome { helped: true, .. })));
    let again = server
        .post_form(
            &outcome,
            &[("outcome", "declined"), ("outcome_text", "重复")],
            Some(&caseworker),
        )
        .await;
    assert_eq!(again.status(), 422);
    assert_eq!(audited(store, &answered, "referral.outcome").await, 1);

    // The resident sees it on the tracking page.
    let opened = server
        .post_form(
            "/track",
            &[("reference", &answered), ("access_code", &code)],
            None,
        )
        .await;
    let html = opened.text().await.expect("the page");
    assert!(html.contains("data-referral-outcome=\"helped\""), "{html}");
    assert!(html.contains("慈善救急难资金，已打到本人账户"));

    // The other one gets no answer. Within its 5 days: nothing. After: the caseworker who
    // referred is reminded; the workflow file's 3 days later, the supervisors; once each.
    let overdue = |messages: Vec<(String, OutboxMessage)>| {
        messages
            .into_iter()
            .filter_map(|(to, m)| match m {
                OutboxMessage::ReferralOverdue { escalated, .. } => Some((to, escalated)),
                _ => None,
            })
            .collect::<Vec<_>>()
    };
    server.clock.advance(time::Duration::days(4));
    server::duty::sweep(store).await;
    assert!(overdue(outbox(store).await).is_empty());
    server.clock.advance(time::Duration::days(2));
    server::duty::sweep(store).await;
    assert_eq!(
        overdue(outbox(store).await),
        vec![("13900001111".to_owned(), false)]
    );
    server.clock.advance(time::Duration::days(3));
    server::duty::sweep(store).await;
    server::duty::sweep(store).await;
    assert_eq!(
        overdue(outbox(store).await),
        vec![
            ("13900001111".to_owned(), false),
            ("13900002222".to_owned(), true)
        ]
    );
    assert_eq!(audited(store, &unanswered, "referral.remind").await, 1);
    assert_eq!(audited(store, &unanswered, "referral.escalate").await, 1);
    assert_eq!(audited(store, &answered, "referral.remind").await, 0);
    let chased = store
        .referrals_of_case(&unanswered)
        .await
        .expect("the referrals");
    assert!(chased[0].reminded && chased[0].escalated && chased[0].outcome.is_none());

    // The dashboard counts them by partner.
    let counts = store
        .referral_counts(Some(County::Rencheng))
        .await
        .expect("the counts");
    assert_eq!(counts.len(), 1);
    assert_eq!(
        (
            counts[0].helped,
            counts[0].helped_fen,
            counts[0].overdue,
            counts[0].waiting
        ),
        (1, 300_000, 1, 0)
    );
}

on_both_databases!(
    referral_sqlite,
    referral_postgres,
    a_referral_without_an_answer_is_escalated_and_its_outcome_reaches_the_resident
);

/// 一事一议: the resident describes the hardship; the case cannot be decided before the
/// meeting's record, nor against it.
async fn a_deliberation_without_a_record_cannot_be_decided(db: TestDatabase) {
    let server = TestServer::start(db).await;
    let store = &server.store;
    let supervisor = server
        .staff_session("zhao.min", Role::Supervisor, County::Rencheng)
        .await;
    let (reference, code) =
        submit(&server, "61111111-2222-4333-8444-555555555555", Value::Null).await;
    let act = format!("/staff/cases/{reference}/act");
    let sent = server
        .post_form(
            &act,
            &[
                ("action", "send_to_deliberation"),
                ("note", "收入略高于标准，家有重病人"),
            ],
            Some(&supervisor),
        )
        .await;
    assert_eq!(sent.status(), 303);
    let approve = [("action", "approve"), ("note", "同意")];
    let refused = server.post_form(&act, &approve, Some(&supervisor)).await;
    assert_eq!(refused.status(), 422);
    assert!(refused
        .text()
        .await
        .expect("a page")
        .contains("data-problem=\"no_deliberation_record\""));

    // The resident tells the hardship in her own words (empty is refused, nothing kept).
    let opened = server
        .post_form(
            "/track",
            &[("reference", &reference), ("access_code", &code)],
            None,
        )
        .await;
    let session = cookie(&opened, server::sessions::COOKIE_NAME)
        .and_then(|c| c.split(';').next().map(str::to_owned))
        .expect("a session");
    let html = opened.text().await.expect("the page");
    assert!(html.contains("name=\"hardship\""), "{html}");
    let hardship = format!("/track/cases/{reference}/hardship");
    let empty = server
        .post_form(&hardship, &[("hardship", "  ")], Some(&session))
        .await;
    assert_eq!(empty.status(), 422);
    let told = server
        .post_form(
            &hardship,
            &[("hardship", "老伴住院三个月，花了四万多，家里没有别的收入。")],
            Some(&session),
        )
        .await;
    assert_eq!(told.status(), 303);

    // The meeting: scheduled, then a record with two people is refused, then kept.
    let deliberation = format!("/staff/cases/{reference}/deliberation");
    let today = casework::beijing_date(store.clock().now()).to_string();
    let scheduled = server
        .post_form(
            &deliberation,
            &[("step", "schedule"), ("meeting_on", &today)],
            Some(&supervisor),
        )
        .await;
    assert_eq!(scheduled.status(), 303);
    let page = server
        .staff_page(&format!("/staff/cases/{reference}"), &supervisor)
        .await;
    assert!(page.contains("老伴住院三个月"), "{page}");
    assert!(page.contains(&format!("data-meeting-on=\"{today}\"")));
    let record = |members: &'static str| {
        vec![
            ("step", "record"),
            ("held_on", today.as_str()),
            ("members", members),
            ("minutes", "核实了住院费用和家庭收入。"),
            ("meeting_decision", "reject"),
            ("meeting_reason", "已有医疗救助覆盖，不另行救助"),
        ]
    };
    let few = server
        .post_form(&deliberation, &record("王主任\n李委员"), Some(&supervisor))
        .await;
    assert_eq!(few.status(), 422);
    assert!(few
        .text()
        .await
        .expect("a page")
        .contains("data-problem=\"members\""));
    let kept = server
        .post_form(
            &deliberation,
            &record("王主任\n李委员\n赵代表"),
            Some(&supervisor),
        )
        .await;
    assert_eq!(kept.status(), 303);
    assert_eq!(audited(store, &reference, "deliberation.record").await, 1);
    assert_eq!(audited(store, &reference, "deliberation.hardship").await, 1);

    // The meeting said no: approving is refused, rejecting as it said goes through, and the
    // resident is told like any other decision.
    let refused = server.post_form(&act, &approve, Some(&supervisor)).await;
    assert_eq!(refused.status(), 422);
    assert!(refused
        .text()
        .await
        .expect("a page")
        .contains("data-problem=\"not_as_deliberated\""));
    let rejected = server
        .post_form(
            &act,
            &[
                ("action", "reject"),
                ("note", "已有医疗救助覆盖，不另行救助"),
            ],
            Some(&supervisor),
        )
        .await;
    assert_eq!(rejected.status(), 303);
    assert!(outbox(store).await.iter().any(|(to, m)| to == "13800138000"
        && matches!(
            m,
            OutboxMessage::CaseState {
                state: casework::CaseState::Rejected,
                ..
            }
        )));
    // The written decision is there to print, with its reason.
    let print = server
        .staff_page(&format!("/track/cases/{reference}/print"), &session)
        .await;
    assert!(
        print.contains("data-document=\"decision\" data-approved=\"false\""),
        "{print}"
    );
    assert!(print.contains("已有医疗救助覆盖，不另行救助"));
}

on_both_databases!(
    deliberation_sqlite,
    deliberation_postgres,
    a_deliberation_without_a_record_cannot_be_decided
);

/// The windows of a township, a department's windows in a county, and the 三合一 prefilled
/// for the browser that opened the case (and for no other).
async fn windows_are_found_and_the_application_prints_prefilled(db: TestDatabase) {
    let server = TestServer::start(db).await;
    let page = server
        .get("/windows?county=rencheng&township=%E6%9D%8E%E8%90%A5%E8%A1%97%E9%81%93")
        .await
        .text()
        .await
        .expect("the page");
    assert!(page.contains("data-village=\"东村\""), "{page}");
    assert!(page.contains("href=\"tel:"));
    let justice = server
        .get("/windows?county=%E4%BB%BB%E5%9F%8E%E5%8C%BA&service=justice")
        .await
        .text()
        .await
        .expect("the page");
    assert!(justice.contains("data-service"), "{justice}");
    assert!(!justice.contains("data-village=\"东村\""));
    let none = server.get("/windows").await;
    assert_eq!(none.status(), 200);

    let (reference, code) =
        submit(&server, "71111111-2222-4333-8444-555555555555", Value::Null).await;
    let print = format!("/track/cases/{reference}/print");
    // Another browser is asked to open the case first, as for its tracking page.
    assert_eq!(server.get(&print).await.status(), 404);
    let opened = server
        .post_form(
            "/track",
            &[("reference", &reference), ("access_code", &code)],
            None,
        )
        .await;
    let session = cookie(&opened, server::sessions::COOKIE_NAME)
        .and_then(|c| c.split(';').next().map(str::to_owned))
        .expect("a session");
    let html = server.staff_page(&print, &session).await;
    assert!(html.contains("data-document=\"three-in-one\""), "{html}");
    assert!(html.contains("11010519491231002X"));
    assert!(html.contains("data-document=\"authorisation\""));
    assert!(!html.contains("data-document=\"decision\""));
    let _ = location;
}

on_both_databases!(
    windows_print_sqlite,
    windows_print_postgres,
    windows_are_found_and_the_application_prints_prefilled
);

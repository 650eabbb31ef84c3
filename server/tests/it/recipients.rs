//! Recipients after the decision: an approved case enrolled and paid, the month's
//! re-verification renewing from data alone or raising a warning (never stopping a payment), and
//! a person's decision with its reason and SMS; the month's report counted independently.

use std::path::Path;

use casework::{Actor, CaseAction, County, Decision, PaymentKind, RecipientState};
use discovery::{Change, Kind};
use store::applications::CaseStep;
use store::on_both_databases;
use store::outbox::OutboxMessage;
use store::recipients::DecideError;
use store::staff::{NewStaffUser, Role, StaffUser};
use store::testing::{example_application, TestDatabase};
use store::Store;

use crate::common::TestServer;

/// 张三 (11010519491231002X), 76, alone in 任城区: the example application's applicant.
const REGISTER: &str =
    "record_id,id_number,name,household_no,relation,county,township,village,address,area\n\
R4,11010519491231002X,张三,000000000099,head,任城区,李营街道,东村,东村1号,urban\n";
const WAGES: &str =
    "record_id,id_number,period_end,monthly_average\nW9,11010519491231002X,2026-10,3000\n";

async fn import(store: &Store, dir: &Path, kind: Kind, text: &str) {
    let path = dir.join(format!("{kind}.csv"));
    std::fs::write(&path, text).expect("the file is written");
    server::discovery::import::import_file(
        store,
        kind,
        &path,
        &format!("{kind}.csv"),
        Actor::system(Actor::CLI),
        &(),
    )
    .await
    .expect("the import runs");
}

async fn staff(store: &Store, username: &str, role: Role) -> StaffUser {
    store
        .create_staff_user(NewStaffUser {
            username: username.parse().expect("a username"),
            display_name: format!("测试{username}"),
            role,
            county: County::Rencheng,
            password: crate::common::PASSWORD.parse().expect("a password"),
        })
        .await
        .expect("a staff account")
}

async fn decisions_sent(store: &Store) -> Vec<Decision> {
    store
        .due_messages(50)
        .await
        .expect("the outbox")
        .iter()
        .filter_map(|m| match m.message() {
            Ok(OutboxMessage::RecipientDecision { decision, .. }) => Some(decision),
            _ => None,
        })
        .collect()
}

async fn recipient(store: &Store, reference: &str) -> store::recipients::RecipientView {
    store
        .recipient_of_case(reference)
        .await
        .expect("the recipient")
        .expect("enrolled")
}

async fn reverify(store: &Store, month: &str) -> server::recipients::ReverifySummary {
    reverify_with(store, month, &casework::sample_linkage_rules()).await
}

async fn reverify_with(
    store: &Store,
    month: &str,
    linkage: &casework::InForce<casework::LinkageRules>,
) -> server::recipients::ReverifySummary {
    server::recipients::reverify_month(
        store,
        &Actor::system(Actor::CLI),
        month.parse().expect("a month"),
        linkage,
        &(),
    )
    .await
    .expect("the re-verification")
}

/// Sends a case to 一事一议, holds the meeting (which agrees) and approves it.
async fn approve_after_deliberation(store: &Store, supervisor: &StaffUser, reference: &str) {
    store
        .act_on_case(
            supervisor,
            reference,
            &CaseStep::Plain(CaseAction::SendToDeliberation),
            "一事一议",
        )
        .await
        .expect("sent to deliberation");
    store::testing::hold_deliberation(
        store,
        supervisor,
        reference,
        store::deliberations::MeetingDecision::Approve,
    )
    .await;
    store
        .act_on_case(
            supervisor,
            reference,
            &CaseStep::Plain(CaseAction::Approve),
            "同意",
        )
        .await
        .expect("approved");
}

/// Submits the example application (张三, 76, alone) and approves it: a 特困 recipient.
async fn approved_case(server: &TestServer, key: &str, supervisor: &StaffUser) -> (String, String) {
    let (_, receipt) = server
        .post_application(
            Some(key),
            &example_application("13800138000", serde_json::Value::Null),
        )
        .await;
    let reference = receipt["reference"]
        .as_str()
        .expect("a reference")
        .to_owned();
    let access_code = receipt["access_code"].as_str().expect("a code").to_owned();
    approve_after_deliberation(&server.store, supervisor, &reference).await;
    (reference, access_code)
}

async fn a_warning_waits_for_a_person_and_a_suspension_needs_a_reason(db: TestDatabase) {
    let server = TestServer::start(db).await;
    let store = &server.store;
    let supervisor = staff(store, "zhao.min", Role::Supervisor).await;
    let (reference, _) =
        approved_case(&server, "c0ffee00-0000-4000-8000-000000000016", &supervisor).await;
    // Approved: 张三 (76, alone, a 300 yuan pension) receives 特困.
    let enrolled = recipient(store, &reference).await;
    assert_eq!(enrolled.programme, rules::ProgrammeId::Tekun);
    assert_eq!(enrolled.state, RecipientState::Active);
    assert!(enrolled.monthly_amount_fen > 0);

    // November: the register alone says nothing new: renewed from data, and paid.
    let dir = tempfile::tempdir().expect("a folder");
    import(store, dir.path(), Kind::HouseholdRegister, REGISTER).await;
    let november = reverify(store, "2026-11").await;
    assert_eq!(
        (november.count.recipients, november.count.renewed),
        (1, 1),
        "{:?}",
        november.count
    );

    // December: wages of 3,000 a month appear: a warning, and the month is still paid.
    import(store, dir.path(), Kind::Wages, WAGES).await;
    let december = reverify(store, "2026-12").await;
    assert_eq!((december.count.warned, december.count.renewed), (1, 0));
    let view = recipient(store, &reference).await;
    assert_eq!(view.state, RecipientState::Active);
    let months: Vec<(&str, PaymentKind)> = view
        .payments
        .iter()
        .map(|(m, k, _)| (m.as_str(), *k))
        .collect();
    assert_eq!(
        months,
        vec![
            ("2026-12", PaymentKind::Regular),
            ("2026-11", PaymentKind::Regular)
        ]
    );
    // Running the month again pays nothing twice.
    reverify(store, "2026-12").await;
    assert_eq!(recipient(store, &reference).await.payments.len(), 2);

    let warnings = store
        .recipient_warnings(&supervisor, "2026-12")
        .await
        .expect("the queue");
    assert_eq!(warnings.len(), 1);
    let warning = &warnings[0];
    assert!(warning.changes.contains(&Change::IncomeAboveLine));
    assert!(warning
        .evidence
        .as_ref()
        .expect("evidence")
        .records
        .iter()
        .any(|r| r.record_id == "W9"));

    // A suspension needs a person of the county, and a reason; then the resident is told.
    let volunteer = staff(store, "li.vol", Role::Volunteer).await;
    assert!(matches!(
        store
            .decide_warning(
                &volunteer,
                warning.finding_id,
                Decision::Suspend,
                "收入超标",
                None
            )
            .await,
        Err(DecideError::Volunteer)
    ));
    assert!(matches!(
        store
            .decide_warning(
                &supervisor,
                warning.finding_id,
                Decision::Suspend,
                "  ",
                None
            )
            .await,
        Err(DecideError::ReasonRequired)
    ));
    assert!(matches!(
        store
            .decide_warning(
                &supervisor,
                warning.finding_id,
                Decision::Adjust,
                "调整",
                None
            )
            .await,
        Err(DecideError::AmountRequired)
    ));
    assert!(decisions_sent(store).await.is_empty());
    assert_eq!(
        recipient(store, &reference).await.state,
        RecipientState::Active
    );
    store
        .decide_warning(
            &supervisor,
            warning.finding_id,
            Decision::Suspend,
            "工资收入每月3000元，超过特困标准，入户核实前暂停",
            None,
        )
        .await
        .expect("the decision");
    assert!(matches!(
        store
            .decide_warning(
                &supervisor,
                warning.finding_id,
                Decision::Stop,
                "再决定",
                None
            )
            .await,
        Err(DecideError::Decided)
    ));
    assert_eq!(decisions_sent(store).await, vec![Decision::Suspend]);
    assert_eq!(
        recipient(store, &reference).await.state,
        RecipientState::Suspended
    );

    // The report, against the counts above.
    let report = store.month_report("2026-12").await.expect("the report");
    assert_eq!(
        (
            report.checked.recipients,
            report.checked.renewed,
            report.checked.warned,
            report.suspended,
            report.waiting,
            report.payments
        ),
        (1, 0, 1, 1, 0, 1)
    );
    assert_eq!(report.paid_fen, enrolled.monthly_amount_fen);
}

on_both_databases!(
    warning_sqlite,
    warning_postgres,
    a_warning_waits_for_a_person_and_a_suspension_needs_a_reason
);

/// The pages, as a browser without JavaScript uses them: the caseworker's queue and decision
/// form (a refused decision comes back with its problem and changes nothing), volunteers kept out,
/// and the resident's tracking page showing what the household receives and each month's payment.
async fn the_queue_and_the_tracking_page_show_it(db: TestDatabase) {
    let server = TestServer::start(db).await;
    let store = &server.store;
    let supervisor = staff(store, "zhao.min", Role::Supervisor).await;
    let (reference, access_code) =
        approved_case(&server, "c0ffee00-0000-4000-8000-000000000017", &supervisor).await;
    let dir = tempfile::tempdir().expect("a folder");
    import(store, dir.path(), Kind::HouseholdRegister, REGISTER).await;
    import(store, dir.path(), Kind::Wages, WAGES).await;
    reverify(store, "2026-12").await;

    let cookie = server.sign_in("zhao.min").await;
    // The supervisor starts January's re-check from the page; it runs in the background.
    let started = server
        .post_form(
            "/staff/recipients/runs",
            &[("month", "2027-01")],
            Some(&cookie),
        )
        .await;
    assert_eq!(started.status(), 303);
    let mut january = String::new();
    for _ in 0..100 {
        january = server
            .staff_page("/staff/recipients?month=2027-01", &cookie)
            .await;
        if january.contains("data-run-state=\"done\"") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(january.contains("data-run-state=\"done\""), "{january}");
    assert!(january.contains("data-warnings=\"1\""), "{january}");
    let page = server
        .staff_page("/staff/recipients?month=2026-12", &cookie)
        .await;
    assert!(page.contains("data-warnings=\"1\""), "{page}");
    assert!(page.contains("data-record=\"W9\""));
    let id = store
        .recipient_warnings(&supervisor, "2026-12")
        .await
        .expect("the queue")[0]
        .finding_id;
    let action = format!("/staff/recipients/warnings/{id}");
    let refused = server
        .post_form(
            &action,
            &[("decision", "suspend"), ("amount", ""), ("reason", " ")],
            Some(&cookie),
        )
        .await;
    assert_eq!(refused.status(), 422);
    let body = refused.text().await.expect("a page");
    assert!(body.contains("data-problem=\"reason_required\""), "{body}");
    assert!(decisions_sent(store).await.is_empty());
    let adjust = server
        .post_form(
            &action,
            &[
                ("decision", "adjust"),
                ("amount", "abc"),
                ("reason", "核实"),
            ],
            Some(&cookie),
        )
        .await;
    assert_eq!(adjust.status(), 422);

    let volunteer = server
        .staff_session("li.vol", Role::Volunteer, County::Rencheng)
        .await;
    let forbidden = server
        .get_with_cookie("/staff/recipients?month=2026-12", &volunteer)
        .await;
    assert_eq!(forbidden.status(), 403);
    let caseworker = server
        .staff_session("wang.li", Role::Caseworker, County::Rencheng)
        .await;
    let refused = server
        .post_form(
            "/staff/recipients/runs",
            &[("month", "2027-02")],
            Some(&caseworker),
        )
        .await;
    assert_eq!(refused.status(), 403);

    let decided = server
        .post_form(
            &action,
            &[
                ("decision", "suspend"),
                ("amount", ""),
                ("reason", "工资收入超过标准，核实前暂停"),
            ],
            Some(&cookie),
        )
        .await;
    assert_eq!(decided.status(), 303);
    assert_eq!(decisions_sent(store).await, vec![Decision::Suspend]);

    // The resident opens the case: the assistance, the month's payment, the pause and its reason.
    let opened = server
        .post_form(
            "/track",
            &[
                ("reference", reference.as_str()),
                ("access_code", access_code.as_str()),
            ],
            None,
        )
        .await;
    let session = crate::common::cookie(&opened, server::sessions::COOKIE_NAME)
        .and_then(|c| c.split(';').next().map(str::to_owned))
        .expect("a session");
    let tracked = opened.text().await.expect("the case page");
    assert!(tracked.contains("assistance-heading"), "{tracked}");
    assert!(tracked.contains("<th scope=\"row\">2026-12</th>"));
    assert!(tracked.contains("工资收入超过标准，核实前暂停"));

    // "I did not receive it": only from her browser, only for a payment of hers.
    let action = format!("/track/cases/{reference}/missing-payment");
    let form = [("month", "2026-12"), ("kind", "regular")];
    assert_eq!(server.post_form(&action, &form, None).await.status(), 404);
    let wrong = [("month", "2026-01"), ("kind", "regular")];
    assert_eq!(
        server
            .post_form(&action, &wrong, Some(&session))
            .await
            .status(),
        400
    );
    let said = server.post_form(&action, &form, Some(&session)).await;
    assert_eq!(said.status(), 303);
    let page = server
        .staff_page(&format!("/track/cases/{reference}?missing=1"), &session)
        .await;
    assert!(page.contains("data-missing-now"), "{page}");
    assert!(page.contains("data-missing=\"said\""));
    let queue = server
        .staff_page("/staff/recipients?month=2026-12", &cookie)
        .await;
    assert!(queue.contains("data-missing=\"1\""), "{queue}");
}

on_both_databases!(
    pages_sqlite,
    pages_postgres,
    the_queue_and_the_tracking_page_show_it
);

async fn a_triggered_month_pays_the_covered_and_no_one_else(db: TestDatabase) {
    let server = TestServer::start(db).await;
    let store = &server.store;
    let supervisor = staff(store, "zhao.min", Role::Supervisor).await;
    let (reference, _) =
        approved_case(&server, "c0ffee00-0000-4000-8000-000000000018", &supervisor).await;
    let dir = tempfile::tempdir().expect("a folder");
    import(store, dir.path(), Kind::HouseholdRegister, REGISTER).await;
    let index = casework::read_price_index(
        r#"[{"month": "2026-10", "cpi_yoy": 3.6, "food_cpi_yoy": 2.0},
            {"month": "2026-09", "cpi_yoy": 3.4, "food_cpi_yoy": 5.9},
            {"month": "2026-08", "cpi_yoy": 1.0, "food_cpi_yoy": 6.0}]"#,
    )
    .expect("the file reads");
    store
        .import_price_index(index.months(), &Actor::system(Actor::CLI))
        .await
        .expect("the import");
    let subsidies = |view: &store::recipients::RecipientView, month: &str| -> Vec<i64> {
        view.payments
            .iter()
            .filter(|(m, k, _)| m == month && *k == PaymentKind::PriceSubsidy)
            .map(|(_, _, fen)| *fen)
            .collect()
    };
    // October triggers (CPI 3.6%): the 特困 person gets 980 × 3.6% = 35.28, paid 35 yuan.
    let october = reverify(store, "2026-10").await;
    assert_eq!(october.subsidies, (1, 3_500));
    assert_eq!(
        subsidies(&recipient(store, &reference).await, "2026-10"),
        vec![3_500]
    );
    // Again: nothing paid twice.
    assert_eq!(reverify(store, "2026-10").await.subsidies, (0, 0));
    // September: both under the thresholds (3.4%, 5.9%): nothing.
    assert_eq!(reverify(store, "2026-09").await.subsidies, (0, 0));
    assert!(subsidies(&recipient(store, &reference).await, "2026-09").is_empty());
    // August triggers by food (6.0%), but rules that cover only 低保 pay the 特困 person nothing.
    let dibao_only = casework::read_linkage_rules(
        r#"{"effective_from": "2026-01-01", "sample": false, "cpi_threshold": 3.5, "food_cpi_threshold": 6.0,
            "covered": ["dibao"], "basis": "cpi_then_food", "pay_within_working_days": 20}"#,
    )
    .expect("the rules read");
    assert_eq!(
        reverify_with(store, "2026-08", &dibao_only).await.subsidies,
        (0, 0)
    );
    let view = recipient(store, &reference).await;
    assert!(subsidies(&view, "2026-08").is_empty());
    // The regular payments were made each month all the same.
    assert_eq!(
        view.payments
            .iter()
            .filter(|(_, k, _)| *k == PaymentKind::Regular)
            .count(),
        3
    );
    let report = store.month_report("2026-10").await.expect("the report");
    assert_eq!((report.subsidies, report.subsidies_fen), (1, 3_500));
}

on_both_databases!(
    subsidy_sqlite,
    subsidy_postgres,
    a_triggered_month_pays_the_covered_and_no_one_else
);

/// 周桂兰 (370811196611010026), alone in 任城区, applied at 59 and receives 低保; she is 60 now.
const TURNED_60: &str =
    "record_id,id_number,name,household_no,relation,county,township,village,address,area\n\
R7,370811196611010026,周桂兰,000000000123,head,任城区,李营街道,东村,东村7号,urban\n";

fn dibao_application() -> serde_json::Value {
    serde_json::json!({"applicant":{"name":"周桂兰","id_number":"370811196611010026","phone":"13800138009",
                        "county":"任城区","address":"任城区李营街道东村7号"},
           "submitted_by":{"type":"self"},
           "household":{"area":"urban","members":[{"age":59,"incomes":[{"kind":"pension","monthly":300.0}]}],
               "assets":{"financial":5000.0,"vehicles_value":0.0,"houses_owned":1}},
           "programmes":["dibao"],
           "emergency":null,
           "consents":{"three_in_one":true,"verification_authorizations":[0],"sensitive_information":true,
                       "public_notice":true},
           "missing_documents":[]})
}

async fn a_dibao_recipient_turned_60_consents_and_goes_straight_to_public_notice(db: TestDatabase) {
    let server = TestServer::start(db).await;
    let store = &server.store;
    let supervisor = staff(store, "zhao.min", Role::Supervisor).await;
    let (_, receipt) = server
        .post_application(
            Some("c0ffee00-0000-4000-8000-000000000019"),
            &dibao_application(),
        )
        .await;
    let reference = receipt["reference"]
        .as_str()
        .expect("a reference")
        .to_owned();
    let code = receipt["access_code"].as_str().expect("a code").to_owned();
    approve_after_deliberation(store, &supervisor, &reference).await;
    let before = recipient(store, &reference).await;
    assert_eq!(before.programme, rules::ProgrammeId::Dibao);
    let dir = tempfile::tempdir().expect("a folder");
    import(store, dir.path(), Kind::HouseholdRegister, TURNED_60).await;
    let december = reverify(store, "2026-12").await;
    assert_eq!(december.count.offered, 1);
    let offered = recipient(store, &reference).await;
    assert_eq!(
        offered.offer.map(|(p, _)| p),
        Some(rules::ProgrammeId::Tekun)
    );
    // She is told by SMS where to answer, once: January's re-check does not tell her again.
    let offers = |store: &Store| {
        let store = store.clone();
        async move {
            store
                .due_messages(50)
                .await
                .expect("the outbox")
                .iter()
                .filter(|m| matches!(m.message(), Ok(OutboxMessage::TransferOffer { .. })))
                .count()
        }
    };
    assert_eq!(offers(store).await, 1);
    reverify(store, "2027-01").await;
    assert_eq!(offers(store).await, 1);

    // Staff cannot make the move for her.
    assert!(store
        .act_on_case(
            &supervisor,
            &reference,
            &CaseStep::Plain(CaseAction::TransferToNotice),
            "转特困"
        )
        .await
        .is_err());

    // She opens her case (no JavaScript): the offer, and the form.
    let opened = server
        .post_form(
            "/track",
            &[("reference", &reference), ("access_code", &code)],
            None,
        )
        .await;
    let session = crate::common::cookie(&opened, server::sessions::COOKIE_NAME)
        .and_then(|c| c.split(';').next().map(str::to_owned))
        .expect("a session");
    let html = opened.text().await.expect("the page");
    assert!(html.contains("data-offer=\"tekun\""), "{html}");
    let action = format!("/track/cases/{reference}/transfer");
    // Another browser cannot answer for her; without a choice nothing happens.
    assert_eq!(
        server
            .post_form(&action, &[("transfer", "agree")], None)
            .await
            .status(),
        404
    );
    let unchosen = server.post_form(&action, &[], Some(&session)).await;
    assert_eq!(unchosen.status(), 422);
    assert!(unchosen
        .text()
        .await
        .expect("the page")
        .contains("error-summary"));
    assert!(recipient(store, &reference).await.offer.is_some());

    let agreed = server
        .post_form(&action, &[("transfer", "agree")], Some(&session))
        .await;
    assert_eq!(agreed.status(), 303);
    let page = server
        .staff_page(
            &format!("/track/cases/{reference}?transfer=agreed"),
            &session,
        )
        .await;
    assert!(page.contains("data-transfer-answered=\"agreed\""), "{page}");
    assert!(page.contains("data-transfer-pending=\"tekun\""));
    let case = store
        .find_case(&reference, &code)
        .await
        .expect("the case")
        .expect("found");
    assert_eq!(case.status, casework::CaseState::PublicNotice);
    // Paid as 低保 meanwhile.
    let waiting = recipient(store, &reference).await;
    assert_eq!(waiting.programme, rules::ProgrammeId::Dibao);
    assert_eq!(waiting.pending, Some(rules::ProgrammeId::Tekun));

    // After the 7 days of notice, the approval applies the transfer.
    server.clock.advance(time::Duration::days(10));
    store
        .act_on_case(
            &supervisor,
            &reference,
            &CaseStep::Plain(CaseAction::Approve),
            "公示无异议，转为特困",
        )
        .await
        .expect("the approval");
    let after = recipient(store, &reference).await;
    assert_eq!(after.programme, rules::ProgrammeId::Tekun);
    assert_eq!(after.pending, None);
    assert_eq!(
        Some(after.monthly_amount_fen),
        offered.offer.map(|(_, fen)| fen)
    );
}

on_both_databases!(
    transfer_sqlite,
    transfer_postgres,
    a_dibao_recipient_turned_60_consents_and_goes_straight_to_public_notice
);

async fn upload_prices(server: &TestServer, cookie: &str, text: &str) -> reqwest::Response {
    let form = reqwest::multipart::Form::new().part(
        "price_file",
        reqwest::multipart::Part::bytes(text.as_bytes().to_vec()).file_name("prices.json"),
    );
    server
        .client
        .post(server.url("/staff/recipients/prices/file"))
        .header("origin", server.origin())
        .header("cookie", cookie)
        .multipart(form)
        .send()
        .await
        .expect("POST")
}

async fn months_held(store: &Store) -> Vec<(String, i32, i32)> {
    store
        .price_index_months(20)
        .await
        .expect("the index")
        .iter()
        .map(|m| {
            (
                m.month.to_string(),
                m.cpi_yoy_permille,
                m.food_cpi_yoy_permille,
            )
        })
        .collect()
}

/// A supervisor keeps the price index from the recipients page, typed in or as the file; a
/// refusal names each field and keeps nothing; the figures a month was paid on cannot change.
async fn a_supervisor_keeps_the_price_index_from_the_page(db: TestDatabase) {
    let server = TestServer::start(db).await;
    let store = &server.store;
    let supervisor = staff(store, "zhao.min", Role::Supervisor).await;
    staff(store, "li.na", Role::Caseworker).await;
    approved_case(&server, "c0ffee00-0000-4000-8000-000000000019", &supervisor).await;
    let dir = tempfile::tempdir().expect("a folder");
    import(store, dir.path(), Kind::HouseholdRegister, REGISTER).await;

    // A caseworker may read the index but not change it.
    let caseworker = server.sign_in("li.na").await;
    let month = [
        ("price_month", "2026-10"),
        ("cpi_yoy", "3.6"),
        ("food_cpi_yoy", "2.0"),
    ];
    let refused = server
        .post_form("/staff/recipients/prices", &month, Some(&caseworker))
        .await;
    assert_eq!(refused.status(), 403);
    let page = server.staff_page("/staff/recipients", &caseworker).await;
    assert!(page.contains("data-prices=\"0\""), "{page}");
    assert!(!page.contains("data-form=\"price-month\""));

    // Each wrong field is named, what was typed comes back, and nothing is kept.
    let cookie = server.sign_in("zhao.min").await;
    let refused = server
        .post_form(
            "/staff/recipients/prices",
            &[
                ("price_month", "2026-13"),
                ("cpi_yoy", "3.65"),
                ("food_cpi_yoy", ""),
            ],
            Some(&cookie),
        )
        .await;
    assert_eq!(refused.status(), 422);
    let body = refused.text().await.expect("a page");
    for problem in ["not_a_month", "too_precise", "missing"] {
        assert!(
            body.contains(&format!("data-problem=\"{problem}\"")),
            "{problem}: {body}"
        );
    }
    assert!(body.contains("value=\"3.65\""), "{body}");
    assert!(months_held(store).await.is_empty());

    // A right month is kept, and the page says it triggers the subsidy by the CPI.
    let saved = server
        .post_form("/staff/recipients/prices", &month, Some(&cookie))
        .await;
    assert_eq!(saved.status(), 303);
    let back = crate::common::location(&saved).expect("sent on");
    assert_eq!(back, "/staff/recipients?month=2026-10&prices=saved#prices");
    let page = server.staff_page(&back, &cookie).await;
    assert!(page.contains("data-notice=\"prices_saved\""), "{page}");
    assert!(
        page.contains("data-price-month=\"2026-10\" data-triggers=\"cpi\""),
        "{page}"
    );

    // A file with one wrong place is refused whole, with the place named.
    let refused = upload_prices(
        &server,
        &cookie,
        r#"[{"month": "2026-09", "cpi_yoy": 3.4, "food_cpi_yoy": 5.9},
            {"month": "2026-08", "cpi_yoy": "1.0", "food_cpi_yoy": 6.0}]"#,
    )
    .await;
    assert_eq!(refused.status(), 422);
    let body = refused.text().await.expect("a page");
    assert!(body.contains("data-place=\"prices[1].cpi_yoy\""), "{body}");
    assert!(body.contains("data-problem=\"not_a_number\""), "{body}");
    assert!(!body.contains("data-price-month=\"2026-09\""));
    let refused = upload_prices(&server, &cookie, "month,cpi\n2026-09,3.4\n").await;
    assert_eq!(refused.status(), 422);
    assert!(refused
        .text()
        .await
        .expect("a page")
        .contains("data-problem=\"not_json\""));
    assert_eq!(months_held(store).await.len(), 1);

    // The right file is kept: September under both thresholds, August by food.
    let saved = upload_prices(
        &server,
        &cookie,
        "\u{feff}[{\"month\": \"2026-09\", \"cpi_yoy\": 3.4, \"food_cpi_yoy\": 5.9},
            {\"month\": \"2026-08\", \"cpi_yoy\": 1.0, \"food_cpi_yoy\": 6.0}]",
    )
    .await;
    assert_eq!(saved.status(), 303);
    let page = server
        .staff_page("/staff/recipients?month=2026-09", &cookie)
        .await;
    assert!(page.contains("data-price-month=\"2026-09\" data-triggers=\"\""));
    assert!(page.contains("data-price-month=\"2026-08\" data-triggers=\"food\""));
    assert_eq!(
        months_held(store).await,
        vec![
            ("2026-10".to_owned(), 36, 20),
            ("2026-09".to_owned(), 34, 59),
            ("2026-08".to_owned(), 10, 60),
        ]
    );

    // October is paid on 3.6%: a revision of it is refused, the same figures are not.
    assert_eq!(reverify(store, "2026-10").await.subsidies, (1, 3_500));
    let refused = server
        .post_form(
            "/staff/recipients/prices",
            &[
                ("price_month", "2026-10"),
                ("cpi_yoy", "4.0"),
                ("food_cpi_yoy", "2.0"),
            ],
            Some(&cookie),
        )
        .await;
    assert_eq!(refused.status(), 422);
    assert!(refused
        .text()
        .await
        .expect("a page")
        .contains("data-problem=\"paid\""));
    assert_eq!(months_held(store).await[0], ("2026-10".to_owned(), 36, 20));
    let again = server
        .post_form("/staff/recipients/prices", &month, Some(&cookie))
        .await;
    assert_eq!(again.status(), 303);

    // Every kept import is on the record with who kept it.
    let imports: Vec<_> = store
        .audit_records(Some("price_index"))
        .await
        .expect("the audit log")
        .into_iter()
        .filter(|r| r.action == "prices.import")
        .collect();
    assert_eq!(imports.len(), 3);
    assert!(imports
        .iter()
        .all(|r| r.actor == Some(Actor::Staff { id: supervisor.id })));
}

on_both_databases!(
    prices_page_sqlite,
    prices_page_postgres,
    a_supervisor_keeps_the_price_index_from_the_page
);

/// A transfer refused at its notice leaves the household on its programme, paid as before, and
/// its tracking page says so; no offer is made on a case that is no longer approved.
async fn a_transfer_refused_at_notice_keeps_the_programme(db: TestDatabase) {
    let server = TestServer::start(db).await;
    let store = &server.store;
    let supervisor = staff(store, "zhao.min", Role::Supervisor).await;
    let (_, receipt) = server
        .post_application(
            Some("c0ffee00-0000-4000-8000-000000000020"),
            &dibao_application(),
        )
        .await;
    let reference = receipt["reference"]
        .as_str()
        .expect("a reference")
        .to_owned();
    let code = receipt["access_code"].as_str().expect("a code").to_owned();
    approve_after_deliberation(store, &supervisor, &reference).await;
    let dir = tempfile::tempdir().expect("a folder");
    import(store, dir.path(), Kind::HouseholdRegister, TURNED_60).await;
    reverify(store, "2026-12").await;
    store
        .answer_transfer(&reference, true)
        .await
        .expect("the answer");
    assert_eq!(
        recipient(store, &reference).await.pending,
        Some(rules::ProgrammeId::Tekun)
    );
    store
        .act_on_case(
            &supervisor,
            &reference,
            &CaseStep::Plain(CaseAction::Reject),
            "公示期间有异议，经核实有赡养人",
        )
        .await
        .expect("the refusal");

    let after = recipient(store, &reference).await;
    assert_eq!(after.programme, rules::ProgrammeId::Dibao);
    assert_eq!(after.state, RecipientState::Active);
    assert_eq!(after.pending, None);
    assert_eq!(after.transfer_not_made, Some(rules::ProgrammeId::Tekun));
    // January is paid as 低保, and the case, refused, is offered nothing to agree to.
    reverify(store, "2027-01").await;
    let january = recipient(store, &reference).await;
    assert!(january
        .payments
        .iter()
        .any(|(m, k, _)| m == "2027-01" && *k == PaymentKind::Regular));
    assert_eq!(january.offer, None);
    let opened = server
        .post_form(
            "/track",
            &[("reference", &reference), ("access_code", &code)],
            None,
        )
        .await;
    let html = opened.text().await.expect("the page");
    assert!(html.contains("data-transfer-not-made=\"tekun\""), "{html}");
    assert!(!html.contains("data-transfer-pending"));
    assert!(!html.contains("data-offer="));
    let audit = store
        .audit_entries_of(&reference)
        .await
        .expect("the audit log");
    assert!(audit
        .iter()
        .any(|(action, _)| action == "recipients.transfer_not_made"));
}

on_both_databases!(
    transfer_refused_sqlite,
    transfer_refused_postgres,
    a_transfer_refused_at_notice_keeps_the_programme
);

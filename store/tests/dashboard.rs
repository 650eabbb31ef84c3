//! The supervisors' dashboard: cases by state and county, and how the deadlines were kept,
//! over cases put into known situations.

use std::sync::Arc;

use casework::CaseState as S;
use casework::County;
use casework::{read_application, IdempotencyKey};
use serde_json::{json, Value};
use store::applications::{Compliance, DashboardError, Period, Submitted};
use store::clock::ManualClock;
use store::on_both_databases;
use store::staff::{NewStaffUser, Role, StaffUser};
use store::testing::TestDatabase;
use store::Store;

const HOUR: i64 = 3600;

fn body(county: &str, urgency: Option<&str>) -> Value {
    json!({"applicant":{"name":"张三","id_number":"11010519491231002X","phone":"13800138000",
                        "county":county,"address":"某街道 1 号"},
           "submitted_by":{"type":"self"},
           "household":{"area":"urban","members":[{"age":67,"incomes":[{"kind":"pension","monthly":300.0}]}],
               "assets":{"financial":10000.0,"vehicles_value":0.0,"houses_owned":1}},
           "programmes":["dibao"],
           "emergency": urgency.map(|u| json!({"kind":"fire","urgency":u})),
           "consents":{"three_in_one":true,"verification_authorizations":[0],"sensitive_information":true,
                       "public_notice":true},
           "missing_documents":[]})
}

/// Submits an application and returns its reference.
async fn submit(store: &Store, n: u32, county: &str, urgency: Option<&str>) -> String {
    let key: IdempotencyKey = format!("00000000-0000-4000-8000-{n:012}")
        .parse()
        .expect("a valid key");
    let application = read_application(&body(county, urgency)).expect("valid");
    match store
        .submit_application(&application, &key, &n.to_string())
        .await
        .expect("stored")
    {
        Submitted::New(receipt) => receipt.reference.as_str().to_owned(),
        Submitted::Replayed(_) => panic!("a new key stores a new application"),
    }
}

async fn staff(store: &Store, username: &str, role: Role, county: County) -> StaffUser {
    store
        .create_staff_user(NewStaffUser {
            username: username.parse().expect("a username"),
            display_name: username.into(),
            role,
            county,
            password: "correct horse battery".parse().expect("a password"),
        })
        .await
        .expect("a staff account")
}

/// Sets the workflow's columns of a case as the lead's workflow code would have.
async fn set(db: &TestDatabase, reference: &str, assignments: &str) {
    db.execute_raw(&format!(
        "UPDATE applications SET {assignments} WHERE reference = '{reference}'"
    ))
    .await;
}

/// The case left the procedure in `state` at `at` (a timeline entry, as the workflow writes).
async fn left(db: &TestDatabase, reference: &str, state: &str, at: i64) {
    set(db, reference, &format!("status = '{state}'")).await;
    db.execute_raw(&format!(
        "INSERT INTO application_events (application_id, state, at, note, actor) \
         SELECT id, '{state}', {at}, '', 'test' FROM applications WHERE reference = '{reference}'"
    ))
    .await;
}

fn share(on_time: i64, missed: i64, overdue: i64) -> Compliance {
    Compliance {
        on_time,
        missed,
        overdue,
    }
}

async fn audit_entries(store: &Store) -> u64 {
    match store.verify_audit_log().await.expect("audit log") {
        store::audit::AuditVerification::Intact { entries } => entries,
        broken => panic!("the audit log is broken: {broken:?}"),
    }
}

async fn deadlines_are_measured_against_what_was_done_and_when(db: TestDatabase) {
    let t0 = time::macros::datetime!(2026-12-03 08:00 UTC);
    let clock = ManualClock::new(t0 - time::Duration::days(40));
    let store = db.store_with_clock(Arc::new(clock.clone())).await;
    let t0 = t0.unix_timestamp();
    let old = submit(&store, 1, "任城区", Some("critical")).await;
    clock.advance(time::Duration::days(40));

    // Critical emergencies in 任城区, all due at t0 + 2 h.
    let helped_on_time = submit(&store, 2, "任城区", Some("critical")).await;
    let helped_late = submit(&store, 3, "任城区", Some("critical")).await;
    let not_helped = submit(&store, 4, "任城区", Some("critical")).await;
    let closed_unhelped = submit(&store, 5, "任城区", Some("critical")).await;
    let in_window = submit(&store, 6, "任城区", Some("critical")).await;
    // Urgent emergencies in 曲阜市, due at t0 + 24 h.
    let at_the_deadline = submit(&store, 7, "曲阜市", Some("urgent")).await;
    let withdrawn_in_time = submit(&store, 8, "曲阜市", Some("urgent")).await;
    let withdrawn_late = submit(&store, 9, "曲阜市", Some("urgent")).await;
    // Decisions in 任城区, due at t0 + 10 h unless said otherwise.
    let decided_on_time = submit(&store, 10, "任城区", None).await;
    let decided_late = submit(&store, 11, "任城区", None).await;
    let undecided = submit(&store, 12, "任城区", None).await;
    let not_yet_due = submit(&store, 13, "任城区", None).await;
    let referred_in_time = submit(&store, 14, "任城区", None).await;
    clock.advance(time::Duration::hours(30));
    let now = t0 + 30 * HOUR;

    set(
        &db,
        &old,
        &format!("advance_paid_at = {}", t0 - 40 * 24 * HOUR + HOUR),
    )
    .await;
    set(
        &db,
        &helped_on_time,
        &format!("advance_paid_at = {}, status = 'advance_paid'", t0 + HOUR),
    )
    .await;
    set(
        &db,
        &helped_late,
        &format!(
            "advance_paid_at = {}, status = 'advance_paid'",
            t0 + 3 * HOUR
        ),
    )
    .await;
    set(&db, &not_helped, "status = 'accepted'").await;
    set(&db, &closed_unhelped, "status = 'closed'").await;
    set(&db, &in_window, &format!("advance_due_at = {}", now + HOUR)).await;
    set(
        &db,
        &at_the_deadline,
        &format!(
            "advance_paid_at = {}, status = 'advance_paid'",
            t0 + 24 * HOUR
        ),
    )
    .await;
    left(&db, &withdrawn_in_time, "withdrawn", t0 + HOUR).await;
    left(&db, &withdrawn_late, "withdrawn", t0 + 25 * HOUR).await;
    let due = t0 + 10 * HOUR;
    for reference in [
        &decided_on_time,
        &decided_late,
        &undecided,
        &referred_in_time,
    ] {
        set(
            &db,
            reference,
            &format!("accepted_at = {t0}, decision_due_at = {due}"),
        )
        .await;
    }
    set(
        &db,
        &decided_on_time,
        &format!("decided_at = {due}, status = 'approved'"),
    )
    .await;
    set(
        &db,
        &decided_late,
        &format!("decided_at = {}, status = 'rejected'", due + 1),
    )
    .await;
    set(&db, &undecided, "status = 'review'").await;
    set(
        &db,
        &not_yet_due,
        &format!("decision_due_at = {}, status = 'verifying'", now + HOUR),
    )
    .await;
    left(&db, &referred_in_time, "referred", t0 + HOUR).await;

    let supervisor = staff(&store, "li.na", Role::Supervisor, County::Rencheng).await;
    let before = audit_entries(&store).await;
    let dashboard = store
        .dashboard(&supervisor, Period::Last30Days)
        .await
        .expect("a supervisor sees the dashboard");
    assert_eq!(
        audit_entries(&store).await,
        before + 1,
        "the view is audited"
    );
    assert_eq!(dashboard.as_of.unix_timestamp(), now);

    let rencheng = dashboard.county(County::Rencheng).expect("任城区");
    let qufu = dashboard.county(County::Qufu).expect("曲阜市");
    // 2 h: one on time; one late, one never helped (open: overdue), one closed unhelped; one still
    // inside its window counts in neither. The old case is outside the last 30 days.
    assert_eq!(rencheng.critical, share(1, 3, 1));
    assert_eq!(rencheng.critical.percent_on_time(), Some(25));
    // 24 h: helped at the very deadline is on time; withdrawn before the deadline counts in
    // neither; withdrawn after it, unhelped, was missed (and is no longer actionable).
    assert_eq!(qufu.urgent, share(1, 1, 0));
    assert_eq!(qufu.urgent.percent_on_time(), Some(50));
    // Decisions: on the due second is on time; one second late and undecided past the date
    // are missed (the undecided one overdue); not yet due and referred in time count in neither.
    assert_eq!(rencheng.decisions, share(1, 2, 1));
    assert_eq!(qufu.decisions, share(0, 0, 0));
    assert_eq!(qufu.decisions.percent_on_time(), None);
    assert_eq!(dashboard.total.critical, share(1, 3, 1));
    assert_eq!(dashboard.total.urgent, share(1, 1, 0));
    assert_eq!(dashboard.total.decisions, share(1, 2, 1));

    // Cases by state: every county and every state, zeros included.
    assert_eq!(dashboard.counties.len(), 11);
    for (_, figures) in &dashboard.counties {
        assert_eq!(figures.cases.len(), S::ALL.len());
    }
    assert_eq!(rencheng.total_cases(), 10);
    assert_eq!(rencheng.cases_in(S::Submitted), 1, "in its window");
    assert_eq!(rencheng.cases_in(S::Accepted), 1, "accepted, not helped");
    assert_eq!(rencheng.cases_in(S::AdvancePaid), 2);
    assert_eq!(rencheng.cases_in(S::Closed), 1);
    assert_eq!(rencheng.cases_in(S::Approved), 1);
    assert_eq!(rencheng.cases_in(S::Rejected), 1);
    assert_eq!(rencheng.cases_in(S::Review), 1);
    assert_eq!(rencheng.cases_in(S::Verifying), 1);
    assert_eq!(rencheng.cases_in(S::Referred), 1);
    assert_eq!(qufu.cases_in(S::Withdrawn), 2);
    assert_eq!(qufu.cases_in(S::AdvancePaid), 1);
    let liangshan = dashboard.county(County::Liangshan).expect("梁山县");
    assert_eq!(liangshan.total_cases(), 0);
    assert_eq!(dashboard.total.total_cases(), 13);

    // Over a longer period the old case counts too: helped an hour after submission, on time.
    let all = store
        .dashboard(&supervisor, Period::AllTime)
        .await
        .expect("all time");
    assert_eq!(all.total.total_cases(), 14);
    assert_eq!(
        all.county(County::Rencheng).expect("任城区").critical,
        share(2, 3, 1)
    );
    let ninety = store
        .dashboard(&supervisor, Period::Last90Days)
        .await
        .expect("90 days");
    assert_eq!(ninety.total.total_cases(), 14);
}

on_both_databases!(
    deadlines_sqlite,
    deadlines_postgres,
    deadlines_are_measured_against_what_was_done_and_when
);

async fn only_supervisors_and_administrators_see_the_dashboard(db: TestDatabase) {
    let store = db.store().await;
    submit(&store, 1, "曲阜市", None).await;
    let caseworker = staff(&store, "wang.li", Role::Caseworker, County::Rencheng).await;
    let volunteer = staff(&store, "zhao.v", Role::Volunteer, County::Rencheng).await;
    let admin = staff(&store, "admin.wu", Role::Admin, County::Qufu).await;
    let before = audit_entries(&store).await;
    for refused in [&caseworker, &volunteer] {
        assert!(matches!(
            store.dashboard(refused, Period::AllTime).await,
            Err(DashboardError::NotAllowed)
        ));
    }
    assert_eq!(
        audit_entries(&store).await,
        before,
        "a refusal shows nothing"
    );
    let dashboard = store
        .dashboard(&admin, Period::Last365Days)
        .await
        .expect("an administrator sees it");
    assert_eq!(dashboard.period, Period::Last365Days);
    assert_eq!(
        dashboard
            .county(County::Qufu)
            .expect("曲阜市")
            .cases_in(S::Submitted),
        1
    );
    assert_eq!(audit_entries(&store).await, before + 1);
}

on_both_databases!(
    access_sqlite,
    access_postgres,
    only_supervisors_and_administrators_see_the_dashboard
);

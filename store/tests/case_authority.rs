//! Authority the workflow enforces in the store, whatever page or caller asks: advance help only
//! on an emergency and within the household's cap, kept as insert-only rows; a case ended
//! undecided (withdrawn by staff, a referral closed) only by a supervisor with a reason; the
//! applicant's own withdrawal recorded as theirs; the queue's search by name through its keyed
//! hash, filled in for applications stored before it.

use std::sync::Arc;

use casework::County;
use casework::{read_application, CaseAction as A, CaseState as S, IdempotencyKey};
use serde_json::{json, Value};
use store::applications::{ActError, CaseKey, CaseStep, QueueSearch, Submitted, WithdrawError};
use store::clock::ManualClock;
use store::on_both_databases;
use store::staff::{NewStaffUser, Role, StaffUser};
use store::testing::{example_application, TestDatabase};
use store::Store;

const START: time::OffsetDateTime = time::macros::datetime!(2026-12-03 01:00 UTC);

async fn submit_as(store: &Store, body: Value, n: u32) -> (String, String) {
    let key: IdempotencyKey = format!("00000000-0000-4000-8000-{n:012}")
        .parse()
        .expect("a key");
    let application = read_application(&body).expect("valid");
    match store
        .submit_application(&application, &key, &n.to_string())
        .await
        .expect("stored")
    {
        Submitted::New(r) => (
            r.reference.as_str().to_owned(),
            r.access_code.as_str().to_owned(),
        ),
        Submitted::Replayed(_) => panic!("a new key stores a new application"),
    }
}

async fn submit(store: &Store, emergency: Value, n: u32) -> (String, String) {
    submit_as(store, example_application("13800138000", emergency), n).await
}

async fn staff(store: &Store, username: &str, role: Role) -> StaffUser {
    store
        .create_staff_user(NewStaffUser {
            username: username.parse().expect("a username"),
            display_name: format!("{username}名"),
            role,
            county: County::Rencheng,
            password: "correct horse battery".parse().expect("a password"),
        })
        .await
        .expect("a staff account")
}

fn advance(amount_fen: i64) -> CaseStep {
    CaseStep::RecordAdvance { amount_fen }
}

async fn advance_needs_an_emergency_and_stays_within_the_cap(db: TestDatabase) {
    let clock = ManualClock::new(START);
    let store = db.store_with_clock(Arc::new(clock.clone())).await;
    let caseworker = staff(&store, "wang.li", Role::Caseworker).await;

    // No emergency declared: no advance, and nothing recorded.
    let (plain, plain_code) = submit(&store, Value::Null, 1).await;
    assert!(matches!(
        store
            .act_on_case(&caseworker, &plain, &advance(10_000), "")
            .await,
        Err(ActError::NoEmergency)
    ));
    let case = store.find_case(&plain, &plain_code).await.unwrap().unwrap();
    assert_eq!(
        (case.status.as_str(), case.timeline.len()),
        ("submitted", 1)
    );
    let file = store.case_file(&caseworker, &plain).await.unwrap();
    assert_eq!((file.advance_paid_fen, file.advances.len()), (None, 0));

    // One person, urban: the cap is one month of ¥980 in all.
    let (fire, _) = submit(&store, json!({"kind":"fire","urgency":"critical"}), 2).await;
    assert!(matches!(
        store
            .act_on_case(&caseworker, &fire, &advance(98_001), "")
            .await,
        Err(ActError::AdvanceOverCap {
            cap_fen: 98_000,
            paid_fen: 0
        })
    ));
    assert_eq!(
        store
            .act_on_case(&caseworker, &fire, &advance(60_000), "送去 600 元")
            .await
            .unwrap(),
        S::AdvancePaid
    );
    let first_at = store.clock().now().unix_timestamp();
    clock.advance(time::Duration::hours(3));
    // A second advance adds to the first; it never overwrites it.
    assert_eq!(
        store
            .act_on_case(&caseworker, &fire, &advance(30_000), "再送 300 元")
            .await
            .unwrap(),
        S::AdvancePaid
    );
    // The third would take the sum past the cap.
    assert!(matches!(
        store
            .act_on_case(&caseworker, &fire, &advance(10_000), "")
            .await,
        Err(ActError::AdvanceOverCap {
            cap_fen: 98_000,
            paid_fen: 90_000
        })
    ));
    let file = store.case_file(&caseworker, &fire).await.unwrap();
    let amounts: Vec<i64> = file.advances.iter().map(|a| a.amount_fen).collect();
    assert_eq!(amounts, [60_000, 30_000]);
    assert_eq!(file.advances[0].recorded_by.as_deref(), Some("wang.li名"));
    assert_eq!(file.advances[1].note, "再送 300 元");
    assert_eq!(file.advance_paid_fen, Some(90_000), "the sum");
    assert_eq!(
        file.times.advance_paid_at.map(|t| t.unix_timestamp()),
        Some(first_at),
        "help was first given at the first advance"
    );
    let amounts_audited: Vec<i64> = store
        .audit_entries_of(&fire)
        .await
        .unwrap()
        .iter()
        .filter(|(action, _)| action == "case.act")
        .filter_map(|(_, detail)| serde_json::from_str::<Value>(detail).ok())
        .filter_map(|detail| detail["amount_fen"].as_i64())
        .collect();
    assert_eq!(amounts_audited, [60_000, 30_000]);
    // The rows cannot be changed or removed behind the workflow's back.
    assert!(
        !db.try_execute_raw("UPDATE advances SET amount_fen = 1")
            .await
    );
    assert!(!db.try_execute_raw("DELETE FROM advances").await);
}

on_both_databases!(
    advances_sqlite,
    advances_postgres,
    advance_needs_an_emergency_and_stays_within_the_cap
);

async fn a_caseworker_cannot_end_a_case_alone(db: TestDatabase) {
    let store = db.store_with_clock(Arc::new(ManualClock::new(START))).await;
    let caseworker = staff(&store, "wang.li", Role::Caseworker).await;
    let supervisor = staff(&store, "li.na", Role::Supervisor).await;
    let withdraw = CaseStep::Plain(A::Withdraw);

    let (reference, code) = submit(&store, Value::Null, 3).await;
    let r = reference.as_str();
    for note in ["", "申请人电话说不要了"] {
        assert!(matches!(
            store.act_on_case(&caseworker, r, &withdraw, note).await,
            Err(ActError::NeedsSupervisor)
        ));
    }
    assert!(matches!(
        store.act_on_case(&supervisor, r, &withdraw, " ").await,
        Err(ActError::ReasonRequired)
    ));
    let case = store.find_case(r, &code).await.unwrap().unwrap();
    assert_eq!(
        (case.status.as_str(), case.timeline.len()),
        ("submitted", 1),
        "refused withdrawals left no trace"
    );
    assert_eq!(
        store
            .act_on_case(&supervisor, r, &withdraw, "申请人到窗口书面申请撤回")
            .await
            .unwrap(),
        S::Withdrawn
    );

    // Referring is a caseworker's step; closing the referred case is not.
    let (referred, _) = submit(&store, Value::Null, 4).await;
    store
        .act_on_case(
            &caseworker,
            &referred,
            &CaseStep::Refer {
                organisation: "济宁市慈善总会".into(),
                partner: None,
                consent_given: true,
            },
            "需要长期帮扶",
        )
        .await
        .unwrap();
    let close = CaseStep::Plain(A::Close);
    assert!(matches!(
        store
            .act_on_case(&caseworker, &referred, &close, "已转介")
            .await,
        Err(ActError::NeedsSupervisor)
    ));
    assert!(matches!(
        store.act_on_case(&supervisor, &referred, &close, "").await,
        Err(ActError::ReasonRequired)
    ));
    assert_eq!(
        store
            .act_on_case(&supervisor, &referred, &close, "慈善总会已接手帮扶")
            .await
            .unwrap(),
        S::Closed
    );
}

on_both_databases!(
    ending_sqlite,
    ending_postgres,
    a_caseworker_cannot_end_a_case_alone
);

async fn the_applicant_withdraws_their_own_case(db: TestDatabase) {
    let clock = ManualClock::new(START);
    let store = db.store_with_clock(Arc::new(clock.clone())).await;
    let caseworker = staff(&store, "wang.li", Role::Caseworker).await;
    let (reference, code) = submit(&store, Value::Null, 5).await;
    let r = reference.as_str();
    assert!(matches!(
        store
            .withdraw_by_applicant(r, CaseKey::AccessCode("00000000"), "")
            .await,
        Err(WithdrawError::NotFound)
    ));
    assert!(matches!(
        store
            .withdraw_by_applicant(r, CaseKey::AccessCode(&code), &"长".repeat(501))
            .await,
        Err(WithdrawError::ReasonTooLong)
    ));
    store
        .act_on_case(&caseworker, r, &CaseStep::Accept { complex: false }, "")
        .await
        .unwrap();
    assert_eq!(
        store
            .withdraw_by_applicant(r, CaseKey::AccessCode(&code), "家里情况好转了")
            .await
            .unwrap(),
        S::Withdrawn
    );
    let file = store.case_file(&caseworker, r).await.unwrap();
    let last = file.events.last().expect("the withdrawal");
    assert_eq!(
        (last.state.as_str(), last.actor.as_str(), last.note.as_str()),
        ("withdrawn", "applicant", "家里情况好转了")
    );
    let actors = db
        .raw_texts(&format!(
            "SELECT COALESCE(CAST(actor AS TEXT), 'nobody') FROM audit_log \
             WHERE action = 'case.act' AND subject = '{reference}' ORDER BY id"
        ))
        .await;
    assert_eq!(actors.len(), 2);
    assert_eq!(actors[0], caseworker.id.to_string());
    assert_eq!(actors[1], "nobody", "no member of staff withdrew it");
    let detail: Value = serde_json::from_str(
        &store
            .audit_entries_of(r)
            .await
            .unwrap()
            .iter()
            .rfind(|(action, _)| action == "case.act")
            .expect("an entry")
            .1,
    )
    .unwrap();
    assert_eq!(detail["by"], "applicant");
    // Once withdrawn, or once decided, there is nothing to withdraw.
    assert!(matches!(
        store
            .withdraw_by_applicant(r, CaseKey::AccessCode(&code), "")
            .await,
        Err(WithdrawError::NotAllowed)
    ));
    let (referred, referred_code) = submit(&store, Value::Null, 6).await;
    store
        .act_on_case(
            &caseworker,
            &referred,
            &CaseStep::Refer {
                organisation: "济宁市慈善总会".into(),
                partner: None,
                consent_given: true,
            },
            "需要长期帮扶",
        )
        .await
        .unwrap();
    assert!(matches!(
        store
            .withdraw_by_applicant(&referred, CaseKey::AccessCode(&referred_code), "")
            .await,
        Err(WithdrawError::NotAllowed)
    ));
}

on_both_databases!(
    resident_withdrawal_sqlite,
    resident_withdrawal_postgres,
    the_applicant_withdraws_their_own_case
);

async fn the_queue_finds_a_name_indexed_before_and_after_migration(db: TestDatabase) {
    let store = db.store_with_clock(Arc::new(ManualClock::new(START))).await;
    let caseworker = staff(&store, "wang.li", Role::Caseworker).await;
    let mut body = example_application("13900139000", Value::Null);
    body["applicant"]["name"] = json!("李 四");
    let (li_si, _) = submit_as(&store, body, 7).await;
    let (zhang_san, _) = submit(&store, Value::Null, 8).await;
    let found = |name: &'static str| {
        let store = store.clone();
        let caseworker = caseworker.clone();
        async move {
            let search = QueueSearch::parse(name).unwrap();
            store
                .case_queue(&caseworker, 1, search.as_ref())
                .await
                .unwrap()
                .items
                .into_iter()
                .map(|i| i.reference)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(found("李四").await, std::slice::from_ref(&li_si));
    assert_eq!(found("张三").await, [zhang_san]);
    assert!(
        db.raw_texts("SELECT name_index FROM applications")
            .await
            .iter()
            .all(|i| !i.contains("李") && !i.contains("张")),
        "only keyed hashes"
    );
    // Applications stored before the index are filled in when the store migrates.
    db.execute_raw("UPDATE applications SET name_index = NULL")
        .await;
    assert!(found("李四").await.is_empty());
    store.migrate().await.unwrap();
    assert_eq!(found("李四").await, [li_si]);
    // Staff of another county find nothing of this one.
    let elsewhere = store
        .create_staff_user(NewStaffUser {
            username: "zhou.qu".parse().unwrap(),
            display_name: "周".into(),
            role: Role::Supervisor,
            county: County::Qufu,
            password: "correct horse battery".parse().unwrap(),
        })
        .await
        .unwrap();
    let search = QueueSearch::parse("张三").unwrap();
    let other = store
        .case_queue(&elsewhere, 1, search.as_ref())
        .await
        .unwrap();
    assert_eq!(other.total, 0);
}

on_both_databases!(
    name_search_sqlite,
    name_search_postgres,
    the_queue_finds_a_name_indexed_before_and_after_migration
);

/// A standard raised after a case was submitted does not change that case's cap; a case
/// submitted from the raise on gets the raised one.
async fn the_cap_is_that_of_the_standards_in_force_on_the_day_of_submission(db: TestDatabase) {
    let clock = ManualClock::new(START);
    let raised_from = time::macros::date!(2026 - 12 - 05);
    let mut raised = rules::Standards::sample_2026();
    raised.urban.dibao_standard = rules::Fen::from_whole_yuan(1010);
    let standards = casework::InForce::new(vec![
        (
            time::macros::date!(2026 - 01 - 01),
            rules::Standards::sample_2026(),
        ),
        (raised_from, raised),
    ])
    .expect("two dates");
    let store = db
        .store_with_clock(Arc::new(clock.clone()))
        .await
        .with_standards(Arc::new(standards));
    let caseworker = staff(&store, "wang.li", Role::Caseworker).await;
    let emergency = || json!({"kind":"fire","urgency":"critical"});
    let (before, _) = submit(&store, emergency(), 1).await;
    clock.advance(time::Duration::days(3));
    let (after, _) = submit(&store, emergency(), 2).await;
    assert_eq!(cap_of(&store, &caseworker, &before).await, Some(98_000));
    assert_eq!(cap_of(&store, &caseworker, &after).await, Some(101_000));
}

/// The cap the store names when refusing an advance far over any cap.
async fn cap_of(store: &Store, staff: &StaffUser, case: &str) -> Option<i64> {
    match store
        .act_on_case(staff, case, &advance(100_000_000), "")
        .await
    {
        Err(ActError::AdvanceOverCap { cap_fen, .. }) => Some(cap_fen),
        _ => None,
    }
}

on_both_databases!(
    cap_in_force_sqlite,
    cap_in_force_postgres,
    the_cap_is_that_of_the_standards_in_force_on_the_day_of_submission
);

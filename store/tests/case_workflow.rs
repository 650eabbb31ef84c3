//! The caseworkers' workflow on a stored case: steps allowed by state, role and county, what each
//! step records, deadlines, messages, and that a refused step leaves no trace.

use std::sync::Arc;

use casework::County;
use casework::{read_application, CaseAction as A, CaseState as S, DocumentKind, IdempotencyKey};
use serde_json::{json, Value};
use store::applications::{ActError, CaseStep, MessageError, Submitted};
use store::clock::ManualClock;
use store::on_both_databases;
use store::staff::{NewStaffUser, Role, StaffUser};
use store::testing::{example_application, TestDatabase};
use store::Store;

async fn submit(store: &Store, emergency: Value, n: u32) -> (String, String) {
    let key: IdempotencyKey = format!("00000000-0000-4000-8000-{n:012}")
        .parse()
        .expect("a key");
    let application =
        read_application(&example_application("13800138000", emergency)).expect("valid");
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

async fn staff(store: &Store, username: &str, role: Role, county: County) -> StaffUser {
    store
        .create_staff_user(NewStaffUser {
            username: username.parse().expect("a username"),
            display_name: format!("{username}名"),
            role,
            county,
            password: "correct horse battery".parse().expect("a password"),
        })
        .await
        .expect("a staff account")
}

/// A Thursday morning, Beijing time, so the working days are easy to count.
const START: time::OffsetDateTime = time::macros::datetime!(2026-12-03 01:00 UTC);

async fn a_case_goes_from_submitted_to_closed(db: TestDatabase) {
    let clock = ManualClock::new(START);
    let store = db.store_with_clock(Arc::new(clock.clone())).await;
    let (reference, code) = submit(&store, Value::Null, 1).await;
    let r = reference.as_str();
    let caseworker = staff(&store, "wang.li", Role::Caseworker, County::Rencheng).await;
    let colleague = staff(&store, "liu.qiang", Role::Caseworker, County::Rencheng).await;
    let supervisor = staff(&store, "li.na", Role::Supervisor, County::Rencheng).await;

    let case = store.find_case(r, &code).await.unwrap().unwrap();
    assert_eq!(case.next_deadline.map(|d| d.kind), Some("accept"));

    let act = |who: &StaffUser, step: CaseStep, note: &'static str| {
        let store = store.clone();
        let who = who.clone();
        let reference = reference.clone();
        async move { store.act_on_case(&who, &reference, &step, note).await }
    };
    assert_eq!(
        act(
            &caseworker,
            CaseStep::Accept { complex: false },
            "材料容缺受理"
        )
        .await
        .unwrap(),
        S::Accepted
    );
    let case = store.find_case(r, &code).await.unwrap().unwrap();
    let decision = case.next_deadline.expect("a decision deadline");
    assert_eq!(decision.kind, "decision");
    assert_eq!(
        decision.due_at,
        START + time::Duration::days(28),
        "20 working days"
    );
    assert_eq!(
        act(&caseworker, CaseStep::Plain(A::StartVerification), "")
            .await
            .unwrap(),
        S::Verifying
    );
    assert_eq!(
        act(&caseworker, CaseStep::Plain(A::StartHomeVisit), "")
            .await
            .unwrap(),
        S::HomeVisit
    );
    // The second visitor is another member of staff: not oneself.
    assert!(matches!(
        act(
            &caseworker,
            CaseStep::RecordHomeVisit {
                second_visitor: caseworker.clone()
            },
            ""
        )
        .await,
        Err(ActError::SecondVisitor)
    ));
    assert_eq!(
        act(
            &caseworker,
            CaseStep::RecordHomeVisit {
                second_visitor: colleague.clone()
            },
            "家中无劳动力"
        )
        .await
        .unwrap(),
        S::Review
    );
    // Approval waits for the public notice.
    assert!(matches!(
        act(&supervisor, CaseStep::Plain(A::Approve), "符合低保").await,
        Err(ActError::NotAllowed(_))
    ));
    assert_eq!(
        act(&caseworker, CaseStep::Plain(A::StartPublicNotice), "")
            .await
            .unwrap(),
        S::PublicNotice
    );
    let case = store.find_case(r, &code).await.unwrap().unwrap();
    assert_eq!(case.next_deadline.map(|d| d.kind), Some("notice_ends"));
    assert!(matches!(
        act(&supervisor, CaseStep::Plain(A::Approve), "符合低保").await,
        Err(ActError::NoticeRunning { .. })
    ));
    clock.advance(time::Duration::days(7));
    assert!(matches!(
        act(&caseworker, CaseStep::Plain(A::Approve), "符合低保").await,
        Err(ActError::NeedsSupervisor)
    ));
    assert!(matches!(
        act(&supervisor, CaseStep::Plain(A::Approve), " ").await,
        Err(ActError::ReasonRequired)
    ));
    assert_eq!(
        act(&supervisor, CaseStep::Plain(A::Approve), "符合低保条件")
            .await
            .unwrap(),
        S::Approved
    );
    assert_eq!(
        act(&caseworker, CaseStep::Plain(A::StartPaying), "")
            .await
            .unwrap(),
        S::Paying
    );
    assert_eq!(
        act(&caseworker, CaseStep::Plain(A::Close), "")
            .await
            .unwrap(),
        S::Closed
    );

    let file = store
        .case_file(&caseworker, r)
        .await
        .expect("the case file");
    let visit = file
        .events
        .iter()
        .find(|e| e.state == "review")
        .expect("the visit");
    assert_eq!(
        (visit.actor.as_str(), visit.second_actor.as_deref()),
        ("wang.li", Some("liu.qiang"))
    );
    // Every step names who took it: the applicant sent it, a caseworker moved it on.
    assert_eq!(file.events[0].acted_by, Some(casework::Actor::Applicant));
    assert_eq!(
        visit.acted_by,
        Some(casework::Actor::Staff { id: caseworker.id })
    );
    assert!(file.decided_at.is_some() && file.accepted_at.is_some());
    assert_eq!(file.applicant_name, "张三");
    let case = store.find_case(r, &code).await.unwrap().unwrap();
    let states: Vec<&str> = case.timeline.iter().map(|e| e.state.as_str()).collect();
    assert_eq!(
        states,
        [
            "submitted",
            "accepted",
            "verifying",
            "home_visit",
            "review",
            "public_notice",
            "approved",
            "paying",
            "closed"
        ]
    );
    assert_eq!(case.next_actor, None);
    // The receipt and one SMS per step taken; none for the refused ones.
    assert_eq!(store.due_messages(100).await.unwrap().len(), 9);
    assert!(matches!(
        store.verify_audit_log().await,
        Ok(store::audit::AuditVerification::Intact { .. })
    ));
}

on_both_databases!(
    main_line_sqlite,
    main_line_postgres,
    a_case_goes_from_submitted_to_closed
);

async fn only_staff_of_the_county_see_or_touch_a_case(db: TestDatabase) {
    let store = db.store().await;
    let (reference, code) = submit(&store, Value::Null, 2).await;
    let r = reference.as_str();
    let elsewhere = staff(&store, "zhou.qu", Role::Supervisor, County::Qufu).await;
    let volunteer = staff(&store, "zhao.v", Role::Volunteer, County::Rencheng).await;
    let accept = CaseStep::Accept { complex: false };
    assert!(matches!(
        store.act_on_case(&elsewhere, r, &accept, "").await,
        Err(ActError::OtherCounty)
    ));
    assert!(matches!(
        store.act_on_case(&volunteer, r, &accept, "").await,
        Err(ActError::Volunteer)
    ));
    assert!(matches!(
        store.case_file(&elsewhere, r).await,
        Err(ActError::OtherCounty)
    ));
    assert!(matches!(
        store.case_file(&volunteer, r).await,
        Err(ActError::Volunteer)
    ));
    assert!(matches!(
        store.send_case_message(&elsewhere, r, "您好").await,
        Err(MessageError::Access(ActError::OtherCounty))
    ));
    assert!(matches!(
        store
            .act_on_case(&elsewhere, "JSJ-2026-999999", &accept, "")
            .await,
        Err(ActError::NotFound)
    ));
    let case = store.find_case(r, &code).await.unwrap().unwrap();
    assert_eq!(case.timeline.len(), 1, "nothing refused left a trace");
    assert_eq!(store.due_messages(100).await.unwrap().len(), 1);
}

on_both_databases!(
    access_sqlite,
    access_postgres,
    only_staff_of_the_county_see_or_touch_a_case
);

async fn an_emergency_is_helped_first_then_documents_and_referral(db: TestDatabase) {
    let clock = ManualClock::new(START);
    let store = db.store_with_clock(Arc::new(clock.clone())).await;
    let (reference, code) = submit(&store, json!({"kind":"fire","urgency":"critical"}), 3).await;
    let r = reference.as_str();
    let caseworker = staff(&store, "wang.li", Role::Caseworker, County::Rencheng).await;
    let queue = store.case_queue(&caseworker, 1, None).await.unwrap().items;
    assert_eq!(
        queue[0].times.next_step().deadline.map(|d| d.kind),
        Some("advance")
    );
    clock.advance(time::Duration::minutes(150));
    assert!(
        queue[0].times.overdue(clock_now(&store)),
        "2 hours have passed"
    );
    assert!(matches!(
        store
            .act_on_case(
                &caseworker,
                r,
                &CaseStep::RecordAdvance { amount_fen: 0 },
                ""
            )
            .await,
        Err(ActError::NoAmount)
    ));
    assert_eq!(
        store
            .act_on_case(
                &caseworker,
                r,
                &CaseStep::RecordAdvance { amount_fen: 80_000 },
                "送去棉被和 800 元"
            )
            .await
            .unwrap(),
        S::AdvancePaid
    );
    let file = store.case_file(&caseworker, r).await.unwrap();
    assert_eq!(file.advance_paid_fen, Some(80_000));
    assert_eq!(
        file.times.next_step().deadline.map(|d| d.kind),
        Some("accept")
    );
    store
        .act_on_case(&caseworker, r, &CaseStep::Accept { complex: true }, "")
        .await
        .unwrap();
    assert!(matches!(
        store
            .act_on_case(&caseworker, r, &CaseStep::RequestDocuments(vec![]), "")
            .await,
        Err(ActError::NoDocuments)
    ));
    store
        .act_on_case(
            &caseworker,
            r,
            &CaseStep::RequestDocuments(vec![DocumentKind::MedicalRecords]),
            "请补病历",
        )
        .await
        .unwrap();
    let case = store.find_case(r, &code).await.unwrap().unwrap();
    assert_eq!(case.status, "needs_documents");
    assert_eq!(case.next_actor, Some(casework::NextActor::Applicant));
    assert_eq!(
        case.missing_documents,
        vec![
            DocumentKind::HouseholdRegister,
            DocumentKind::MedicalRecords
        ]
    );
    store
        .act_on_case(&caseworker, r, &CaseStep::Plain(A::DocumentsReceived), "")
        .await
        .unwrap();
    assert!(store
        .find_case(r, &code)
        .await
        .unwrap()
        .unwrap()
        .missing_documents
        .is_empty());
    let refer = |consent_given| CaseStep::Refer {
        organisation: "济宁市慈善总会".into(),
        partner: None,
        consent_given,
    };
    assert!(matches!(
        store
            .act_on_case(&caseworker, r, &refer(false), "需要长期帮扶")
            .await,
        Err(ActError::NoReferralConsent)
    ));
    assert!(matches!(
        store.act_on_case(&caseworker, r, &refer(true), "").await,
        Err(ActError::ReasonRequired)
    ));
    assert_eq!(
        store
            .act_on_case(&caseworker, r, &refer(true), "需要长期帮扶")
            .await
            .unwrap(),
        S::Referred
    );
    let file = store.case_file(&caseworker, r).await.unwrap();
    assert_eq!(file.referrals[0].organisation, "济宁市慈善总会");
    assert!(file
        .consents
        .iter()
        .any(|c| c.kind == "referral" && c.given_by == "recorded_by:wang.li"));
    assert!(file.complex);
}

fn clock_now(store: &Store) -> time::OffsetDateTime {
    store.clock().now()
}

on_both_databases!(
    emergency_sqlite,
    emergency_postgres,
    an_emergency_is_helped_first_then_documents_and_referral
);

async fn messages_reach_the_tracking_page_and_the_phone(db: TestDatabase) {
    let store = db.store().await;
    let (reference, code) = submit(&store, Value::Null, 4).await;
    let r = reference.as_str();
    let caseworker = staff(&store, "wang.li", Role::Caseworker, County::Rencheng).await;
    assert!(matches!(
        store.send_case_message(&caseworker, r, "  ").await,
        Err(MessageError::Empty)
    ));
    assert!(matches!(
        store
            .send_case_message(&caseworker, r, &"长".repeat(501))
            .await,
        Err(MessageError::TooLong)
    ));
    store
        .send_case_message(&caseworker, r, "请周三上午在家，我们来入户。")
        .await
        .unwrap();
    let case = store.find_case(r, &code).await.unwrap().unwrap();
    assert_eq!(case.messages.len(), 1);
    assert_eq!(case.messages[0].text, "请周三上午在家，我们来入户。");
    let file = store.case_file(&caseworker, r).await.unwrap();
    assert_eq!(file.messages[0].author, "wang.li名");
    let sms = store.due_messages(100).await.unwrap();
    assert_eq!(sms.len(), 2);
    assert!(sms[1].body.contains("case_message"));
    assert!(
        db.raw_texts("SELECT body_sealed FROM application_messages")
            .await[0]
            != "请周三上午在家，我们来入户。",
        "messages are sealed"
    );
}

on_both_databases!(
    messages_sqlite,
    messages_postgres,
    messages_reach_the_tracking_page_and_the_phone
);

/// The queue follows deadlines: an emergency still owed advance help leads, then the case whose
/// deadline falls first, whatever order the cases came in.
async fn the_queue_is_ordered_by_deadline(db: TestDatabase) {
    let clock = ManualClock::new(START);
    let store = db.store_with_clock(Arc::new(clock.clone())).await;
    let caseworker = staff(&store, "wang.li", Role::Caseworker, County::Rencheng).await;
    let (accepted_long_ago, _) = submit(&store, Value::Null, 11).await;
    store
        .act_on_case(
            &caseworker,
            &accepted_long_ago,
            &CaseStep::Accept { complex: true },
            "",
        )
        .await
        .unwrap();
    clock.advance(time::Duration::hours(1));
    let (waiting_to_be_accepted, _) = submit(&store, Value::Null, 12).await;
    clock.advance(time::Duration::hours(1));
    let (urgent, _) = submit(&store, json!({"kind":"fire","urgency":"urgent"}), 13).await;
    clock.advance(time::Duration::hours(1));
    let (critical, _) = submit(&store, json!({"kind":"fire","urgency":"critical"}), 14).await;
    let order: Vec<String> = store
        .case_queue(&caseworker, 1, None)
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|item| item.reference)
        .collect();
    assert_eq!(
        order,
        [critical, urgent, waiting_to_be_accepted, accepted_long_ago],
        "the 2-hour emergency, the 24-hour one, acceptance due tomorrow, a decision due in 30 working days"
    );
}

on_both_databases!(
    queue_order_sqlite,
    queue_order_postgres,
    the_queue_is_ordered_by_deadline
);

/// Decision deadlines are counted in working days of the bureau's calendar: a holiday in it moves
/// the deadline on.
async fn deadlines_follow_the_configured_calendar(db: TestDatabase) {
    use casework::WorkflowLimits;
    let clock = ManualClock::new(START);
    let limits = WorkflowLimits::from_json(
        r#"{"accept_working_days":1,"decide_working_days":2,"decide_complex_working_days":30,
            "notice_days":7,"years":[2026],"holidays":["2026-12-04"],"working_weekend_days":[]}"#,
    )
    .unwrap();
    let store = db
        .store_with_clock(Arc::new(clock.clone()))
        .await
        .with_workflow_limits(limits);
    let caseworker = staff(&store, "wang.li", Role::Caseworker, County::Rencheng).await;
    let (reference, code) = submit(&store, Value::Null, 21).await;
    let case = store.find_case(&reference, &code).await.unwrap().unwrap();
    assert_eq!(
        case.next_deadline.map(|d| d.due_at),
        Some(time::macros::datetime!(2026-12-07 01:00 UTC)),
        "submitted on Thursday; Friday is a holiday, so it is accepted by Monday"
    );
    store
        .act_on_case(
            &caseworker,
            &reference,
            &CaseStep::Accept { complex: false },
            "",
        )
        .await
        .unwrap();
    let case = store.find_case(&reference, &code).await.unwrap().unwrap();
    assert_eq!(
        case.next_deadline.map(|d| (d.kind, d.due_at)),
        Some(("decision", time::macros::datetime!(2026-12-08 01:00 UTC))),
        "two working days from Thursday: Monday and Tuesday"
    );
}

on_both_databases!(
    calendar_sqlite,
    calendar_postgres,
    deadlines_follow_the_configured_calendar
);

/// A rejected case stays in the queue until someone refers it on or closes it: the loop does not
/// end with a refusal.
async fn a_rejected_case_waits_in_the_queue_to_be_referred_on(db: TestDatabase) {
    let store = db.store_with_clock(Arc::new(ManualClock::new(START))).await;
    let caseworker = staff(&store, "wang.li", Role::Caseworker, County::Rencheng).await;
    let supervisor = staff(&store, "li.na", Role::Supervisor, County::Rencheng).await;
    let (reference, code) = submit(&store, Value::Null, 21).await;
    let r = reference.as_str();
    store
        .act_on_case(&caseworker, r, &CaseStep::Accept { complex: false }, "")
        .await
        .unwrap();
    store
        .act_on_case(
            &caseworker,
            r,
            &CaseStep::Plain(A::SendToDeliberation),
            "收入情况复杂",
        )
        .await
        .unwrap();
    store::testing::hold_deliberation(
        &store,
        &caseworker,
        r,
        store::deliberations::MeetingDecision::Reject,
    )
    .await;
    assert_eq!(
        store
            .act_on_case(
                &supervisor,
                r,
                &CaseStep::Plain(A::Reject),
                "收入高于低保标准"
            )
            .await
            .unwrap(),
        S::Rejected
    );
    assert!(
        in_queue(&store, &caseworker, r).await,
        "the rejected case is still to be followed up"
    );
    assert_eq!(
        store
            .act_on_case(
                &caseworker,
                r,
                &CaseStep::Refer {
                    organisation: "济宁市慈善总会".into(),
                    partner: None,
                    consent_given: true,
                },
                "可申请慈善帮扶",
            )
            .await
            .unwrap(),
        S::Referred
    );
    let case = store.find_case(r, &code).await.unwrap().unwrap();
    assert_eq!(case.status, "referred");
    // Closing a referred case ends it undecided: a supervisor's step, with a reason.
    store
        .act_on_case(&supervisor, r, &CaseStep::Plain(A::Close), "慈善总会已接手")
        .await
        .unwrap();
    assert!(
        !in_queue(&store, &caseworker, r).await,
        "a closed case leaves the queue"
    );
}

async fn in_queue(store: &Store, staff: &StaffUser, reference: &str) -> bool {
    store
        .case_queue(staff, 1, None)
        .await
        .unwrap()
        .items
        .iter()
        .any(|item| item.reference == reference)
}

on_both_databases!(
    rejected_then_referred_sqlite,
    rejected_then_referred_postgres,
    a_rejected_case_waits_in_the_queue_to_be_referred_on
);

/// A consent taken earlier (on a phone that synced later) is stored with the time and wording
/// at which it was given; the others with the submission's.
async fn a_consent_keeps_the_time_and_wording_it_was_given_at(db: TestDatabase) {
    let clock = ManualClock::new(START);
    let store = db.store_with_clock(Arc::new(clock.clone())).await;
    let caseworker = staff(&store, "wang.li", Role::Caseworker, County::Rencheng).await;
    let mut application =
        read_application(&example_application("13800138000", Value::Null)).expect("valid");
    let earlier = START - time::Duration::days(2);
    application.consents[0].given =
        Some(casework::Given::new(earlier, "2026-11").expect("a known wording"));
    let key: IdempotencyKey = "00000000-0000-4000-8000-000000000077"
        .parse()
        .expect("a key");
    let Submitted::New(receipt) = store
        .submit_application(&application, &key, "consents")
        .await
        .expect("stored")
    else {
        panic!("a new key stores a new application");
    };
    let file = store
        .case_file(&caseworker, receipt.reference.as_str())
        .await
        .unwrap();
    let first = application.consents[0].kind.as_str();
    let stored: Vec<(&str, time::OffsetDateTime, &str)> = file
        .consents
        .iter()
        .map(|c| (c.kind.as_str(), c.given_at, c.text_version.as_str()))
        .collect();
    assert!(stored.contains(&(first, earlier, "2026-11")), "{stored:?}");
    assert!(
        stored.iter().filter(|(_, at, _)| *at == START).count() == stored.len() - 1,
        "the rest at submission: {stored:?}"
    );
}

on_both_databases!(
    consent_time_sqlite,
    consent_time_postgres,
    a_consent_keeps_the_time_and_wording_it_was_given_at
);

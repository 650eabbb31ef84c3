//! A resident's ways into their cases besides the access code: SMS one-time codes for a phone
//! (limits, expiry, tries), the phone's applications (those made on their behalf included), the
//! phone index of applications stored before it existed, and documents supplied from the to-do
//! list.

use std::sync::Arc;

use casework::{read_application, IdempotencyKey};
use identity::MobileNumber;
use serde_json::{json, Value};
use store::applications::{Submitted, Supplied};
use store::clock::ManualClock;
use store::on_both_databases;
use store::one_time_codes::{CodeCheck, CodeRequest};
use store::testing::TestDatabase;
use store::{Store, StoredFile, UploadAllowance};

fn body(phone: &str, submitted_by: Value) -> Value {
    json!({"applicant":{"name":"张三","id_number":"11010519491231002X","phone":phone,
                        "county":"任城区","address":"任城区某街道 1 号"},
           "submitted_by":submitted_by,
           "household":{"area":"urban","members":[{"age":67,"incomes":[{"kind":"pension","monthly":300.0}]}],
               "assets":{"financial":10000.0,"vehicles_value":0.0,"houses_owned":1}},
           "programmes":["dibao"],
           "emergency":null,
           "consents":{"three_in_one":true,"verification_authorizations":[0],"sensitive_information":true,
                       "public_notice":true,"applicant_confirmed":true},
           "missing_documents":["household_register","income_proof"]})
}

async fn submit(store: &Store, body: &Value, n: u32) -> String {
    let key: IdempotencyKey = format!("00000000-0000-4000-8000-{n:012}")
        .parse()
        .expect("a key");
    let application = read_application(body).expect("valid");
    match store
        .submit_application(&application, &key, &n.to_string())
        .await
        .expect("stored")
    {
        Submitted::New(receipt) => receipt.reference.as_str().to_owned(),
        Submitted::Replayed(_) => panic!("a new key stores a new application"),
    }
}

fn phone(text: &str) -> MobileNumber {
    text.parse().expect("a mobile number")
}

/// The code of the newest one-time code SMS to this phone, read from the outbox.
async fn code_sent_to(store: &Store, to: &str) -> Option<String> {
    store
        .due_messages(1000)
        .await
        .expect("outbox")
        .into_iter()
        .filter(|m| m.recipient == to)
        .filter_map(|m| serde_json::from_str::<Value>(&m.body).ok())
        .filter(|b| b["template"] == "one_time_code")
        .filter_map(|b| b["code"].as_str().map(str::to_owned))
        .next_back()
}

fn clock() -> ManualClock {
    ManualClock::new(time::macros::datetime!(2026-12-03 08:00 UTC))
}

async fn codes_are_limited_per_phone_and_expire(db: TestDatabase) {
    let clock = clock();
    let store = db.store_with_clock(Arc::new(clock.clone())).await;
    submit(&store, &body("13800138001", json!({"type":"self"})), 1).await;
    let mine = phone("13800138001");

    assert_eq!(
        store.request_one_time_code(&mine).await.expect("asked"),
        CodeRequest::Sent
    );
    let first = code_sent_to(&store, "13800138001").await.expect("an SMS");
    assert_eq!(first.len(), 6);
    // Only a keyed hash of the code is stored.
    let stored = db.raw_texts("SELECT code_hash FROM one_time_codes").await;
    assert!(!stored[0].contains(&first));
    // One code a minute…
    assert_eq!(
        store.request_one_time_code(&mine).await.expect("asked"),
        CodeRequest::TooSoon
    );
    // …five an hour.
    for _ in 0..4 {
        clock.advance(time::Duration::seconds(61));
        assert_eq!(
            store.request_one_time_code(&mine).await.expect("asked"),
            CodeRequest::Sent
        );
    }
    clock.advance(time::Duration::seconds(61));
    assert_eq!(
        store.request_one_time_code(&mine).await.expect("asked"),
        CodeRequest::TooMany
    );
    let sms = store.due_messages(1000).await.expect("outbox");
    assert_eq!(
        sms.iter()
            .filter(|m| m.body.contains("one_time_code"))
            .count(),
        5
    );

    // Only the latest code counts, and not after 10 minutes.
    let latest = code_sent_to(&store, "13800138001").await.expect("an SMS");
    clock.advance(time::Duration::minutes(10));
    assert_eq!(
        store
            .check_one_time_code(&mine, &latest)
            .await
            .expect("checked"),
        CodeCheck::Expired
    );
    clock.advance(time::Duration::minutes(51));
    assert_eq!(
        store.request_one_time_code(&mine).await.expect("asked"),
        CodeRequest::Sent,
        "an hour later the phone may ask again"
    );
    let fresh = code_sent_to(&store, "13800138001").await.expect("an SMS");
    let verified = store
        .check_one_time_code(&mine, &fresh)
        .await
        .expect("checked");
    assert_eq!(verified, CodeCheck::Verified(store.phone_index(&mine)));
    assert_eq!(
        store
            .check_one_time_code(&mine, &fresh)
            .await
            .expect("checked"),
        CodeCheck::Expired,
        "a code opens once"
    );
    assert!(matches!(
        store.verify_audit_log().await,
        Ok(store::audit::AuditVerification::Intact { .. })
    ));
    let subjects = db
        .raw_texts("SELECT subject FROM audit_log WHERE action LIKE 'track.%'")
        .await;
    assert!(subjects.iter().all(|s| s == "138****8001"), "{subjects:?}");
}

on_both_databases!(
    limits_sqlite,
    limits_postgres,
    codes_are_limited_per_phone_and_expire
);

async fn five_wrong_tries_void_a_code(db: TestDatabase) {
    let store = db.store_with_clock(Arc::new(clock())).await;
    submit(&store, &body("13800138002", json!({"type":"self"})), 1).await;
    let mine = phone("13800138002");
    store.request_one_time_code(&mine).await.expect("asked");
    let code = code_sent_to(&store, "13800138002").await.expect("an SMS");
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..4 {
        assert_eq!(
            store
                .check_one_time_code(&mine, wrong)
                .await
                .expect("checked"),
            CodeCheck::Wrong
        );
    }
    assert_eq!(
        store
            .check_one_time_code(&mine, wrong)
            .await
            .expect("checked"),
        CodeCheck::TooManyTries
    );
    assert_eq!(
        store
            .check_one_time_code(&mine, &code)
            .await
            .expect("checked"),
        CodeCheck::Expired,
        "the right code no longer opens anything"
    );
}

on_both_databases!(tries_sqlite, tries_postgres, five_wrong_tries_void_a_code);

async fn a_number_without_applications_gets_no_sms_but_the_same_answers(db: TestDatabase) {
    let store = db.store_with_clock(Arc::new(clock())).await;
    let stranger = phone("13900139009");
    assert_eq!(
        store.request_one_time_code(&stranger).await.expect("asked"),
        CodeRequest::Sent
    );
    assert!(store.due_messages(10).await.expect("outbox").is_empty());
    assert_eq!(
        store.request_one_time_code(&stranger).await.expect("asked"),
        CodeRequest::TooSoon
    );
    assert_eq!(
        store
            .check_one_time_code(&stranger, "123456")
            .await
            .expect("checked"),
        CodeCheck::Wrong
    );
}

on_both_databases!(
    stranger_sqlite,
    stranger_postgres,
    a_number_without_applications_gets_no_sms_but_the_same_answers
);

async fn a_phone_lists_its_own_and_its_family_applications(db: TestDatabase) {
    let store = db.store_with_clock(Arc::new(clock())).await;
    let own = submit(&store, &body("13800138003", json!({"type":"self"})), 1).await;
    let by_volunteer = submit(
        &store,
        &body(
            "13800138003",
            json!({"type":"volunteer","volunteer_code":"V001","event_code":"E2026"}),
        ),
        2,
    )
    .await;
    // A daughter applies for her father, giving her own phone as well as his.
    let for_father = submit(
        &store,
        &body(
            "13800138004",
            json!({"type":"family","name":"张小三","phone":"13800138003","relation":"女儿"}),
        ),
        3,
    )
    .await;
    let someone_else = submit(&store, &body("13800138005", json!({"type":"self"})), 4).await;

    let mine = store.phone_index(&phone("13800138003"));
    let list = store.phone_applications(&mine).await.expect("listed");
    let references: Vec<&str> = list.iter().map(|a| a.reference.as_str()).collect();
    assert_eq!(
        references,
        [for_father.as_str(), by_volunteer.as_str(), own.as_str()],
        "newest first, and only this phone's"
    );
    let who: Vec<&str> = list.iter().map(|a| a.submitted_by.as_str()).collect();
    assert_eq!(who, ["family", "volunteer", "self"]);
    assert_eq!(list[0].status, "submitted");
    let father = store.phone_index(&phone("13800138004"));
    assert_eq!(
        store
            .phone_applications(&father)
            .await
            .expect("listed")
            .len(),
        1
    );

    // The phone opens its cases, not others.
    assert!(store
        .find_case_for_phone(&for_father, &mine)
        .await
        .expect("read")
        .is_some());
    assert!(store
        .find_case_for_phone(&someone_else, &mine)
        .await
        .expect("read")
        .is_none());
    // The numbers themselves are nowhere in the index.
    let stored = db
        .raw_texts("SELECT phone_index FROM application_phones")
        .await;
    assert!(stored.iter().all(|s| !s.contains("138001380")));
}

on_both_databases!(
    listing_sqlite,
    listing_postgres,
    a_phone_lists_its_own_and_its_family_applications
);

async fn applications_stored_before_the_index_are_indexed_at_migration(db: TestDatabase) {
    let store = db.store_with_clock(Arc::new(clock())).await;
    submit(&store, &body("13800138006", json!({"type":"self"})), 1).await;
    submit(
        &store,
        &body(
            "13800138007",
            json!({"type":"family","name":"张小三","phone":"13800138006","relation":"儿子"}),
        ),
        2,
    )
    .await;
    // As they were before migration 0007.
    db.execute_raw("DELETE FROM application_phones").await;
    let mine = store.phone_index(&phone("13800138006"));
    assert!(store
        .phone_applications(&mine)
        .await
        .expect("listed")
        .is_empty());
    store.migrate().await.expect("migrate again");
    assert_eq!(
        store.phone_applications(&mine).await.expect("listed").len(),
        2
    );
    store.migrate().await.expect("and once more");
    assert_eq!(
        db.raw_texts("SELECT phone_index FROM application_phones")
            .await
            .len(),
        3,
        "nothing twice"
    );
}

on_both_databases!(
    backfill_sqlite,
    backfill_postgres,
    applications_stored_before_the_index_are_indexed_at_migration
);

async fn a_document_from_the_to_do_list_is_recorded_as_uploaded(db: TestDatabase) {
    let store = db.store_with_clock(Arc::new(clock())).await;
    let reference = submit(&store, &body("13800138008", json!({"type":"self"})), 1).await;
    let file = |document| StoredFile {
        document,
        storage_key: "2026/12/03/abc.jpg",
        content_type: "image/jpeg",
        size: 1234,
        sha256: "00",
    };
    assert_eq!(
        store
            .supply_document(&reference, file("bank_card"), UploadAllowance::default())
            .await
            .expect("checked"),
        Supplied::NotOnTheList
    );
    assert_eq!(
        store
            .supply_document(
                "JSJ-2026-999999",
                file("income_proof"),
                UploadAllowance::default()
            )
            .await
            .expect("checked"),
        Supplied::NotOnTheList
    );
    assert!(store
        .case_uploads(&reference)
        .await
        .expect("listed")
        .is_empty());
    assert_eq!(
        store
            .supply_document(&reference, file("income_proof"), UploadAllowance::default())
            .await
            .expect("stored"),
        Supplied::Recorded
    );
    let case = store
        .open_case(&reference, store::applications::CaseKey::OpenedBefore)
        .await
        .expect("read")
        .expect("the case");
    assert_eq!(
        case.missing_documents,
        [casework::DocumentKind::HouseholdRegister]
    );
    assert_eq!(
        case.uploaded_documents,
        [casework::DocumentKind::IncomeProof]
    );
    assert_eq!(case.timeline.len(), 1, "the timeline is left alone");
    let uploads = store.case_uploads(&reference).await.expect("listed");
    assert_eq!(uploads.len(), 1);
    assert_eq!(
        uploads[0].document,
        Some(casework::DocumentKind::IncomeProof)
    );
    assert_eq!(uploads[0].content_type, "image/jpeg");
    assert_eq!(uploads[0].size, 1234);
    assert_eq!(uploads[0].storage_key, "2026/12/03/abc.jpg");
    let audit = db
        .raw_texts("SELECT action FROM audit_log WHERE action = 'application.document_uploaded'")
        .await;
    assert_eq!(audit.len(), 1);
}

on_both_databases!(
    supplied_sqlite,
    supplied_postgres,
    a_document_from_the_to_do_list_is_recorded_as_uploaded
);

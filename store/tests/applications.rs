//! Storing applications: once per idempotency key, sealed, with consents, documents, timeline
//! and SMS in the same transaction.

use std::sync::Arc;

use casework::{read_application, IdempotencyKey};
use serde_json::{json, Value};
use store::applications::{SubmitError, Submitted};
use store::clock::ManualClock;
use store::on_both_databases;
use store::testing::TestDatabase;

fn body() -> Value {
    json!({"applicant":{"name":"张三","id_number":"11010519491231002X","phone":"13800138000",
                        "county":"任城区","address":"任城区某街道 1 号"},
           "submitted_by":{"type":"self"},
           "household":{"area":"urban","members":[{"age":67,"incomes":[{"kind":"pension","monthly":300.0}]}],
               "assets":{"financial":10000.0,"vehicles_value":0.0,"houses_owned":1}},
           "programmes":["dibao"],
           "emergency":null,
           "consents":{"three_in_one":true,"verification_authorizations":[0],"sensitive_information":true,
                       "public_notice":true},
           "missing_documents":["household_register"]})
}

fn key(n: u32) -> IdempotencyKey {
    format!("00000000-0000-4000-8000-{n:012}")
        .parse()
        .expect("a valid key")
}

async fn a_key_stores_once_and_replays_the_first_answer(db: TestDatabase) {
    let store = db.store().await;
    let application = read_application(&body()).expect("valid");
    let first = store
        .submit_application(&application, &key(1), "hash-a")
        .await
        .expect("stored");
    let Submitted::New(receipt) = first else {
        panic!("the first submission is new")
    };
    assert_eq!(
        receipt.reference.as_str(),
        format!("JSJ-{}-000001", time::OffsetDateTime::now_utc().year())
    );
    let again = store
        .submit_application(&application, &key(1), "hash-a")
        .await
        .expect("replayed");
    assert_eq!(again, Submitted::Replayed(receipt.clone()));
    let other = store
        .submit_application(&application, &key(1), "hash-b")
        .await;
    assert!(matches!(other, Err(SubmitError::KeyReused)));
    let second = store
        .submit_application(&application, &key(2), "hash-a")
        .await
        .expect("stored");
    let Submitted::New(second) = second else {
        panic!("a new key is a new application")
    };
    assert!(second.reference.as_str().ends_with("-000002"));
    assert_ne!(second.access_code, receipt.access_code);
    assert_eq!(store.application_references().await.expect("list").len(), 2);
}

on_both_databases!(
    once_per_key_sqlite,
    once_per_key_postgres,
    a_key_stores_once_and_replays_the_first_answer
);

async fn many_requests_racing_with_one_key_store_one_application(db: TestDatabase) {
    let store = db.store().await;
    let application = read_application(&body()).expect("valid");
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let store = store.clone();
            let application = application.clone();
            tokio::spawn(async move {
                store
                    .submit_application(&application, &key(7), "same")
                    .await
            })
        })
        .collect();
    let mut receipts = Vec::new();
    for task in tasks {
        match task.await.expect("task").expect("stored or replayed") {
            Submitted::New(r) | Submitted::Replayed(r) => receipts.push(r),
        }
    }
    receipts.dedup();
    assert_eq!(receipts.len(), 1, "every racer got the same answer");
    assert_eq!(store.application_references().await.expect("list").len(), 1);
}

on_both_databases!(
    racing_sqlite,
    racing_postgres,
    many_requests_racing_with_one_key_store_one_application
);

async fn identifying_columns_are_sealed(db: TestDatabase) {
    let store = db.store().await;
    let application = read_application(&body()).expect("valid");
    store
        .submit_application(&application, &key(3), "h")
        .await
        .expect("stored");
    // Someone with the database file but not the key sees no ID number, phone, name or household.
    let sealed = db
        .raw_texts(
            "SELECT id_number_sealed || phone_sealed || applicant_name_sealed || address_sealed || household_sealed \
             || response_sealed FROM applications",
        )
        .await;
    for plain in ["11010519491231002X", "13800138000", "张三", "pension"] {
        assert!(
            !sealed[0].contains(plain),
            "{plain} is readable in the database"
        );
    }
    let outbox = db
        .raw_texts("SELECT recipient_sealed || body_sealed FROM outbox")
        .await;
    assert!(!outbox[0].contains("13800138000"));
    let messages = store.due_messages(10).await.expect("outbox");
    assert_eq!(messages.len(), 1, "the SMS is queued with the application");
    assert_eq!(messages[0].recipient, "13800138000");
    assert!(messages[0].body.contains("JSJ-"));
}

on_both_databases!(
    sealed_sqlite,
    sealed_postgres,
    identifying_columns_are_sealed
);

/// Submits a body that must be stored as new, and returns its receipt.
async fn stored(store: &store::Store, body: &Value, n: u32) -> casework::Receipt {
    let application = read_application(body).expect("valid");
    match store
        .submit_application(&application, &key(n), &n.to_string())
        .await
        .expect("stored")
    {
        Submitted::New(receipt) => receipt,
        Submitted::Replayed(_) => panic!("a new key must store a new application"),
    }
}

async fn an_emergency_gets_its_advance_deadline(db: TestDatabase) {
    let start = time::macros::datetime!(2026-12-03 08:00 UTC);
    let store = db.store_with_clock(Arc::new(ManualClock::new(start))).await;
    let mut critical = body();
    critical["emergency"] = json!({"kind":"fire","urgency":"critical"});
    let receipt = stored(&store, &critical, 4).await;
    assert_eq!(
        receipt.advance_due_at,
        Some(start + time::Duration::hours(2))
    );
    let mut urgent = body();
    urgent["emergency"] = json!({"kind":"illness","urgency":"urgent"});
    let receipt = stored(&store, &urgent, 5).await;
    assert_eq!(
        receipt.advance_due_at,
        Some(start + time::Duration::hours(24))
    );
    assert_eq!(receipt.reference.as_str(), "JSJ-2026-000002");
}

on_both_databases!(
    emergency_sqlite,
    emergency_postgres,
    an_emergency_gets_its_advance_deadline
);

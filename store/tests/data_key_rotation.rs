//! The data key: a database records which key it is sealed with, so a wrong key is refused before
//! anything is served, and `rotate_data_key` moves every sealed column and look-up to a new key.

use std::sync::Arc;

use casework::County;
use casework::{read_application, IdempotencyKey, Receipt};
use identity::MobileNumber;
use serde_json::{json, Value};
use store::applications::Submitted;
use store::data_keys::RotateError;
use store::staff::second_factor::TotpSecret;
use store::staff::{Client, FactorUsed, LoginError};
use store::staff::{NewStaffUser, Role};
use store::testing::{example_application, TestDatabase};
use store::{on_both_databases, DataKey, Store, StoreError, SystemClock};

async fn store_with(db: &TestDatabase, key: DataKey) -> Store {
    let store = Store::connect(&db.url, Arc::new(SystemClock), key)
        .await
        .expect("connect");
    store.migrate().await.expect("migrate");
    store
}

async fn submit(store: &Store, body: &Value, n: u32) -> Receipt {
    let application = read_application(body).expect("valid");
    let key: IdempotencyKey = format!("00000000-0000-4000-8000-{n:012}")
        .parse()
        .expect("key");
    match store
        .submit_application(&application, &key, &n.to_string())
        .await
        .expect("stored")
    {
        Submitted::New(receipt) => receipt,
        Submitted::Replayed(_) => panic!("a new key is a new application"),
    }
}

fn phone(text: &str) -> MobileNumber {
    text.parse().expect("a mobile number")
}

async fn a_wrong_key_is_refused_before_anything_is_served(db: TestDatabase) {
    let store = db.store().await;
    store
        .verify_data_key()
        .await
        .expect("the first key is recorded");
    submit(&store, &example_application("13800138000", Value::Null), 1).await;
    store.verify_data_key().await.expect("the same key again");

    let wrong = store_with(&db, DataKey::from_bytes([1; 32])).await;
    let refused = wrong.verify_data_key().await.expect_err("another key");
    assert!(matches!(refused, StoreError::WrongDataKey { .. }));
    assert!(
        refused
            .to_string()
            .contains("PORTAL_DATA_KEY is not the key this database was sealed with"),
        "{refused}"
    );
}

on_both_databases!(
    wrong_key_sqlite,
    wrong_key_postgres,
    a_wrong_key_is_refused_before_anything_is_served
);

async fn a_database_sealed_before_the_check_existed_still_refuses_a_wrong_key(db: TestDatabase) {
    let store = db.store().await;
    submit(&store, &example_application("13800138000", Value::Null), 1).await;
    // As a database from before the check: sealed rows, but no record of the key.
    db.execute_raw("DELETE FROM data_key_check").await;
    let wrong = store_with(&db, DataKey::from_bytes([1; 32])).await;
    assert!(matches!(
        wrong.verify_data_key().await,
        Err(StoreError::WrongDataKey { .. })
    ));
    store.verify_data_key().await.expect("the right key");
    assert!(matches!(
        wrong.verify_data_key().await,
        Err(StoreError::WrongDataKey { .. })
    ));
}

on_both_databases!(
    old_database_sqlite,
    old_database_postgres,
    a_database_sealed_before_the_check_existed_still_refuses_a_wrong_key
);

async fn after_a_rotation_the_new_key_opens_every_case(db: TestDatabase) {
    let old = db.store().await;
    old.verify_data_key().await.expect("recorded");
    let caseworker = old
        .create_staff_user(NewStaffUser {
            username: "caseworker.li".parse().unwrap(),
            display_name: "李经办".into(),
            role: Role::Caseworker,
            county: County::Rencheng,
            password: "a long caseworker passphrase".parse().unwrap(),
        })
        .await
        .expect("staff");
    let mut receipts = Vec::new();
    for n in 1..=3 {
        receipts.push(submit(&old, &example_application("13800138000", Value::Null), n).await);
    }
    let mut family = example_application("13800138004", Value::Null);
    family["submitted_by"] =
        json!({"type":"family","name":"张小三","phone":"13800138003","relation":"女儿"});
    family["consents"]["applicant_confirmed"] = json!(true);
    receipts.push(submit(&old, &family, 4).await);
    old.send_case_message(
        &caseworker,
        receipts[0].reference.as_str(),
        "请补交户口簿。",
    )
    .await
    .expect("message");
    let draft = old.create_draft(r#"{"step":1}"#).await.expect("draft");
    // The caseworker's authenticator app and recovery codes.
    let secret = TotpSecret::generate();
    old.provision_totp(caseworker.id, &secret)
        .await
        .expect("the app");
    let client = Client::new("203.0.113.9", "test");
    let codes = old
        .make_recovery_codes(&caseworker, &secret.code_at(now_unix()).unwrap(), &client)
        .await
        .expect("recovery codes");

    let new_key = DataKey::from_bytes([9; 32]);
    let cli = casework::Actor::system(casework::Actor::CLI);
    assert!(matches!(
        old.rotate_data_key(&new_key, false, &cli).await,
        Err(RotateError::DraftsOpen(1))
    ));
    let report = old
        .rotate_data_key(&new_key, true, &cli)
        .await
        .expect("rotated");
    assert_eq!(report.applications, 4);
    assert_eq!(report.case_messages, 1);
    assert_eq!(report.drafts_discarded, 1);
    assert_eq!(report.staff_accounts, 1);
    assert_eq!(report.recovery_codes_removed, 10);
    assert!(report.outbox_messages >= 5, "{report:?}");
    assert!(old.load_draft(&draft).await.expect("read").is_none());

    // Running it again (say, after an interruption) finds nothing left to move.
    let again = old
        .rotate_data_key(&new_key, false, &cli)
        .await
        .expect("again");
    assert_eq!((again.applications, again.case_messages), (0, 0));
    // Each run is on the record, by whoever ran it, with what it moved.
    let rotations: Vec<_> = old
        .audit_records(None)
        .await
        .expect("audit")
        .into_iter()
        .filter(|r| r.action == "data_key.rotate")
        .collect();
    assert_eq!(rotations.len(), 2);
    assert_eq!(rotations[0].actor, Some(cli.clone()));
    assert!(
        rotations[0].detail.contains("\"applications\":4"),
        "{}",
        rotations[0].detail
    );

    assert!(matches!(
        old.verify_data_key().await,
        Err(StoreError::WrongDataKey { .. })
    ));
    let new = store_with(&db, new_key).await;
    new.verify_data_key()
        .await
        .expect("the new key is the database's");
    for receipt in &receipts {
        assert!(
            new.find_case(receipt.reference.as_str(), receipt.access_code.as_str())
                .await
                .expect("read")
                .is_some(),
            "the access code opens {}",
            receipt.reference.as_str()
        );
        let file = new
            .case_file(&caseworker, receipt.reference.as_str())
            .await
            .expect("the case file opens");
        assert_eq!(file.applicant_name, "张三");
        assert_eq!(file.id_number, "11010519491231002X");
    }
    // The app's secret moved: its codes still sign in (the next step's, the last being taken);
    // the recovery codes, kept only as keyed hashes, are gone.
    assert_eq!(
        new.check_second_factor(
            caseworker.id,
            &secret.code_at(now_unix() + 30).unwrap(),
            &client
        )
        .await
        .expect("the app's code under the new key"),
        FactorUsed::Totp
    );
    assert!(matches!(
        new.check_second_factor(caseworker.id, &codes[0], &client)
            .await,
        Err(LoginError::InvalidCode)
    ));
    let listed = new
        .phone_applications(&new.phone_index(&phone("13800138000")))
        .await
        .expect("listed");
    assert_eq!(listed.len(), 3, "found by phone under the new key");
    let for_father = new
        .phone_applications(&new.phone_index(&phone("13800138003")))
        .await
        .expect("listed");
    assert_eq!(for_father.len(), 1, "the family member's phone too");
    let by_name = store::applications::QueueSearch::parse("张三")
        .expect("a name")
        .expect("a search");
    let named = new
        .case_queue(&caseworker, 1, Some(&by_name))
        .await
        .expect("the queue");
    assert_eq!(named.total, 4, "found by name under the new key");
    let queued = new.due_messages(100).await.expect("the outbox opens");
    assert!(queued.iter().any(|m| m.recipient == "13800138000"));
    assert!(
        old.find_case(
            receipts[0].reference.as_str(),
            receipts[0].access_code.as_str()
        )
        .await
        .map(|found| found.is_none())
        .unwrap_or(true),
        "the old key no longer opens it"
    );
}

on_both_databases!(
    rotate_sqlite,
    rotate_postgres,
    after_a_rotation_the_new_key_opens_every_case
);

fn now_unix() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

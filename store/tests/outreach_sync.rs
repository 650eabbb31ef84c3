//! The outreach sync's store: a record's photos are recorded once per place before its
//! application, the application's transaction links them and keeps the record (client id,
//! sender, fingerprint, phone times, server time) with its audit entry, a repeat answers the first
//! receipt, another record under the same id is refused, and photos of records never stored are
//! removed after a month.

use std::sync::Arc;

use casework::{read_application, Actor, County};
use store::applications::{SubmitError, Submitted};
use store::clock::ManualClock;
use store::on_both_databases;
use store::outreach_sync::OutreachRecord;
use store::staff::{NewStaffUser, Role};
use store::testing::{example_application, TestDatabase};
use store::{Store, StoredFile};

const NOW: time::OffsetDateTime = time::macros::datetime!(2026-12-03 01:00 UTC);
const CLIENT_ID: &str = "3b241101-e2bb-4255-8caf-4136c566a962";

async fn volunteer(store: &Store) -> (i64, String) {
    let account = store
        .create_staff_user(NewStaffUser {
            username: "vol.a".parse().expect("a username"),
            display_name: "志愿者".to_owned(),
            role: Role::Volunteer,
            county: County::Rencheng,
            password: "correct horse battery".parse().expect("a password"),
        })
        .await
        .expect("a volunteer");
    let code = store
        .volunteer_code(account.id)
        .await
        .expect("read")
        .expect("a badge code");
    (account.id, code)
}

fn record(staff_id: i64, code: &str, fingerprint: &str, photos: usize) -> OutreachRecord {
    OutreachRecord {
        client_id: CLIENT_ID.to_owned(),
        fingerprint: fingerprint.to_owned(),
        sent_by_staff_id: staff_id,
        sent_by_code: code.to_owned(),
        taken_at: r#"{"finished":"2026-12-02T09:20:00+08:00"}"#.to_owned(),
        photos,
    }
}

fn file<'a>(storage_key: &'a str) -> StoredFile<'a> {
    StoredFile {
        document: "household_register",
        storage_key,
        content_type: "image/jpeg",
        size: 1000,
        sha256: "00",
    }
}

async fn count(db: &TestDatabase, sql: &str) -> i64 {
    db.raw_texts(&format!("SELECT CAST(COUNT(*) AS TEXT) FROM {sql}"))
        .await[0]
        .parse()
        .expect("a count")
}

async fn a_record_is_stored_once_with_its_photos(db: TestDatabase) {
    let clock = ManualClock::new(NOW);
    let store = db.store_with_clock(Arc::new(clock.clone())).await;
    let (staff_id, code) = volunteer(&store).await;
    let application =
        read_application(&example_application("13800138000", serde_json::Value::Null))
            .expect("a valid application");
    let record = record(staff_id, &code, "f1", 2);

    // Photos are recorded once per place, whoever records them first.
    assert!(!store.outreach_photo_kept(&record, 0).await.expect("read"));
    assert!(store
        .record_outreach_photo(&record, 0, file("2026/12/a.jpg"))
        .await
        .expect("recorded"));
    assert!(
        !store
            .record_outreach_photo(&record, 0, file("2026/12/b.jpg"))
            .await
            .expect("not again"),
        "a second file for the same place is not recorded"
    );
    assert!(store.outreach_photo_kept(&record, 0).await.expect("read"));
    // With a photo missing, the transaction stores nothing.
    assert!(store
        .submit_outreach_application(&application, &record)
        .await
        .is_err());
    assert_eq!(count(&db, "applications").await, 0);
    assert!(store
        .record_outreach_photo(&record, 1, file("2026/12/c.jpg"))
        .await
        .expect("recorded"));

    let Ok(Submitted::New(receipt)) = store
        .submit_outreach_application(&application, &record)
        .await
    else {
        panic!("stored");
    };
    let first = store
        .outreach_receipt(CLIENT_ID, "f1")
        .await
        .expect("read")
        .expect("the first receipt");
    assert_eq!(first.reference, receipt.reference.as_str());
    assert_eq!(first.received_at, NOW);
    let uploads = store
        .case_uploads(receipt.reference.as_str())
        .await
        .expect("the case's files");
    let keys: Vec<&str> = uploads.iter().map(|u| u.storage_key.as_str()).collect();
    assert_eq!(keys, ["2026/12/a.jpg", "2026/12/c.jpg"]);
    let kept = store
        .synced_record(CLIENT_ID)
        .await
        .expect("read")
        .expect("kept");
    assert_eq!(
        kept.sent_by,
        Actor::Volunteer {
            device: code.clone()
        }
    );
    assert_eq!(kept.sent_by_staff_id, staff_id);
    assert_eq!(kept.photos, 2);
    assert_eq!(kept.received_at, NOW);
    assert!(kept.taken_at.contains("finished"));
    let audit = store
        .audit_entries_of(receipt.reference.as_str())
        .await
        .expect("the audit log");
    let actions: Vec<&str> = audit.iter().map(|(action, _)| action.as_str()).collect();
    assert_eq!(actions, ["application.submit", "outreach.sync"]);
    let detail = &audit[1].1;
    assert!(
        detail.contains(CLIENT_ID) && !detail.contains("13800138000"),
        "{detail}"
    );

    // The same record later: the first receipt, stored at the first time, nothing new.
    clock.advance(time::Duration::hours(3));
    let Ok(Submitted::Replayed(again)) = store
        .submit_outreach_application(&application, &record)
        .await
    else {
        panic!("replayed");
    };
    assert_eq!(again.reference, receipt.reference);
    assert_eq!(
        store
            .outreach_receipt(CLIENT_ID, "f1")
            .await
            .expect("read")
            .map(|r| r.received_at),
        Some(NOW)
    );
    // Another record under the same client id.
    assert!(matches!(
        store.outreach_receipt(CLIENT_ID, "f2").await,
        Err(SubmitError::KeyReused)
    ));
    assert!(matches!(
        store
            .submit_outreach_application(&application, &self::record(staff_id, &code, "f2", 0))
            .await,
        Err(SubmitError::KeyReused)
    ));
    assert_eq!(count(&db, "applications").await, 1);
    assert_eq!(count(&db, "outreach_records").await, 1);
    assert_eq!(count(&db, "outbox").await, 1);
}
on_both_databases!(
    stored_once_sqlite,
    stored_once_postgres,
    a_record_is_stored_once_with_its_photos
);

async fn photos_of_records_never_stored_go_after_a_month(db: TestDatabase) {
    let clock = ManualClock::new(NOW);
    let store = db.store_with_clock(Arc::new(clock.clone())).await;
    let (staff_id, code) = volunteer(&store).await;
    let abandoned = record(staff_id, &code, "f1", 1);
    assert!(store
        .record_outreach_photo(&abandoned, 0, file("2026/12/a.jpg"))
        .await
        .expect("recorded"));
    assert_eq!(
        store.remove_stale_outreach_photos().await.expect("swept"),
        0
    );
    clock.advance(time::Duration::days(31));
    // A record stored meanwhile keeps its photo.
    let mut stored = record(staff_id, &code, "f2", 1);
    stored.client_id = "6b2a5f0e-8a8c-4c57-9d0e-1f2a3b4c5d6e".to_owned();
    assert!(store
        .record_outreach_photo(&stored, 0, file("2026/12/b.jpg"))
        .await
        .expect("recorded"));
    let application =
        read_application(&example_application("13800138000", serde_json::Value::Null))
            .expect("a valid application");
    assert!(matches!(
        store
            .submit_outreach_application(&application, &stored)
            .await,
        Ok(Submitted::New(_))
    ));
    clock.advance(time::Duration::days(31));
    assert_eq!(
        store.remove_stale_outreach_photos().await.expect("swept"),
        1
    );
    assert_eq!(count(&db, "uploads").await, 1);
    assert_eq!(
        store.files_to_delete(10).await.expect("queued"),
        ["2026/12/a.jpg"]
    );
}
on_both_databases!(
    stale_photos_sqlite,
    stale_photos_postgres,
    photos_of_records_never_stored_go_after_a_month
);

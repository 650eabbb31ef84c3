//! Uploaded files in the store: how many and how much a draft may hold, the hourly count per
//! client, the files of stale drafts queued for deletion, and a draft's files linked in the
//! same transaction as its application.

use std::sync::Arc;

use casework::{read_application, IdempotencyKey};
use store::applications::Submitted;
use store::clock::ManualClock;
use store::on_both_databases;
use store::testing::{example_application, TestDatabase};
use store::{DraftToken, Room, Store, StoredFile, UploadAllowance};

fn file<'a>(key: &'a str, size: i64) -> StoredFile<'a> {
    StoredFile {
        document: "id_card",
        storage_key: key,
        content_type: "image/jpeg",
        size,
        sha256: "00",
    }
}

async fn store_with_clock(db: &TestDatabase) -> (Store, ManualClock) {
    let clock = ManualClock::new(time::OffsetDateTime::now_utc());
    (db.store_with_clock(Arc::new(clock.clone())).await, clock)
}

async fn record(store: &Store, draft: &DraftToken, key: &str, size: i64) -> Room {
    store
        .record_upload(draft, file(key, size), UploadAllowance::default())
        .await
        .expect("recorded or refused")
}

async fn the_21st_file_of_a_draft_is_refused(db: TestDatabase) {
    let store = db.store().await;
    let draft = store.create_draft("{}").await.unwrap();
    for n in 0..20 {
        assert_eq!(
            record(&store, &draft, &format!("2026/03/f{n}.jpg"), 1000).await,
            Room::Fits
        );
    }

    assert_eq!(
        record(&store, &draft, "2026/03/f20.jpg", 1000).await,
        Room::TooManyFiles
    );
    assert_eq!(store.draft_uploads(&draft).await.unwrap().len(), 20);
    assert_eq!(
        store
            .draft_upload_room(&draft, 0, UploadAllowance::default())
            .await
            .unwrap(),
        Room::TooManyFiles
    );
    // Another draft is not affected.
    let other = store.create_draft("{}").await.unwrap();
    assert_eq!(
        record(&store, &other, "2026/03/g.jpg", 1000).await,
        Room::Fits
    );
}
on_both_databases!(
    the_21st_file_of_a_draft_is_refused_on_sqlite,
    the_21st_file_of_a_draft_is_refused_on_postgres,
    the_21st_file_of_a_draft_is_refused
);

async fn a_file_over_the_drafts_quota_is_refused(db: TestDatabase) {
    let store = db.store().await;
    let draft = store.create_draft("{}").await.unwrap();
    let quota = UploadAllowance::default().max_bytes;

    assert_eq!(
        record(&store, &draft, "2026/03/a.jpg", quota - 10).await,
        Room::Fits
    );
    assert_eq!(
        record(&store, &draft, "2026/03/b.jpg", 11).await,
        Room::OverQuota
    );
    assert_eq!(
        record(&store, &draft, "2026/03/c.jpg", 10).await,
        Room::Fits
    );
    assert_eq!(store.draft_uploads(&draft).await.unwrap().len(), 2);
}
on_both_databases!(
    a_file_over_the_drafts_quota_is_refused_on_sqlite,
    a_file_over_the_drafts_quota_is_refused_on_postgres,
    a_file_over_the_drafts_quota_is_refused
);

async fn parallel_uploads_to_one_draft_stop_at_the_limit(db: TestDatabase) {
    let store = db.store().await;
    let draft = store.create_draft("{}").await.unwrap();
    let tasks: Vec<_> = (0..30)
        .map(|n| {
            let store = store.clone();
            let draft = draft.clone();
            tokio::spawn(async move {
                loop {
                    match store
                        .record_upload(
                            &draft,
                            file(&format!("2026/03/p{n}.jpg"), 1),
                            UploadAllowance::default(),
                        )
                        .await
                    {
                        Ok(room) => return room,
                        // SQLite's one writer: a busy database is tried again.
                        Err(e) if e.to_string().contains("locked") => continue,
                        Err(e) => panic!("{e}"),
                    }
                }
            })
        })
        .collect();
    let mut fits = 0;
    for task in tasks {
        if task.await.unwrap() == Room::Fits {
            fits += 1;
        }
    }

    assert_eq!(fits, 20);
    assert_eq!(store.draft_uploads(&draft).await.unwrap().len(), 20);
}
on_both_databases!(
    parallel_uploads_to_one_draft_stop_at_the_limit_on_sqlite,
    parallel_uploads_to_one_draft_stop_at_the_limit_on_postgres,
    parallel_uploads_to_one_draft_stop_at_the_limit
);

async fn a_stale_drafts_files_are_queued_for_deletion_with_it(db: TestDatabase) {
    let (store, clock) = store_with_clock(&db).await;
    let stale = store.create_draft("{}").await.unwrap();
    record(&store, &stale, "2026/03/stale.jpg", 10).await;
    let sent = store.create_draft("{}").await.unwrap();
    record(&store, &sent, "2026/03/sent.jpg", 10).await;
    let application =
        read_application(&example_application("13800138000", serde_json::Value::Null))
            .expect("valid");
    let key: IdempotencyKey = "draft-sent-0000000000".parse().unwrap();
    store
        .submit_draft_application(&application, &key, "hash", &sent)
        .await
        .unwrap();
    clock.advance(time::Duration::days(31));
    let fresh = store.create_draft("{}").await.unwrap();
    record(&store, &fresh, "2026/03/fresh.jpg", 10).await;

    assert_eq!(store.remove_stale_drafts().await.unwrap(), 2);
    // The removal is on the record, by the housekeeping job, with no resident's data.
    let expired = store.audit_records(None).await.unwrap();
    let expired = expired.last().unwrap();
    assert_eq!(
        (expired.actor.clone(), expired.action.as_str()),
        (
            Some(casework::Actor::system(casework::Actor::HOUSEKEEPING)),
            "drafts.expire"
        )
    );
    assert!(
        expired.detail.contains("\"drafts\":2"),
        "{}",
        expired.detail
    );
    // Nothing stale left: nothing removed, nothing recorded.
    assert_eq!(store.remove_stale_drafts().await.unwrap(), 0);
    assert_eq!(
        store
            .audit_records(None)
            .await
            .unwrap()
            .last()
            .unwrap()
            .action,
        "drafts.expire"
    );
    assert_eq!(
        store
            .audit_records(None)
            .await
            .unwrap()
            .iter()
            .filter(|r| r.action == "drafts.expire")
            .count(),
        1
    );

    assert_eq!(
        store.files_to_delete(100).await.unwrap(),
        vec!["2026/03/stale.jpg"]
    );
    assert!(store.load_draft(&stale).await.unwrap().is_none());
    let keys = db
        .raw_texts("SELECT storage_key FROM uploads ORDER BY storage_key")
        .await;
    assert_eq!(keys, vec!["2026/03/fresh.jpg", "2026/03/sent.jpg"]);
    store.file_deleted("2026/03/stale.jpg").await.unwrap();
    assert!(store.files_to_delete(100).await.unwrap().is_empty());
}
on_both_databases!(
    a_stale_drafts_files_are_queued_for_deletion_with_it_on_sqlite,
    a_stale_drafts_files_are_queued_for_deletion_with_it_on_postgres,
    a_stale_drafts_files_are_queued_for_deletion_with_it
);

/// Makes every update of an upload row fail, as a broken disk or a lost row would.
async fn break_upload_updates(db: &TestDatabase) {
    match db.url.backend() {
        store::Backend::Sqlite => {
            db.execute_raw(
                "CREATE TRIGGER no_attach BEFORE UPDATE ON uploads BEGIN SELECT RAISE(ABORT, 'attach failed'); END;",
            )
            .await
        }
        store::Backend::Postgres => {
            db.execute_raw(
                "CREATE FUNCTION no_attach() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'attach failed'; END $$ LANGUAGE plpgsql; \
                 CREATE TRIGGER no_attach BEFORE UPDATE ON uploads FOR EACH ROW EXECUTE FUNCTION no_attach();",
            )
            .await
        }
    }
}

async fn mend_upload_updates(db: &TestDatabase) {
    match db.url.backend() {
        store::Backend::Sqlite => db.execute_raw("DROP TRIGGER no_attach").await,
        store::Backend::Postgres => db.execute_raw("DROP TRIGGER no_attach ON uploads").await,
    }
}

async fn a_draft_is_stored_with_its_files_or_not_at_all(db: TestDatabase) {
    let store = db.store().await;
    let draft = store.create_draft("{}").await.unwrap();
    record(&store, &draft, "2026/03/id.jpg", 10).await;
    let application =
        read_application(&example_application("13800138000", serde_json::Value::Null))
            .expect("valid");
    let key: IdempotencyKey = format!("draft-{}", draft.as_str()).parse().unwrap();
    break_upload_updates(&db).await;

    let failed = store
        .submit_draft_application(&application, &key, "hash", &draft)
        .await;

    assert!(failed.is_err(), "the attach failed, so the submission did");
    assert!(store.application_references().await.unwrap().is_empty());
    mend_upload_updates(&db).await;
    let Submitted::New(receipt) = store
        .submit_draft_application(&application, &key, "hash", &draft)
        .await
        .unwrap()
    else {
        panic!("sent for the first time")
    };
    let uploads = store
        .case_uploads(receipt.reference.as_str())
        .await
        .unwrap();
    assert_eq!(uploads.len(), 1);
    assert_eq!(uploads[0].storage_key, "2026/03/id.jpg");
}
on_both_databases!(
    a_draft_is_stored_with_its_files_or_not_at_all_on_sqlite,
    a_draft_is_stored_with_its_files_or_not_at_all_on_postgres,
    a_draft_is_stored_with_its_files_or_not_at_all
);

async fn a_cases_to_do_list_takes_so_many_files(db: TestDatabase) {
    let store = db.store().await;
    let application =
        read_application(&example_application("13800138000", serde_json::Value::Null))
            .expect("valid");
    let key: IdempotencyKey = "supplied-files-0000000".parse().unwrap();
    let Submitted::New(receipt) = store
        .submit_application(&application, &key, "hash")
        .await
        .unwrap()
    else {
        panic!("new")
    };
    let reference = receipt.reference.as_str();
    let allowance = UploadAllowance {
        max_files: 3,
        max_bytes: 100,
    };
    let supply = |n: u32, size: i64| {
        let store = store.clone();
        async move {
            let key = format!("2026/03/s{n}.jpg");
            let mut file = file(&key, size);
            file.document = "household_register";
            store
                .supply_document(reference, file, allowance)
                .await
                .unwrap()
        }
    };
    use store::applications::Supplied;

    assert_eq!(supply(1, 60).await, Supplied::Recorded);
    assert_eq!(supply(2, 41).await, Supplied::OverQuota);
    assert_eq!(supply(3, 20).await, Supplied::Recorded);
    assert_eq!(supply(4, 20).await, Supplied::Recorded);
    assert_eq!(supply(5, 0).await, Supplied::TooManyFiles);
    assert_eq!(store.case_uploads(reference).await.unwrap().len(), 3);
    assert_eq!(
        store
            .case_upload_room(reference, 0, allowance)
            .await
            .unwrap(),
        Room::TooManyFiles
    );
}
on_both_databases!(
    a_cases_to_do_list_takes_so_many_files_on_sqlite,
    a_cases_to_do_list_takes_so_many_files_on_postgres,
    a_cases_to_do_list_takes_so_many_files
);

//! `server audit verify` on a real database file: it passes while the log is untouched, and fails,
//! naming the entry, once a row has been edited behind the portal's back with sqlite3.

use std::process::Command;

use casework::{read_application, IdempotencyKey};
use store::testing::{example_application, TestDatabase};

use crate::common;

fn verify(url: &str) -> (bool, String) {
    common::run_server(&["audit", "verify"], &[("DATABASE_URL", url)])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_verify_catches_a_row_edited_with_sqlite3() {
    let db = TestDatabase::sqlite().await;
    let store = db.store().await;
    let body = example_application("13800138000", serde_json::Value::Null);
    let application = read_application(&body).expect("valid");
    for n in 1..=3 {
        let key: IdempotencyKey = format!("00000000-0000-4000-8000-{n:012}")
            .parse()
            .expect("key");
        store
            .submit_application(&application, &key, &n.to_string())
            .await
            .expect("stored");
    }
    store.close().await;
    let url = db.url.as_str().to_owned();
    let (ok, text) = verify(&url);
    assert!(ok, "an untouched log verifies: {text}");
    assert!(text.contains("3 entries"), "{text}");

    let file = db.url.sqlite_path().expect("a SQLite file").to_owned();
    let edited = Command::new("sqlite3")
        // A checkpoint of the closed pool may still hold the file for a moment.
        .args(["-cmd", ".timeout 5000"])
        .arg(&file)
        .arg("DROP TRIGGER audit_log_no_update; UPDATE audit_log SET detail = '{\"county\":\"qufu\"}' WHERE id = 2;")
        .status()
        .expect("sqlite3 is installed");
    assert!(edited.success());
    let (ok, text) = verify(&url);
    assert!(!ok, "an edited row is caught");
    assert!(text.contains("entry 2"), "{text}");
}

/// Three entries through the store, then the store closed: the log as the binary finds it.
async fn three_entries(db: &TestDatabase) {
    let store = db.store().await;
    let body = example_application("13800138000", serde_json::Value::Null);
    let application = read_application(&body).expect("valid");
    for n in 1..=3 {
        let key: IdempotencyKey = format!("00000000-0000-4000-8000-{n:012}")
            .parse()
            .expect("key");
        store
            .submit_application(&application, &key, &n.to_string())
            .await
            .expect("stored");
    }
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_verify_catches_the_last_entry_deleted_on_postgres() {
    let Some(db) = TestDatabase::postgres().await else {
        return;
    };
    three_entries(&db).await;
    let url = db.url.as_str().to_owned();
    let (ok, head) = common::run_server(&["audit", "head"], &[("DATABASE_URL", &url)]);
    assert!(ok, "{head}");
    // The last line: the log lines (warnings) come first.
    let head = head.lines().last().unwrap_or_default().trim().to_owned();
    assert!(
        head.starts_with("3:") && head.len() == 66,
        "COUNT:HASH, got {head}"
    );
    let (ok, text) = common::run_server(
        &["audit", "verify", "--expect-head", &head],
        &[("DATABASE_URL", &url)],
    );
    assert!(ok, "the anchored head is in the log: {text}");

    // A superuser gets around the append-only trigger and removes the newest entry.
    db.execute_raw(
        "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only; \
         DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log)",
    )
    .await;
    let (ok, text) = verify(&url);
    assert!(!ok, "a shortened log is caught: {text}");
    assert!(text.contains("entries were removed from the end"), "{text}");

    // And one who also rewinds the head row is caught by the head kept outside the database.
    db.execute_raw(
        "UPDATE audit_head SET entries = 2, \
         hash = (SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1) WHERE id = 1",
    )
    .await;
    let (ok, text) = verify(&url);
    assert!(ok, "the database alone can no longer tell: {text}");
    let (ok, text) = common::run_server(
        &["audit", "verify", "--expect-head", &head],
        &[("DATABASE_URL", &url)],
    );
    assert!(!ok, "{text}");
    assert!(
        text.contains("does not hold the head anchored outside the database"),
        "{text}"
    );
    let (ok, text) = common::run_server(
        &["audit", "verify", "--expect-head", "3:not-a-hash"],
        &[("DATABASE_URL", &url)],
    );
    assert!(!ok && text.contains("--expect-head"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_verify_catches_the_last_entry_deleted_with_sqlite3() {
    let db = TestDatabase::sqlite().await;
    three_entries(&db).await;
    let url = db.url.as_str().to_owned();
    let file = db.url.sqlite_path().expect("a SQLite file").to_owned();
    let deleted = Command::new("sqlite3")
        // A checkpoint of the closed pool may still hold the file for a moment.
        .args(["-cmd", ".timeout 5000"])
        .arg(&file)
        .arg("DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE id = 3;")
        .status()
        .expect("sqlite3 is installed");
    assert!(deleted.success());
    let (ok, text) = verify(&url);
    assert!(!ok, "a shortened log is caught: {text}");
    assert!(text.contains("entries were removed from the end"), "{text}");
}

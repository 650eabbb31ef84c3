//! `server audit verify` on a real database file: it passes while the log is untouched, and fails,
//! naming the entry, once a row has been edited behind the portal's back with sqlite3.

mod common;

use std::process::Command;

use store::applications::{read_application, IdempotencyKey};
use store::testing::{example_application, TestDatabase};

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
        .arg(&file)
        .arg("DROP TRIGGER audit_log_no_update; UPDATE audit_log SET detail = '{\"county\":\"qufu\"}' WHERE id = 2;")
        .status()
        .expect("sqlite3 is installed");
    assert!(edited.success());
    let (ok, text) = verify(&url);
    assert!(!ok, "an edited row is caught");
    assert!(text.contains("entry 2"), "{text}");
}

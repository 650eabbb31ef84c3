//! `server audit verify` on a real database file: it passes while the log is untouched, and fails,
//! naming the entry, once a row has been edited behind the portal's back with sqlite3.

use std::process::Command;

use store::applications::{read_application, IdempotencyKey};
use store::testing::TestDatabase;

fn verify(url: &str) -> (bool, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["audit", "verify"])
        .env("DATABASE_URL", url)
        // The key of every test database (store::testing::test_data_key), as base64.
        .env(
            "PORTAL_DATA_KEY",
            "KioqKioqKioqKioqKioqKioqKioqKioqKioqKioqKio=",
        )
        .output()
        .expect("run the server binary");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_verify_catches_a_row_edited_with_sqlite3() {
    let db = TestDatabase::sqlite().await;
    let store = db.store().await;
    let body = serde_json::json!({"applicant":{"name":"张三","id_number":"11010519491231002X","phone":"13800138000",
                        "county":"任城区","address":"任城区某街道 1 号"},
           "submitted_by":{"type":"self"},
           "household":{"area":"urban","members":[{"age":67,"incomes":[{"kind":"pension","monthly":300.0}]}],
               "assets":{"financial":10000.0,"vehicles_value":0.0,"houses_owned":1}},
           "programmes":["dibao"], "emergency":null,
           "consents":{"three_in_one":true,"verification_authorizations":[0],"sensitive_information":true,
                       "public_notice":true},
           "missing_documents":[]});
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

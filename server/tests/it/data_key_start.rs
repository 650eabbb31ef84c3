//! The data key at start, through the binary: PostgreSQL without PORTAL_DATA_KEY is refused, a key
//! that is not the database's stops the server with a clear message, and `rotate-key` moves the
//! database to a new key that the server then starts with.

use std::process::Command;

use casework::{read_application, IdempotencyKey};
use store::testing::{example_application, TestDatabase};

/// The test databases' key, as run_server passes it.
const TEST_KEY: &str = "KioqKioqKioqKioqKioqKioqKioqKioqKioqKioqKio=";
/// Another key: 32 bytes of 0x01.
const OTHER_KEY: &str = "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=";

fn run(args: &[&str], env: &[(&str, &str)]) -> (bool, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_server"))
        .args(args)
        .env_remove("PORTAL_DATA_KEY")
        .env_remove("PORTAL_NEW_DATA_KEY")
        .env("PORTAL_ADDR", "127.0.0.1:0")
        .env(
            "PORTAL_CONTENT_DIR",
            concat!(env!("CARGO_MANIFEST_DIR"), "/../content"),
        )
        .envs(env.iter().copied())
        .output()
        .expect("run the server binary");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

async fn one_application(db: &TestDatabase) {
    let store = db.store().await;
    store.verify_data_key().await.expect("the key is recorded");
    let application =
        read_application(&example_application("13800138000", serde_json::Value::Null))
            .expect("valid");
    let key: IdempotencyKey = "00000000-0000-4000-8000-000000000001".parse().expect("key");
    store
        .submit_application(&application, &key, "1")
        .await
        .expect("stored");
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_without_a_data_key_is_refused() {
    let Some(db) = TestDatabase::postgres().await else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let key_file = dir.path().join("data.key");
    let (ok, text) = run(
        &["serve"],
        &[
            ("DATABASE_URL", db.url.as_str()),
            (
                "PORTAL_DATA_KEY_FILE",
                key_file.to_str().unwrap_or_default(),
            ),
        ],
    );
    assert!(!ok, "{text}");
    assert!(
        text.contains("PORTAL_DATA_KEY must be set when the database is PostgreSQL"),
        "{text}"
    );
    assert!(!key_file.exists(), "no key file of its own was made");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_key_stops_the_server_at_start() {
    let db = TestDatabase::sqlite().await;
    one_application(&db).await;
    let (ok, text) = run(
        &["serve"],
        &[
            ("DATABASE_URL", db.url.as_str()),
            ("PORTAL_DATA_KEY", OTHER_KEY),
        ],
    );
    assert!(!ok, "{text}");
    assert!(
        text.contains("PORTAL_DATA_KEY is not the key this database was sealed with"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_rotate_key_the_server_starts_with_the_new_key_only() {
    let Some(db) = TestDatabase::postgres().await else {
        return;
    };
    one_application(&db).await;
    let url = db.url.as_str();
    let (ok, text) = run(
        &["rotate-key"],
        &[
            ("DATABASE_URL", url),
            ("PORTAL_DATA_KEY", TEST_KEY),
            ("PORTAL_NEW_DATA_KEY", OTHER_KEY),
        ],
    );
    assert!(ok, "{text}");
    assert!(text.contains("1 applications"), "{text}");
    let (ok, text) = run(
        &["migrate"],
        &[("DATABASE_URL", url), ("PORTAL_DATA_KEY", TEST_KEY)],
    );
    assert!(!ok, "the old key is refused now: {text}");
    assert!(
        text.contains("is not the key this database was sealed with"),
        "{text}"
    );
    let (ok, text) = run(
        &["migrate"],
        &[("DATABASE_URL", url), ("PORTAL_DATA_KEY", OTHER_KEY)],
    );
    assert!(ok, "the new key is the database's: {text}");
}

/// `rotate-key` moves the uploaded files too: a file sealed under the old key opens under the new
/// one afterwards, and running the rotation again moves nothing twice.
#[tokio::test]
async fn rotate_key_moves_the_uploaded_files_to_the_new_key() {
    let db = TestDatabase::sqlite().await;
    one_application(&db).await;
    let store = db.store().await;
    let uploads_dir = tempfile::tempdir().expect("a folder for the files");
    let name = "2026/12/0b7c6f3e-4a8e-4f0e-9d55-2f7a2b1c9e10.jpg";
    let old_seal = store.file_seal();
    let disk = uploads::LocalDiskStore::new(uploads_dir.path());
    let key: uploads::StorageKey = name.parse().expect("a storage key");
    let photo = b"\xff\xd8\xff\xe0 a photo of the household register".to_vec();
    uploads::FileStore::put(&disk, &key, &old_seal.seal(name, &photo).expect("sealed"))
        .await
        .expect("kept");
    let draft = store.create_draft("{}").await.expect("a draft");
    store
        .record_upload(
            &draft,
            store::StoredFile {
                document: "household_register",
                storage_key: name,
                content_type: "image/jpeg",
                size: photo.len() as i64,
                sha256: "0",
            },
            store::UploadAllowance::default(),
        )
        .await
        .expect("recorded");
    let env = [
        ("DATABASE_URL", db.url.as_str()),
        ("PORTAL_DATA_KEY", TEST_KEY),
        ("PORTAL_NEW_DATA_KEY", OTHER_KEY),
        (
            "PORTAL_UPLOAD_DIR",
            uploads_dir.path().to_str().expect("a path"),
        ),
    ];
    let (ok, text) = run(&["rotate-key", "--discard-drafts"], &env);
    assert!(ok, "{text}");
    assert!(text.contains("1 moved to the new key"), "{text}");
    let stored = uploads::FileStore::get(&disk, &key)
        .await
        .expect("still there");
    assert!(
        old_seal.open(name, &stored).is_err(),
        "no longer under the old key"
    );
    let new_key = store::DataKey::from_base64(OTHER_KEY).expect("a key");
    let opened = store::FileSeal::new(new_key)
        .open(name, &stored)
        .expect("opens under the new key");
    assert_eq!(opened, photo);

    let env = [
        ("DATABASE_URL", db.url.as_str()),
        ("PORTAL_DATA_KEY", TEST_KEY),
        ("PORTAL_NEW_DATA_KEY", OTHER_KEY),
        (
            "PORTAL_UPLOAD_DIR",
            uploads_dir.path().to_str().expect("a path"),
        ),
    ];
    let (ok, text) = run(&["rotate-key", "--discard-drafts"], &env);
    assert!(ok, "{text}");
    assert!(text.contains("0 moved to the new key, 1 already"), "{text}");
}

//! Every file store backend keeps, replaces, returns and deletes files the same way: the local
//! disk always, and a real S3-compatible server when `TEST_S3_ENDPOINT` names one.

use std::sync::Arc;

use time::macros::datetime;
use uploads::testing::test_s3_settings;
use uploads::{FileKind, FileStore, LocalDiskStore, ObjectFileStore, StorageError, StorageKey};

/// Runs a test body once on the local disk and once on S3 (when available).
macro_rules! on_both_backends {
    ($disk:ident, $s3:ident, $body:path) => {
        #[tokio::test]
        async fn $disk() {
            let dir = tempfile::TempDir::new().unwrap();
            $body(Arc::new(LocalDiskStore::new(dir.path()))).await;
        }

        #[tokio::test]
        async fn $s3() {
            if let Some(settings) = test_s3_settings() {
                let store = ObjectFileStore::s3(&settings).expect("an S3 store");
                store.check().await.expect("the test S3 server answers");
                $body(Arc::new(store)).await;
            }
        }
    };
}

fn new_key(kind: FileKind) -> StorageKey {
    StorageKey::new_for(kind, datetime!(2026-03-07 10:00 UTC))
}

on_both_backends!(
    a_file_round_trips_on_disk,
    a_file_round_trips_on_s3,
    a_file_round_trips
);
async fn a_file_round_trips(store: Arc<dyn FileStore>) {
    let key = new_key(FileKind::Pdf);

    store.put(&key, b"%PDF-1.4 first").await.unwrap();
    assert_eq!(store.get(&key).await.unwrap(), b"%PDF-1.4 first");
    store.put(&key, b"%PDF-1.4 second").await.unwrap();
    assert_eq!(store.get(&key).await.unwrap(), b"%PDF-1.4 second");

    store.delete(&key).await.unwrap();
    assert!(matches!(store.get(&key).await, Err(StorageError::NotFound)));
    // Deleting again is done, whatever the backend says about it.
    assert!(matches!(
        store.delete(&key).await,
        Ok(()) | Err(StorageError::NotFound)
    ));
}

on_both_backends!(
    a_missing_file_is_not_found_on_disk,
    a_missing_file_is_not_found_on_s3,
    a_missing_file_is_not_found
);
async fn a_missing_file_is_not_found(store: Arc<dyn FileStore>) {
    assert!(matches!(
        store.get(&new_key(FileKind::Jpeg)).await,
        Err(StorageError::NotFound)
    ));
}

on_both_backends!(
    files_are_kept_apart_on_disk,
    files_are_kept_apart_on_s3,
    files_are_kept_apart
);
async fn files_are_kept_apart(store: Arc<dyn FileStore>) {
    let keys: Vec<_> = (0..3).map(|_| new_key(FileKind::Png)).collect();
    for (i, key) in keys.iter().enumerate() {
        store
            .put(key, format!("file {i}").as_bytes())
            .await
            .unwrap();
    }
    store.delete(&keys[1]).await.unwrap();

    assert_eq!(store.get(&keys[0]).await.unwrap(), b"file 0");
    assert!(matches!(
        store.get(&keys[1]).await,
        Err(StorageError::NotFound)
    ));
    assert_eq!(store.get(&keys[2]).await.unwrap(), b"file 2");
}

#[tokio::test]
async fn an_unreachable_object_store_fails_its_check() {
    let settings = uploads::S3Settings {
        url: "s3://portal-test/x".parse().unwrap(),
        access_key_id: Some("test".into()),
        secret_access_key: Some("test".into()),
        region: None,
        // Port 9 on loopback: nothing listens there.
        endpoint: Some("http://127.0.0.1:9".into()),
        allow_http: true,
    };
    let store = ObjectFileStore::s3(&settings).unwrap();

    assert!(matches!(store.check().await, Err(StorageError::Remote(_))));
}

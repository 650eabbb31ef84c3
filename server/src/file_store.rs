//! The file store the uploads go to: the local disk (`PORTAL_UPLOAD_DIR`, the default) or an
//! S3-compatible object store (`PORTAL_UPLOAD_URL`), either way sealed under the data key before
//! a file leaves the process.

use std::sync::Arc;

use uploads::{
    FileSealer, FileStore, LocalDiskStore, ObjectFileStore, SealError, SealedStore, StorageKey,
    Unsealed,
};

use crate::cli::CliError;
use crate::config::Config;

/// The data key's file sealing, as the file stores use it.
struct DataKeySealer(store::FileSeal);

impl FileSealer for DataKeySealer {
    fn seal(&self, key: &StorageKey, bytes: &[u8]) -> Result<Vec<u8>, SealError> {
        self.0
            .seal(key.as_str(), bytes)
            .map_err(|_| SealError::Seal)
    }

    fn open(&self, key: &StorageKey, sealed: &[u8]) -> Result<Vec<u8>, SealError> {
        self.0
            .open(key.as_str(), sealed)
            .map_err(|_| SealError::Open)
    }

    fn is_sealed(&self, stored: &[u8]) -> bool {
        store::FileSeal::is_sealed(stored)
    }
}

/// The configured backend, unsealed: what is at rest. Tests read it to see what a thief of the
/// disk or the bucket would.
pub fn backend(config: &Config) -> Result<Arc<dyn FileStore>, CliError> {
    let invalid = |reason: String| CliError::Invalid {
        field: "PORTAL_UPLOAD_URL",
        reason,
    };
    Ok(match config.s3_settings().map_err(invalid)? {
        Some(settings) => {
            Arc::new(ObjectFileStore::s3(&settings).map_err(|e| invalid(e.to_string()))?)
        }
        None => Arc::new(LocalDiskStore::new(config.upload_dir.clone())),
    })
}

/// The file store of the running portal: the configured backend, sealed. Files a local disk
/// kept before sealing still open; an object store only ever held sealed files.
pub fn open(config: &Config, store: &store::Store) -> Result<Arc<dyn FileStore>, CliError> {
    let unsealed = if config.upload_url.is_some() {
        Unsealed::Refuse
    } else {
        Unsealed::Read
    };
    Ok(Arc::new(SealedStore::new(
        backend(config)?,
        Arc::new(DataKeySealer(store.file_seal())),
        unsealed,
    )))
}

/// After `rotate-key` moved the database: every stored file sealed under the old key is opened
/// and sealed again under the new one, in place. Files already under the new key are skipped, so
/// a rotation interrupted here is finished by running it again. Returns (moved, already done).
pub async fn reseal_files(
    config: &Config,
    store: &store::Store,
    old: &store::DataKey,
    new: &store::DataKey,
) -> Result<(u64, u64), CliError> {
    let failed = |name: &str, reason: String| CliError::Invalid {
        field: "PORTAL_UPLOAD_URL",
        reason: format!("could not move the file {name} to the new key: {reason}"),
    };
    let files = backend(config)?;
    let (old, new) = (
        store::FileSeal::new(old.clone()),
        store::FileSeal::new(new.clone()),
    );
    let (mut moved, mut done) = (0, 0);
    for name in store.stored_file_keys().await? {
        let Ok(key) = name.parse::<StorageKey>() else {
            return Err(failed(&name, "its name is not a storage key".into()));
        };
        let stored = match files.get(&key).await {
            Ok(stored) => stored,
            // A file whose row outlived it (removed with a stale draft): nothing to move.
            Err(uploads::StorageError::NotFound) => continue,
            Err(e) => return Err(failed(&name, e.to_string())),
        };
        if !store::FileSeal::is_sealed(&stored) || new.open(&name, &stored).is_ok() {
            done += 1;
            continue;
        }
        let plain = old
            .open(&name, &stored)
            .map_err(|_| failed(&name, "it opens with neither key".into()))?;
        let sealed = new
            .seal(&name, &plain)
            .map_err(|e| failed(&name, e.to_string()))?;
        files
            .put(&key, &sealed)
            .await
            .map_err(|e| failed(&name, e.to_string()))?;
        moved += 1;
    }
    Ok((moved, done))
}

/// At start: a configured object store must answer, or the server does not start.
pub async fn check_at_start(config: &Config) -> Result<(), CliError> {
    let invalid = |reason: String| CliError::Invalid {
        field: "PORTAL_UPLOAD_URL",
        reason,
    };
    if let Some(settings) = config.s3_settings().map_err(invalid)? {
        let files = ObjectFileStore::s3(&settings).map_err(|e| invalid(e.to_string()))?;
        files.check().await.map_err(|e| {
            invalid(format!(
                "the object store at {} does not answer as expected: {e}",
                settings.url
            ))
        })?;
    }
    Ok(())
}

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

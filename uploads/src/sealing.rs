//! Files sealed before they leave the process: whichever backend keeps them (the local disk, an
//! S3-compatible store), what it holds is ciphertext. [`SealedStore`] wraps any [`FileStore`];
//! the cipher itself is the caller's ([`FileSealer`]: the portal's data key, in `store`).

use std::sync::Arc;

use async_trait::async_trait;

use crate::storage::{FileStore, StorageError, StorageKey};

/// Seals and opens a file's bytes. `key` is where the file is kept: a sealer binds the sealed
/// bytes to it, so a file copied over another key's does not open.
pub trait FileSealer: Send + Sync {
    fn seal(&self, key: &StorageKey, bytes: &[u8]) -> Result<Vec<u8>, SealError>;
    fn open(&self, key: &StorageKey, sealed: &[u8]) -> Result<Vec<u8>, SealError>;
    /// Whether stored bytes are in the sealed format at all (a marker at their start).
    fn is_sealed(&self, stored: &[u8]) -> bool;
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    #[error("the file could not be sealed")]
    Seal,
    #[error("the stored file does not open with this key (changed, moved, or another key's)")]
    Open,
}

/// What to do with a stored file that is not sealed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unsealed {
    /// Return it as it is: files a local disk store kept before sealing existed.
    Read,
    /// Refuse it: a store that only ever held sealed files.
    Refuse,
}

/// A [`FileStore`] whose files are sealed on the way in and opened on the way out.
pub struct SealedStore {
    inner: Arc<dyn FileStore>,
    sealer: Arc<dyn FileSealer>,
    unsealed: Unsealed,
}

impl SealedStore {
    pub fn new(inner: Arc<dyn FileStore>, sealer: Arc<dyn FileSealer>, unsealed: Unsealed) -> Self {
        Self {
            inner,
            sealer,
            unsealed,
        }
    }
}

#[async_trait]
impl FileStore for SealedStore {
    async fn put(&self, key: &StorageKey, bytes: &[u8]) -> Result<(), StorageError> {
        let sealed = self.sealer.seal(key, bytes)?;
        self.inner.put(key, &sealed).await
    }

    async fn get(&self, key: &StorageKey) -> Result<Vec<u8>, StorageError> {
        let stored = self.inner.get(key).await?;
        if self.sealer.is_sealed(&stored) {
            Ok(self.sealer.open(key, &stored)?)
        } else {
            match self.unsealed {
                Unsealed::Read => Ok(stored),
                Unsealed::Refuse => Err(StorageError::Sealing(SealError::Open)),
            }
        }
    }

    async fn delete(&self, key: &StorageKey) -> Result<(), StorageError> {
        self.inner.delete(key).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MemoryStore;

    /// A stand-in cipher: a marker, then the bytes reversed and bound to the key by its length.
    struct Reverse;

    impl FileSealer for Reverse {
        fn seal(&self, key: &StorageKey, bytes: &[u8]) -> Result<Vec<u8>, SealError> {
            let mut out = b"SEALED".to_vec();
            out.push(u8::try_from(key.as_str().len()).map_err(|_| SealError::Seal)?);
            out.extend(bytes.iter().rev());
            Ok(out)
        }

        fn open(&self, key: &StorageKey, sealed: &[u8]) -> Result<Vec<u8>, SealError> {
            let rest = sealed.strip_prefix(b"SEALED").ok_or(SealError::Open)?;
            let (&len, body) = rest.split_first().ok_or(SealError::Open)?;
            if usize::from(len) != key.as_str().len() {
                return Err(SealError::Open);
            }
            Ok(body.iter().rev().copied().collect())
        }

        fn is_sealed(&self, stored: &[u8]) -> bool {
            stored.starts_with(b"SEALED")
        }
    }

    fn key(text: &str) -> StorageKey {
        text.parse().unwrap()
    }

    #[tokio::test]
    async fn files_go_in_sealed_and_come_out_open() {
        let inner = Arc::new(MemoryStore::new());
        let store = SealedStore::new(inner.clone(), Arc::new(Reverse), Unsealed::Refuse);

        store.put(&key("a/b.png"), b"abc").await.unwrap();

        assert_eq!(inner.get(&key("a/b.png")).await.unwrap(), b"SEALED\x07cba");
        assert_eq!(store.get(&key("a/b.png")).await.unwrap(), b"abc");
        store.delete(&key("a/b.png")).await.unwrap();
        assert!(inner.is_empty());
    }

    #[tokio::test]
    async fn unsealed_files_are_read_or_refused_as_configured() {
        let inner = Arc::new(MemoryStore::new());
        inner.put(&key("old.jpg"), b"plain").await.unwrap();
        let reading = SealedStore::new(inner.clone(), Arc::new(Reverse), Unsealed::Read);
        let refusing = SealedStore::new(inner, Arc::new(Reverse), Unsealed::Refuse);

        assert_eq!(reading.get(&key("old.jpg")).await.unwrap(), b"plain");
        assert!(matches!(
            refusing.get(&key("old.jpg")).await,
            Err(StorageError::Sealing(SealError::Open))
        ));
    }
}

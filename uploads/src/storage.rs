use std::collections::HashMap;
use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::{Mutex, PoisonError};

use async_trait::async_trait;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::FileKind;

const MAX_KEY_LEN: usize = 200;

/// Where a file lives in a [`FileStore`]: a relative path such as
/// `2025/03/5f0c…-….jpg`.
///
/// Only non-empty segments of `a-z`, `0-9` and `-`, separated by `/`, then `.jpg`, `.png` or
/// `.pdf`: no absolute path, no `..`, no backslash, so a key joined to a store's root can never
/// name anything outside it. Build one with [`StorageKey::new_for`] or parse a stored one.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StorageKey {
    key: String,
    kind: FileKind,
}

impl StorageKey {
    /// A fresh key `{yyyy}/{mm}/{uuid}.{ext}`, dated by `now` as given.
    pub fn new_for(kind: FileKind, now: OffsetDateTime) -> Self {
        Self {
            key: format!(
                "{:04}/{:02}/{}.{}",
                now.year(),
                u8::from(now.month()),
                Uuid::new_v4(),
                kind.extension()
            ),
            kind,
        }
    }

    pub fn as_str(&self) -> &str {
        &self.key
    }

    /// The file type, from the key's extension.
    pub fn kind(&self) -> FileKind {
        self.kind
    }
}

impl FromStr for StorageKey {
    type Err = InvalidKey;

    fn from_str(key: &str) -> Result<Self, InvalidKey> {
        if key.len() > MAX_KEY_LEN {
            return Err(InvalidKey);
        }
        let (path, extension) = key.rsplit_once('.').ok_or(InvalidKey)?;
        let kind = FileKind::from_extension(extension).ok_or(InvalidKey)?;
        let safe = path.split('/').all(|segment| {
            !segment.is_empty()
                && segment
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        });
        if !safe {
            return Err(InvalidKey);
        }
        Ok(Self {
            key: key.to_owned(),
            kind,
        })
    }
}

impl fmt::Display for StorageKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.key)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a storage key: expected a relative path like 2025/03/<id>.jpg")]
pub struct InvalidKey;

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("no file is stored under this key")]
    NotFound,
    #[error("file storage failed: {0}")]
    Io(#[from] io::Error),
    /// The object store answered with an error, or could not be reached.
    #[error("the object store failed: {0}")]
    Remote(String),
    #[error(transparent)]
    Sealing(#[from] crate::sealing::SealError),
}

fn not_found_or_io(error: io::Error) -> StorageError {
    if error.kind() == io::ErrorKind::NotFound {
        StorageError::NotFound
    } else {
        StorageError::Io(error)
    }
}

/// Where clean files are kept.
#[async_trait]
pub trait FileStore: Send + Sync {
    /// Stores `bytes` under `key`, replacing what was there. When it returns `Ok`, the file is
    /// complete and durable; a reader never sees part of it.
    async fn put(&self, key: &StorageKey, bytes: &[u8]) -> Result<(), StorageError>;
    async fn get(&self, key: &StorageKey) -> Result<Vec<u8>, StorageError>;
    /// Deleting what is not there is either `Ok` (an object store cannot tell) or
    /// [`StorageError::NotFound`] (the local disk): callers treat both as done.
    async fn delete(&self, key: &StorageKey) -> Result<(), StorageError>;
}

/// Files in a directory tree on the local disk, one file per key.
///
/// A write goes to a temporary file in the target directory, which is synced, renamed over the
/// target and its directory synced: after a crash a key holds the old file or the new one,
/// never half of one. Files are created readable by the portal's user only. Temporary names
/// start with a dot, which no key can, so a leftover from a crash is never served.
#[derive(Debug, Clone)]
pub struct LocalDiskStore {
    root: PathBuf,
}

impl LocalDiskStore {
    /// A store under `root`, created on first write if missing.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        let root = root.into();
        Self {
            root: if root.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                root
            },
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn path_of(&self, key: &StorageKey) -> PathBuf {
        self.root.join(key.as_str())
    }
}

#[async_trait]
impl FileStore for LocalDiskStore {
    async fn put(&self, key: &StorageKey, bytes: &[u8]) -> Result<(), StorageError> {
        let root = self.root.clone();
        let path = self.path_of(key);
        let bytes = bytes.to_vec();
        tokio::task::spawn_blocking(move || write_durably(&root, &path, &bytes))
            .await
            .map_err(io::Error::other)??;
        Ok(())
    }

    async fn get(&self, key: &StorageKey) -> Result<Vec<u8>, StorageError> {
        tokio::fs::read(self.path_of(key))
            .await
            .map_err(not_found_or_io)
    }

    async fn delete(&self, key: &StorageKey) -> Result<(), StorageError> {
        let path = self.path_of(key);
        tokio::task::spawn_blocking(move || {
            std::fs::remove_file(&path)?;
            // Without this a crash can bring a deleted document back.
            match path.parent() {
                Some(dir) => sync_dir(dir),
                None => Ok(()),
            }
        })
        .await
        .map_err(io::Error::other)?
        .map_err(not_found_or_io)
    }
}

fn write_durably(root: &Path, path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| io::Error::other("a storage path always has a parent"))?;
    std::fs::create_dir_all(dir)?;
    let mut file = tempfile::NamedTempFile::new_in(dir)?;
    file.write_all(bytes)?;
    file.as_file().sync_all()?;
    file.persist(path).map_err(|error| error.error)?;
    // The rename, and any directory just created for the key, last only once each directory
    // up to the root is synced.
    for dir in dir.ancestors().take_while(|dir| dir.starts_with(root)) {
        sync_dir(dir)?;
    }
    Ok(())
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}

// Other systems cannot open a directory to sync it; the portal runs on Linux.
#[cfg(not(unix))]
fn sync_dir(_: &Path) -> io::Result<()> {
    Ok(())
}

/// Files in memory, gone with the value: for tests of the code that stores uploads.
#[derive(Debug, Default)]
pub struct MemoryStore {
    files: Mutex<HashMap<StorageKey, Vec<u8>>>,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// How many files are stored.
    pub fn len(&self) -> usize {
        self.files().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    // A panic while holding the lock leaves a map that is still whole: keep using it.
    fn files(&self) -> std::sync::MutexGuard<'_, HashMap<StorageKey, Vec<u8>>> {
        self.files.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[async_trait]
impl FileStore for MemoryStore {
    async fn put(&self, key: &StorageKey, bytes: &[u8]) -> Result<(), StorageError> {
        self.files().insert(key.clone(), bytes.to_vec());
        Ok(())
    }

    async fn get(&self, key: &StorageKey) -> Result<Vec<u8>, StorageError> {
        self.files().get(key).cloned().ok_or(StorageError::NotFound)
    }

    async fn delete(&self, key: &StorageKey) -> Result<(), StorageError> {
        self.files()
            .remove(key)
            .map(drop)
            .ok_or(StorageError::NotFound)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn key(text: &str) -> StorageKey {
        text.parse().unwrap()
    }

    #[test]
    fn safe_relative_keys_parse() {
        for text in [
            "a.pdf",
            "2025/03/0f8e4c1a-7b2d-4e8f-9a6b-3c5d7e9f1a2b.jpg",
            "scans/page-1.png",
        ] {
            assert_eq!(key(text).as_str(), text);
        }
        assert_eq!(key("x/y.png").kind(), FileKind::Png);
    }

    #[test]
    fn keys_that_could_leave_the_root_are_refused() {
        for text in [
            "",
            ".jpg",
            "..",
            "../secret.pdf",
            "2025/../../etc/passwd.pdf",
            "2025/./x.jpg",
            "/etc/passwd.pdf",
            "//server/share/x.pdf",
            "c:/x.jpg",
            "a\\..\\b.jpg",
            "a//b.jpg",
            "a/.jpg",
            "a/b.jpg/",
            " a.jpg",
            "a.jpg\0",
            "~/a.jpg",
        ] {
            assert_eq!(text.parse::<StorageKey>(), Err(InvalidKey), "{text:?}");
        }
    }

    #[test]
    fn keys_of_other_types_or_odd_spelling_are_refused() {
        let too_long = format!("{}.jpg", "a".repeat(MAX_KEY_LEN));
        for text in [
            "a.exe",
            "a.jpg.exe",
            "a.tar.pdf",
            "A.jpg",
            "a.JPG",
            "a.jpeg",
            "a",
            &too_long,
        ] {
            assert_eq!(text.parse::<StorageKey>(), Err(InvalidKey), "{text:?}");
        }
    }

    #[test]
    fn new_keys_are_dated_unique_and_parse_back() {
        let now = datetime!(2025-03-07 10:00 UTC);

        let first = StorageKey::new_for(FileKind::Jpeg, now);
        let second = StorageKey::new_for(FileKind::Jpeg, now);

        assert!(first.as_str().starts_with("2025/03/"), "{first}");
        assert!(first.as_str().ends_with(".jpg"), "{first}");
        assert_ne!(first, second);
        assert_eq!(key(first.as_str()), first);
        assert_eq!(
            StorageKey::new_for(FileKind::Pdf, now).kind(),
            FileKind::Pdf
        );
    }

    #[tokio::test]
    async fn local_disk_store_round_trips_a_file() {
        let dir = tempfile::TempDir::new().unwrap();
        let store = LocalDiskStore::new(dir.path());
        let key = StorageKey::new_for(FileKind::Pdf, datetime!(2025-03-07 10:00 UTC));

        store.put(&key, b"%PDF-1.4 first").await.unwrap();
        assert_eq!(store.get(&key).await.unwrap(), b"%PDF-1.4 first");
        store.put(&key, b"%PDF-1.4 second").await.unwrap();
        assert_eq!(store.get(&key).await.unwrap(), b"%PDF-1.4 second");

        // Nothing but the file itself: no temporary file left behind.
        let month = dir.path().join("2025/03");
        let names: Vec<_> = std::fs::read_dir(&month)
            .unwrap()
            .map(|entry| entry.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1);
        assert_eq!(
            month.join(&names[0]),
            dir.path().join(key.as_str()),
            "stored at root/key"
        );

        store.delete(&key).await.unwrap();
        assert!(matches!(store.get(&key).await, Err(StorageError::NotFound)));
        assert!(matches!(
            store.delete(&key).await,
            Err(StorageError::NotFound)
        ));
    }

    #[tokio::test]
    async fn local_disk_store_files_are_private_to_the_portal() {
        let dir = tempfile::TempDir::new().unwrap();
        let store = LocalDiskStore::new(dir.path());
        let key = key("a/b.jpg");

        store.put(&key, b"photo").await.unwrap();

        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("a/b.jpg"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0, "mode {mode:o}");
        }
    }

    #[tokio::test]
    async fn memory_store_round_trips_a_file() {
        let store = MemoryStore::new();
        let key = key("2025/03/x.png");
        assert!(store.is_empty());

        store.put(&key, b"png").await.unwrap();
        assert_eq!(store.get(&key).await.unwrap(), b"png");
        assert_eq!(store.len(), 1);

        store.delete(&key).await.unwrap();
        assert!(matches!(store.get(&key).await, Err(StorageError::NotFound)));
        assert!(matches!(
            store.delete(&key).await,
            Err(StorageError::NotFound)
        ));
    }

    #[tokio::test]
    async fn stores_work_behind_the_trait() {
        let dir = tempfile::TempDir::new().unwrap();
        let stores: Vec<Box<dyn FileStore>> = vec![
            Box::new(MemoryStore::new()),
            Box::new(LocalDiskStore::new(dir.path())),
        ];
        for store in stores {
            assert!(matches!(
                store.get(&key("none.pdf")).await,
                Err(StorageError::NotFound)
            ));
        }
    }
}

//! Documents residents upload with an aid application: ID cards, household registers, medical
//! records, mostly photographed with phones.
//!
//! Phone photos carry EXIF metadata, often with the GPS position of the resident's home, and an
//! upload form accepts whatever bytes a browser sends. Before anything is kept, [`sanitize`]
//! checks the size, sniffs the real type from the content (never the name or declared type),
//! accepts only JPEG, PNG, WebP and PDF, and decodes and re-encodes images, which leaves every
//! piece of metadata behind. What comes out ([`CleanFile`]) goes to a [`FileStore`] under a
//! [`StorageKey`] that cannot point outside the store.
//!
//! Nothing here knows about HTTP. [`sanitize`] is CPU-bound (it decodes whole photos): async
//! callers run it in `tokio::task::spawn_blocking`, and cap the request body before buffering it.

mod sanitize;
mod storage;

pub use sanitize::{sanitize, CleanFile, FileKind, UploadError, UploadPolicy};
pub use storage::{FileStore, InvalidKey, LocalDiskStore, MemoryStore, StorageError, StorageKey};

//! Documents residents upload with an aid application: ID cards, household registers, medical
//! records, mostly photographed with phones.
//!
//! Phone photos carry EXIF metadata, often with the GPS position of the resident's home, and an
//! upload form accepts whatever bytes a browser sends. Before anything is kept, [`sanitize`]
//! checks the size, sniffs the real type from the content (never the name or declared type),
//! accepts only JPEG, PNG, WebP and PDF, refuses a canvas over 40 megapixels from its header
//! before decoding a pixel, and decodes and re-encodes images, which leaves every piece of
//! metadata behind. What comes out ([`CleanFile`]) goes to a [`FileStore`] under a
//! [`StorageKey`] that cannot point outside the store: the local disk ([`LocalDiskStore`]) or
//! an S3-compatible object store ([`ObjectFileStore`]), either wrapped in a [`SealedStore`] so
//! that only ciphertext leaves the process.
//!
//! Nothing here knows about HTTP. [`sanitize`] is CPU-bound (it decodes whole photos): async
//! callers run it in `tokio::task::spawn_blocking`, bound how many run at once, and cap the
//! request body before buffering it.

mod object;
mod sanitize;
mod sealing;
mod storage;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

pub use object::{InvalidS3Url, ObjectFileStore, S3Settings, S3Url};
pub use sanitize::{sanitize, CleanFile, FileKind, UploadError, UploadPolicy, MAX_PIXELS};
pub use sealing::{FileSealer, SealError, SealedStore, Unsealed};
pub use storage::{FileStore, InvalidKey, LocalDiskStore, MemoryStore, StorageError, StorageKey};

//! The system of record of the 济时救 portal.
//!
//! One code path over SQLite (embedded default) and PostgreSQL, chosen by the database URL.
//! Nothing here knows about HTTP or HTML: callers get typed results and typed errors.

pub mod applications;
pub mod audit;
pub mod clock;
pub mod county;
mod db;
mod drafts;
pub mod error;
pub mod one_time_codes;
pub mod outbox;
pub mod policy_edits;
pub mod sealed;
pub mod sessions;
pub mod staff;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
mod upload_limits;

pub use clock::{Clock, SystemClock};
pub use county::County;
pub use db::{Backend, DatabaseUrl, Store};
pub use drafts::{DraftToken, DraftUpload, NotADraftToken, Room, StoredFile, UploadAllowance};
pub use error::StoreError;
pub use sealed::{DataKey, FileSeal};
pub use upload_limits::UPLOAD_WINDOW_SECONDS;

//! The system of record of the 济时救 portal.
//!
//! One code path over SQLite (embedded default) and PostgreSQL, chosen by the database URL.
//! Nothing here knows about HTTP or HTML: callers get typed results and typed errors.

pub mod api_keys;
pub mod applications;
pub mod audit;
pub mod clock;
pub mod data_keys;
mod db;
pub mod deliberations;
pub mod discovery;
mod drafts;
pub mod duty;
pub mod error;
mod file_deletions;
pub mod one_time_codes;
pub mod outbox;
pub mod outreach;
pub mod outreach_sync;
pub mod policy_edits;
pub mod rate_limits;
pub mod recipients;
pub mod referrals;
pub mod sealed;
pub mod sessions;
pub mod staff;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

pub use clock::{Clock, SystemClock};
pub use db::{Backend, DatabaseUrl, Store};
pub use drafts::{DraftToken, DraftUpload, NotADraftToken, Room, StoredFile, UploadAllowance};
pub use error::StoreError;
pub use sealed::{DataKey, FileSeal};

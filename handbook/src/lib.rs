//! The policy handbook (POLICY.md §2): categories, departments, life situations and policies,
//! in Chinese and English, parsed and checked as a whole, and searched.
//!
//! Pure: the caller reads the files (see `server`'s content loading) and hands their text in, so
//! a bad file is named with the field at fault and nothing half-loaded is ever served.

mod live;
mod model;
mod search;
mod validate;
mod windows;

pub use live::LiveHandbook;
pub use model::{
    ApplyRoute, Category, Department, Handbook, LifeSituation, Localized, Policy, PolicyText,
};
pub use search::{PolicyQuery, SearchHit};
pub use validate::{ContentError, ContentFiles, ContentProblem};
pub use windows::{
    read_windows, Day, OpeningHours, ServiceWindow, WindowProblem, Windows, WindowsError,
    JINING_COUNTIES,
};

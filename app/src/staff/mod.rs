//! Staff sign-in and the staff workspace. Residents never need an account.

mod login;
#[cfg(feature = "ssr")]
pub mod session;
mod workspace;

pub use login::{StaffLoginPage, StaffLogout, THROTTLED_LOGIN_PATH};
pub use workspace::StaffWorkspacePage;

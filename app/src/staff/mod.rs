//! Staff sign-in and the staff workspace. Residents never need an account.

mod login;
mod policy_editor;
#[cfg(feature = "ssr")]
pub mod session;
mod workspace;

pub use login::{StaffLoginPage, StaffLogout, THROTTLED_LOGIN_PATH};
pub use policy_editor::{PolicyEditorListPage, PolicyEditorPage};
pub use workspace::StaffWorkspacePage;

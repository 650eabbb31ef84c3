//! Who is signed in. The session lives server-side; the cookie holds only its id. The session
//! points to a sign-in of the store (`staff_sign_ins`), which says whether it is still open: not
//! ended (signed out, ended from another device, the account disabled or reset), not idle past
//! 15 minutes and not older than 12 hours. Before both steps of a sign-in are done the session
//! holds only the step reached.

use serde::{Deserialize, Serialize};
use store::staff::StaffUser;
use store::Store;
use tower_sessions::Session;

const SIGN_IN: &str = "sign_in";
const PENDING: &str = "pending_sign_in";

pub const IDLE_TIMEOUT: time::Duration = store::staff::sign_in::IDLE;
pub const ABSOLUTE_TIMEOUT: time::Duration = store::staff::sign_in::ABSOLUTE;

#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("session storage failed: {0}")]
    Session(#[from] tower_sessions::session::Error),
    #[error(transparent)]
    Store(#[from] store::StoreError),
}

/// The step a sign-in has reached before it is complete.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// The password was right; a code of the app (or a recovery code) comes next.
    Code,
    /// The password was right and no app is set up yet: set one up.
    Enrol,
    /// Both factors done after an administrator's reset: a new password comes next.
    NewPassword,
}

/// A sign-in under way: whose, at which step, since when (unix seconds).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pending {
    pub staff_id: i64,
    pub step: Step,
    pub since: i64,
    /// How the second factor was shown, once it was (recorded with the sign-in).
    pub factor: Option<String>,
    /// An administrator reset the password: a new one comes before the sign-in completes.
    pub must_change_password: bool,
}

/// Records a step of a sign-in under a new session id, so that an id planted before is useless.
pub async fn begin_step(session: &Session, pending: &Pending) -> Result<(), SessionError> {
    session.cycle_id().await?;
    session.remove_value(SIGN_IN).await?;
    session.insert(PENDING, pending).await?;
    Ok(())
}

/// The sign-in under way in this session, if it is recent enough.
pub async fn pending(session: &Session, store: &Store) -> Result<Option<Pending>, SessionError> {
    let Some(pending) = session.get::<Pending>(PENDING).await? else {
        return Ok(None);
    };
    let age = store.clock().now().unix_timestamp() - pending.since;
    if age > store::staff::sign_in::STEP_WINDOW.whole_seconds() {
        session.remove_value(PENDING).await?;
        return Ok(None);
    }
    Ok(Some(pending))
}

/// Both steps done: the session now points to the store's sign-in `sign_in`.
pub async fn complete(session: &Session, sign_in: &str) -> Result<(), SessionError> {
    session.cycle_id().await?;
    session.remove_value(PENDING).await?;
    session.insert(SIGN_IN, sign_in).await?;
    Ok(())
}

/// The id of this session's sign-in, whether or not it is still open.
pub async fn sign_in_id(session: &Session) -> Result<Option<String>, SessionError> {
    Ok(session.get::<String>(SIGN_IN).await?)
}

pub async fn sign_out(session: &Session) -> Result<(), SessionError> {
    session.flush().await?;
    Ok(())
}

/// The signed-in staff member, while the sign-in is open.
pub async fn current_staff(
    session: &Session,
    store: &Store,
) -> Result<Option<StaffUser>, SessionError> {
    let Some(sign_in) = sign_in_id(session).await? else {
        return Ok(None);
    };
    match store.signed_in_staff(&sign_in).await? {
        Some(staff) => Ok(Some(staff)),
        None => {
            session.flush().await?;
            Ok(None)
        }
    }
}

/// Who may use an administrators' page.
pub enum AdminAccess {
    SignedOut,
    NotAdmin,
    Admin(StaffUser),
}

pub async fn admin_access(session: &Session, store: &Store) -> Result<AdminAccess, SessionError> {
    Ok(match current_staff(session, store).await? {
        None => AdminAccess::SignedOut,
        Some(staff) if staff.role == store::staff::Role::Admin => AdminAccess::Admin(staff),
        Some(_) => AdminAccess::NotAdmin,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_page_warns_before_the_store_ends_an_idle_sign_in() {
        assert_eq!(
            super::IDLE_TIMEOUT.whole_minutes(),
            super::super::IDLE_MINUTES as i64
        );
    }
}

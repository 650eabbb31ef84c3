//! Who is signed in. The session lives server-side; the cookie holds only its id. Idle expiry
//! (15 minutes) is the session layer's; the absolute limit (12 hours) is checked here.

use store::staff::StaffUser;
use store::Store;
use tower_sessions::Session;

const STAFF_ID: &str = "staff_id";
const SIGNED_IN_AT: &str = "signed_in_at";

pub const IDLE_TIMEOUT: time::Duration = time::Duration::minutes(super::IDLE_MINUTES as i64);
pub const ABSOLUTE_TIMEOUT: time::Duration = time::Duration::hours(12);

#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("session storage failed: {0}")]
    Session(#[from] tower_sessions::session::Error),
    #[error(transparent)]
    Store(#[from] store::StoreError),
}

/// Starts a signed-in session under a new id, so that an id planted before sign-in is useless.
pub async fn sign_in(
    session: &Session,
    store: &Store,
    user: &StaffUser,
) -> Result<(), SessionError> {
    session.cycle_id().await?;
    session.insert(STAFF_ID, user.id).await?;
    session
        .insert(SIGNED_IN_AT, store.clock().now().unix_timestamp())
        .await?;
    Ok(())
}

pub async fn sign_out(session: &Session) -> Result<(), SessionError> {
    session.flush().await?;
    Ok(())
}

/// The signed-in staff member, if the session is within its absolute limit.
pub async fn current_staff(
    session: &Session,
    store: &Store,
) -> Result<Option<StaffUser>, SessionError> {
    let (Some(id), Some(signed_in_at)) = (
        session.get::<i64>(STAFF_ID).await?,
        session.get::<i64>(SIGNED_IN_AT).await?,
    ) else {
        return Ok(None);
    };
    if store.clock().now().unix_timestamp() - signed_in_at > ABSOLUTE_TIMEOUT.whole_seconds() {
        session.flush().await?;
        return Ok(None);
    }
    Ok(store.staff_user(id).await?)
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

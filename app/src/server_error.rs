//! The one error type of the app's server functions: why one did not do what was asked. It
//! travels to the browser as its JSON wire name (`"unavailable"`), and a form posted without
//! JavaScript gets its status and page instead (the server's `explain_server_fn_error`).

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};

use crate::error_pages::ErrorPage;

rules::wire_enum! {
    /// Why a server function failed.
    PortalError {
        /// The database (which also keeps the sessions) could not be reached, or, in the
        /// browser, the server could not: try again.
        Unavailable = "unavailable",
        /// An argument the pages never send: an unknown language, a field missing.
        BadRequest = "bad_request",
        /// A fault of the portal itself (its wiring, a value it stored that does not read back).
        Internal = "internal",
    }
}

impl std::error::Error for PortalError {}

impl FromServerFnError for PortalError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        #[cfg(feature = "ssr")]
        tracing::warn!(error = %value, "a server function call failed");
        match value {
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => PortalError::BadRequest,
            ServerFnErrorErr::Request(_) => PortalError::Unavailable,
            _ => PortalError::Internal,
        }
    }
}

impl PortalError {
    /// The HTTP status the failure answers with.
    pub fn status(self) -> u16 {
        match self {
            PortalError::Unavailable => 503,
            PortalError::BadRequest => 400,
            PortalError::Internal => 500,
        }
    }

    /// The page a form posted without JavaScript is answered with.
    pub fn page(self) -> ErrorPage {
        match self {
            PortalError::Unavailable => ErrorPage::Unavailable,
            PortalError::BadRequest => ErrorPage::BadRequest,
            PortalError::Internal => ErrorPage::Internal,
        }
    }

    /// Reads the body of a failed server function's answer; one that is not ours is ours to
    /// explain (`Internal`).
    pub fn of_answer(body: &[u8]) -> PortalError {
        PortalError::de(body.to_vec().into())
    }
}

/// What the server functions share to reach the store and the session, and to log and answer
/// their failures the same way.
#[cfg(feature = "ssr")]
pub mod ssr {
    use leptos::prelude::use_context;

    use super::PortalError;

    use crate::staff::session::SessionError;

    /// Something the server provides to every request (`what` names it in the log if not).
    pub fn provided<T: Clone + 'static>(what: &'static str) -> Result<T, PortalError> {
        use_context::<T>().ok_or_else(|| {
            tracing::error!("{what} was not provided to a server function");
            PortalError::Internal
        })
    }

    /// The store the server provides to every request.
    pub fn store() -> Result<store::Store, PortalError> {
        provided("the store")
    }

    /// The request's session.
    pub async fn session() -> Result<tower_sessions::Session, PortalError> {
        leptos_axum::extract::<tower_sessions::Session>()
            .await
            .map_err(|e| {
                tracing::error!(error = %e, "a server function found no session layer");
                PortalError::Internal
            })
    }

    /// Logs a store failure while doing `what`; the database out of reach is `Unavailable`,
    /// anything else (a stored value that does not read back) is ours.
    pub fn store_failed(what: &'static str, error: &store::StoreError) -> PortalError {
        tracing::error!(error = %error, "{what}");
        match error {
            store::StoreError::Database(_) => PortalError::Unavailable,
            _ => PortalError::Internal,
        }
    }

    /// Logs a session failure while doing `what`. Sessions are kept in the database, so one that
    /// cannot be read or written is the database out of reach.
    pub fn session_failed(what: &'static str, error: &SessionError) -> PortalError {
        match error {
            SessionError::Store(e) => store_failed(what, e),
            SessionError::Session(e) => {
                tracing::error!(error = %e, "{what}");
                PortalError::Unavailable
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_reads_back_as_the_error_it_carries() {
        for error in PortalError::ALL {
            let body = error.ser();
            assert_eq!(PortalError::of_answer(&body), *error);
        }
        assert_eq!(
            PortalError::of_answer(b"ServerError|boom"),
            PortalError::Internal
        );
        assert_eq!(
            PortalError::from_server_fn_error(ServerFnErrorErr::MissingArg("lang".into())),
            PortalError::BadRequest
        );
    }
}

//! The layers every request passes through, outermost first in [`crate::router::build_router`].

pub mod body_limit;
pub mod errors;
pub mod login_throttle;
pub mod no_store;
pub mod page_cache;
pub mod same_origin;
pub mod security_headers;
pub mod throttle;

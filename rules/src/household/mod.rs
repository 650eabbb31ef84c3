//! The household: the request of POLICY.md §3.5 as it arrives, and the parsed, valid model.
//!
//! The request types are deliberately lenient (numbers as `Option<f64>`, enum values as
//! `Option<String>`) so that [`Household::parse`] can report every bad field at once instead of
//! failing on the first one inside serde.

mod errors;
mod kinds;
mod lenient;
mod model;
mod parse;
mod request;

pub use errors::{ErrorCode, FieldError, InputErrors};
pub use kinds::{Area, DisabilityKind, EmergencyKind, IncomeKind, SelfCare, Urgency};
pub use model::{Emergency, Household, Income, Member};
pub use parse::{MAX_AGE, MAX_HOUSES, MAX_MEMBERS};
pub use request::{
    AssetsRequest, EmergencyRequest, HouseholdRequest, IncomeRequest, MemberRequest,
};

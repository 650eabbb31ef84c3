//! The eligibility rules engine of the 济时救 portal (POLICY.md §3).
//!
//! Pure and deterministic: no IO, no clock, no threads, so the same code runs in the server, in
//! batch screening and in the browser as WASM.
//!
//! - [`Standards`]: the yearly parameters of §3.1, loaded from JSON and validated
//!   ([`Standards::from_json`], [`Standards::sample_2026`]).
//! - [`HouseholdRequest`] → [`Household::parse`] → [`Household`]: the §3.5 request, lenient on the
//!   wire, with every bad field reported as an [`InputErrors`] list.
//! - [`evaluate`]: every programme of §3.4 with its status, amount and check trail, as the
//!   [`Assessment`] that serializes to the §3.5 response.
//!
//! Money is computed in integer fen ([`Fen`]) and ratios in ten-thousandths ([`Ratio`]), so that
//! every boundary (`<` versus `≤`) is decided exactly.

mod evaluate;
pub mod household;
pub mod money;
pub mod standards;

pub use evaluate::{
    evaluate, evaluate_into, Assessment, Check, HouseholdSummary, Measure, ProgrammeId,
    ProgrammeResult, Rule, StandardsSummary, Status,
};
pub use household::{
    Area, AssetsRequest, DisabilityKind, Emergency, EmergencyKind, EmergencyRequest, ErrorCode,
    FieldError, Household, HouseholdRequest, Income, IncomeKind, IncomeRequest, InputErrors,
    Member, MemberRequest, SelfCare, Urgency,
};
pub use money::{Fen, MoneyError};
pub use standards::{AreaStandards, CareStandard, Ratio, Standards, StandardsError};

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
//!
//! ```
//! use rules::{evaluate, Household, HouseholdRequest, ProgrammeId, Standards};
//!
//! let request: HouseholdRequest = serde_json::from_str(r#"{"area":"urban",
//!   "members":[{"age":67,"self_care":"full","incomes":[{"kind":"pension","monthly":300.0}]}],
//!   "assets":{"financial":10000.0,"vehicles_value":0.0,"houses_owned":1}}"#)?;
//! let household = Household::parse(&request)?;
//! let assessment = evaluate(&Standards::sample_2026(), &household);
//! assert_eq!(assessment.programme(ProgrammeId::Dibao).and_then(|p| p.monthly_amount), Some(680));
//! assert_eq!(assessment.programme(ProgrammeId::Tekun).and_then(|p| p.monthly_amount), Some(1424));
//! assert_eq!(assessment.recommended, Some(ProgrammeId::Tekun));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Where POLICY.md §3 is silent, this crate chooses
//!
//! - **yuan → fen** rounds half up on the decimal the person typed (the shortest representation
//!   of the `f64`), so `1.005` is 101 fen. Amounts above 10¹² yuan are `out_of_range`.
//! - **Per-capita comparisons** are exact (`counted < standard × N`); the per-capita values shown
//!   in the trail are unrounded yuan.
//! - **特困 standard** `ceil(multiplier × dibao_standard)` is ceiled to whole yuan.
//! - **Amounts** of a programme are summed in fen, then rounded once to whole yuan (0.5 up).
//!   单人保 members whose own income reaches the standard stay covered with 0 yuan ("not below 0").
//! - **"Not dibao-eligible"** in `marginal` and `rigid_expense` means the household test; 单人保
//!   only exists inside a marginal household, so it cannot make a household non-marginal.
//!   "Eligible for dibao" in the special programmes and `recommended` includes 单人保.
//! - **`members`**: the people a programme covers: all members for household programmes (also
//!   `needs_review`), the qualifying persons for `tekun`, 单人保, `education` (students),
//!   `employment` (members aged 16–59 who can work and are not employed) and `care_service`;
//!   `[]` when ineligible.
//! - **Per-person checks** carry an extra `member` index (absent on household checks). Yes/no
//!   conditions have a boolean `value` and a `null` threshold; counts are integers; money is yuan.
//! - **`care_service`**: the self-check does not ask where a person lives, so every 特困 person
//!   counts as dispersed support at home.
//! - **`temporary_emergency`** has no monthly amount; its one-off cap is `advance_cap`.
//!   `temporary_expense` has no amount (the policy gives none).
//! - **Missing fields**: booleans default to false, `self_care` to `full`, `rigid_expenses_12m`
//!   to 0, `incomes` to none; `area`, `members`, `assets` and its three fields, each member's
//!   `age` and each income's `kind` and `monthly` are `required`. A fractional age, grade or house
//!   count is `out_of_range`; a non-number where a number belongs is `not_a_number`; a non-string
//!   where an enum value belongs is `unknown_value`.

#[macro_use]
mod wire;
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

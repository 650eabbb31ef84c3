//! The casework domain of the 济时救 portal: what an application is and how it is read
//! (POLICY.md §4 and §6), the case workflow, its deadlines in working days, receipts and
//! references, counties, documents and consents, who acts on a case, and the price-linkage
//! subsidy (价格临时补贴).
//!
//! Pure: no IO, no database, no clock, no UI. The store keeps cases with these types, the pages
//! and the API read requests with them, and the browser bundles use the same rules, so a limit,
//! a state or a county is spelt once.

pub mod actor;
pub mod application;
pub mod county;
pub mod deadline;
pub mod in_force;
pub mod limits;
pub mod partners;
pub mod prices;
pub mod receipt;
pub mod recipient;
pub mod request;
pub mod texts;
pub mod workflow;

pub use actor::{Actor, ActorError};
pub use application::{
    Applicant, Consent, ConsentKind, DocumentKind, EmergencyClaim, Given, NewApplication,
    SubmittedBy, UnknownTextVersion, CONSENT_TEXT_VERSIONS,
};
pub use county::{County, UnknownCounty};
pub use deadline::{CaseTimes, Deadline, NextActor, NextStep};
pub use in_force::{
    beijing_date, read_standards, sample_standards, InForce, InForceError, StandardsFileError,
};
pub use limits::{LimitsError, WorkflowLimits};
pub use partners::{
    read_partners, sample_partners, Contact, InvalidPartnerId, Partner, PartnerId, PartnerKind,
    Partners, PartnersFileError,
};
pub use prices::{
    read_linkage_rules, read_price_index, read_price_month, sample_linkage_rules, subsidy_fen,
    triggered, InvalidYearMonth, LinkageFileError, LinkageRules, PriceField, PriceFileError,
    PriceIndex, PriceIndexMonth, SubsidyBasis, Trigger, TriggerBy, ValueProblem, YearMonth,
};
pub use receipt::{
    random_digits, AccessCode, IdempotencyKey, InvalidIdempotencyKey, Receipt, Reference,
};
pub use recipient::{months_after, Decision, PaymentKind, RecipientState, REVIEW_MONTHS};
pub use request::{fingerprint, read_application, FieldProblem};
pub use texts::{text_problems, ApplicantTexts, FamilyTexts, TextProblem, VolunteerCodes};
pub use workflow::{next_state, CaseAction, CaseState, NotAllowed};

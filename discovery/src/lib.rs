//! Proactive discovery (主动发现): department data in, households assembled, screened with the
//! rules engine, candidates out. Pure: the store brings the records and keeps the results; the
//! server reads the files.
//!
//! - [`Kind`]: the 13 kinds of department file, each with its published specification
//!   (`discovery/files/<kind>.json`, Table Schema) as [`FileSpec`].
//! - [`Header`] and [`read_row`]: one row checked against its specification into a [`Fact`],
//!   with every [`Problem`] of a bad row; Excel's damage undone where nothing is lost ([`cell`]).
//! - [`assemble`], [`build`]: the register's households and the rules' [`rules::Household`] built
//!   from the members' facts, with which records went in and a completeness score.
//! - [`screen`]: a [`Candidate`] with its [`Evidence`], unless nothing is likely or someone in the
//!   household is already known (a recipient or an open case).

pub mod cell;
mod fact;
mod household;
mod kind;
mod reverify;
mod row;
mod screen;
mod spec;

pub use cell::Cell;
pub use fact::{
    BusinessKind, BusinessStatus, Fact, MonitoringCategory, PensionKind, PropertyUse, Registration,
    Relation, SchoolLevel, VehicleKind,
};
pub use household::{
    age_on, assemble, build, AssemblyCount, Built, Person, PersonKey, RegisteredHousehold, Sourced,
    Window,
};
pub use kind::{Kind, KindSet};
pub use reverify::{reverify, Change, Recipient, Reverified, ReverifyCount};
pub use row::{read_row, Header, HeaderError, Problem, ProblemCode, Row};
pub use screen::{screen, Candidate, Evidence, EvidenceMember, EvidenceRecord, NotCandidate};
pub use spec::{Constraints, FieldSpec, FieldType, FileSpec, SpecError};

#[cfg(test)]
mod tests;

rules::wire_enum! {
    /// What a visit to a candidate household found.
    VisitOutcome {
        /// Visited, and the household applied (the assisted application opens prefilled).
        Applied = "applied",
        /// Visited: not eligible, with the reason.
        NotEligible = "not_eligible",
        /// Visited: the household did not want to apply.
        Declined = "declined",
        /// No one found at the address.
        NotFound = "not_found",
    }
}

impl VisitOutcome {
    /// Whether the visit confirmed what the data said (the household is in the need the rules
    /// saw), for the precision of each rule: applied or declined confirm, not eligible refutes,
    /// not found says nothing.
    pub fn confirms(self) -> Option<bool> {
        match self {
            VisitOutcome::Applied | VisitOutcome::Declined => Some(true),
            VisitOutcome::NotEligible => Some(false),
            VisitOutcome::NotFound => None,
        }
    }
}

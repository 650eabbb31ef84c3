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
pub use row::{read_row, Header, HeaderError, Problem, ProblemCode, Row};
pub use screen::{screen, Candidate, Evidence, EvidenceMember, EvidenceRecord, NotCandidate};
pub use spec::{Constraints, FieldSpec, FieldType, FileSpec, SpecError};

#[cfg(test)]
mod tests;

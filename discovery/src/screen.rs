//! Screening a built household with the rules engine: a candidate is a household the rules find
//! likely eligible for a programme (the recommended one of POLICY.md §3.4), in which no one is a
//! recipient or has an open case, with the evidence a caseworker needs before the visit.

use std::collections::HashSet;

use rules::{Check, ProgrammeId, Standards, Status};
use serde::{Deserialize, Serialize};
use time::Date;

use crate::fact::Relation;
use crate::household::{age_on, Built, PersonKey, RegisteredHousehold, Window};
use crate::kind::{Kind, KindSet};

/// A member as the evidence shows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidenceMember {
    pub name: String,
    pub id_number: String,
    pub relation: Relation,
    pub age: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// The programme covers this person (all members for household programmes).
    pub concerned: bool,
}

/// One department record the screening used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidenceRecord {
    pub member: usize,
    pub kind: Kind,
    pub record_id: String,
    pub observed_on: Date,
}

/// Why a household is a candidate: who, which records and their dates, what the rules were
/// given, and their check trail for the programme proposed. Kept sealed; a caseworker reads it
/// before the visit. (Not the whole assessment: with every programme's checks and a copy of the
/// standards it was seven times larger, and writing it was most of a run's last stage.)
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// The household register's number of the household.
    #[serde(default)]
    pub household_no: String,
    pub screened_on: Date,
    pub address: String,
    pub members: Vec<EvidenceMember>,
    pub records: Vec<EvidenceRecord>,
    pub household: rules::Household,
    /// The rules' checks of the programme proposed, as they stood on `screened_on`.
    #[serde(default)]
    pub checks: Vec<Check>,
}

/// A household to visit.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub household_no: String,
    pub county: String,
    pub township: String,
    pub village: String,
    pub programme: ProgrammeId,
    /// Every programme the rules found eligible.
    pub eligible: Vec<ProgrammeId>,
    pub monthly_amount: Option<i64>,
    pub members: Vec<PersonKey>,
    pub score: u8,
    pub sources: KindSet,
    pub standards_year: u16,
    pub evidence: Evidence,
}

/// Why a screened household did not become a candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotCandidate {
    /// The rules find nothing likely.
    NothingLikely,
    /// Someone in it already receives assistance or has an open case.
    AlreadyKnown,
}

/// Screens one household. `known` holds the people who are recipients or have an open case.
pub fn screen(
    standards: &Standards,
    registered: &RegisteredHousehold,
    built: Built,
    window: &Window,
    known: &HashSet<PersonKey>,
) -> Result<Candidate, NotCandidate> {
    if registered
        .members
        .iter()
        .any(|(p, _)| known.contains(&p.key))
    {
        return Err(NotCandidate::AlreadyKnown);
    }
    let assessment = rules::evaluate(standards, &built.household);
    let Some(programme) = assessment.recommended else {
        return Err(NotCandidate::NothingLikely);
    };
    let result = assessment.programme(programme);
    let concerned: Vec<usize> = result.map(|r| r.members.clone()).unwrap_or_default();
    let checks = result.map(|r| r.checks.clone()).unwrap_or_default();
    let head = registered.head();
    Ok(Candidate {
        household_no: registered.household_no.to_owned(),
        county: head.map(|r| r.county.clone()).unwrap_or_default(),
        township: head.map(|r| r.township.clone()).unwrap_or_default(),
        village: head.map(|r| r.village.clone()).unwrap_or_default(),
        programme,
        eligible: assessment
            .programmes
            .iter()
            .filter(|p| p.status == Status::Eligible)
            .map(|p| p.programme)
            .collect(),
        monthly_amount: result.and_then(|r| r.monthly_amount),
        members: registered.members.iter().map(|(p, _)| p.key).collect(),
        score: built.score,
        sources: built.sources,
        standards_year: assessment.standards.year,
        evidence: evidence_of(registered, &built, window, checks, &concerned),
    })
}

/// The evidence of a household's screening: who, which records, what the rules were given, and
/// `checks`; `concerned` are the members the programme covers.
pub(crate) fn evidence_of(
    registered: &RegisteredHousehold,
    built: &Built,
    window: &Window,
    checks: Vec<Check>,
    concerned: &[usize],
) -> Evidence {
    let members = registered
        .members
        .iter()
        .enumerate()
        .map(|(i, (_, r))| EvidenceMember {
            name: r.name.clone(),
            id_number: r.id_number.clone(),
            relation: r.relation,
            age: age_on(r.birth_date, window.day),
            phone: r.phone.clone(),
            concerned: concerned.contains(&i),
        })
        .collect();
    let records = built
        .records
        .iter()
        .map(|(member, kind, record_id, observed_on)| EvidenceRecord {
            member: *member,
            kind: *kind,
            record_id: record_id.clone(),
            observed_on: *observed_on,
        })
        .collect();
    Evidence {
        household_no: registered.household_no.to_owned(),
        screened_on: window.day,
        address: registered
            .head()
            .map(|r| r.address.clone())
            .unwrap_or_default(),
        members,
        records,
        household: built.household.clone(),
        checks,
    }
}

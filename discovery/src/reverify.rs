//! Monthly re-verification (在保必核): a household the bureau assists, checked again against the
//! latest department data with the same rules and the standards in force that month. No change
//! renews it from data alone (静默认证); a change becomes a warning with its evidence for a
//! caseworker, never a decision: nothing happens to a payment without a person.
//!
//! A recipient is found in the data by the keyed hash of the applicant's ID number, and their
//! household is the register's household they live in, as discovery builds it.

use rules::{Assessment, ProgrammeId, Rule, Standards, Status};
use serde::{Deserialize, Serialize};
use time::Date;

use crate::fact::Fact;
use crate::household::{build, Person, PersonKey, RegisteredHousehold, Window};
use crate::kind::{Kind, KindSet};
use crate::screen::{evidence_of, Evidence};

/// A household the bureau assists, as the re-check sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    /// The applicant's keyed ID hash.
    pub person: PersonKey,
    pub programme: ProgrammeId,
    /// Fen per month (0 for 低保边缘, which pays no cash).
    pub monthly_amount_fen: i64,
    /// The day it was last decided or renewed: records newer than this are the month's changes.
    pub since: Date,
}

rules::wire_enum! {
    /// What the data say changed, each with its evidence in the finding.
    Change {
        /// The applicant died (deaths file).
        Died = "died",
        /// The applicant is no longer in the household register.
        LeftRegister = "left_register",
        /// The applicant's registration is now in another county.
        Moved = "moved",
        /// Income is above the programme's line.
        IncomeAboveLine = "income_above_line",
        /// Financial assets above the limit.
        Assets = "assets",
        /// Vehicles above the limit.
        Vehicle = "vehicle",
        /// More homes than the limit.
        Property = "property",
        /// 特困: someone in the household can now support the person.
        Supporter = "supporter",
        /// 特困: the age or disability condition no longer holds.
        Condition = "condition",
        /// A job or a business appeared since the last decision (wages, business registered,
        /// unemployment ended).
        Job = "job",
        /// Still eligible, for another amount.
        AmountChanged = "amount_changed",
    }
}

/// The month's answer for one recipient.
#[derive(Debug, Clone, PartialEq)]
pub struct Reverified {
    /// Empty: renewed from data alone (静默认证).
    pub changes: Vec<Change>,
    /// What the rules find the programme pays now (fen per month), when still eligible.
    pub amount_now_fen: Option<i64>,
    /// A better programme the household now meets, offered with consent (a direct transfer):
    /// 特困 for a 低保 recipient; 低保 or 特困 for a 低保边缘 family.
    pub offer: Option<ProgrammeId>,
    /// What the offered programme pays (fen per month), by the data.
    pub offer_amount_fen: Option<i64>,
    /// What the caseworker reads, for a warning or an offer; absent for a renewal, and when the
    /// applicant is not in the register any more.
    pub evidence: Option<Evidence>,
}

impl Reverified {
    pub fn renewed(&self) -> bool {
        self.changes.is_empty()
    }
}

/// Re-checks `recipient`. `person` is what the data hold on the applicant; `household` the
/// register's household they live in (none when they died or left the register);
/// `coverage` the kinds of file held; `same_county` says whether a registration's county is the
/// recipient's.
pub fn reverify(
    recipient: &Recipient,
    person: Option<&Person>,
    household: Option<&RegisteredHousehold>,
    window: &Window,
    standards: &Standards,
    coverage: KindSet,
    same_county: &dyn Fn(&str) -> bool,
) -> Reverified {
    let died = person.is_some_and(|p| {
        p.records
            .iter()
            .any(|r| matches!(r.fact, Fact::Death { died_on } if died_on <= window.day))
    });
    let (Some(household), false) = (household, died) else {
        let change = if died {
            Change::Died
        } else {
            Change::LeftRegister
        };
        return Reverified {
            changes: vec![change],
            amount_now_fen: None,
            offer: None,
            offer_amount_fen: None,
            evidence: None,
        };
    };
    let built = build(household, window, standards, coverage);
    let assessment = rules::evaluate(standards, &built.household);
    let mut changes = Vec::new();
    if !household
        .members
        .iter()
        .filter(|(p, _)| p.key == recipient.person)
        .any(|(_, r)| same_county(&r.county))
    {
        changes.push(Change::Moved);
    }
    let result = assessment.programme(recipient.programme);
    let eligible = result.is_some_and(|r| r.status == Status::Eligible);
    let amount_now_fen = result
        .filter(|_| eligible)
        .map(|r| r.monthly_amount.unwrap_or(0) * 100);
    if eligible {
        if amount_now_fen != Some(recipient.monthly_amount_fen) {
            changes.push(Change::AmountChanged);
        }
    } else if let Some(result) = result {
        for check in result.checks.iter().filter(|c| !c.passed) {
            if let Some(change) = change_of(check.rule) {
                if !changes.contains(&change) {
                    changes.push(change);
                }
            }
        }
        if changes.is_empty() {
            changes.push(Change::IncomeAboveLine);
        }
    }
    if !changes.is_empty() && new_work_since(household, recipient.since) {
        changes.push(Change::Job);
    }
    let offer = offer_of(recipient.programme, &assessment);
    let offer_amount_fen = offer
        .and_then(|p| assessment.programme(p))
        .map(|r| r.monthly_amount.unwrap_or(0) * 100);
    // Evidence only where a person will read it: a warning or an offer (most households renew).
    let evidence = (!changes.is_empty() || offer.is_some()).then(|| {
        let checks = result.map(|r| r.checks.clone()).unwrap_or_default();
        evidence_of(household, &built, window, checks, &[])
    });
    Reverified {
        changes,
        amount_now_fen,
        offer,
        offer_amount_fen,
        evidence,
    }
}

/// The change a failed check of the recipient's programme means.
fn change_of(rule: Rule) -> Option<Change> {
    Some(match rule {
        Rule::PerCapitaIncomeBelowStandard
        | Rule::OwnIncomeBelowStandard
        | Rule::PerCapitaIncomeBelowMarginalLine
        | Rule::MarginalForIndividualCover => Change::IncomeAboveLine,
        Rule::FinancialAssetsPerCapitaWithinLimit => Change::Assets,
        Rule::VehiclesWithinLimit => Change::Vehicle,
        Rule::HousesWithinLimit => Change::Property,
        Rule::NoAbleSupporter => Change::Supporter,
        Rule::AgeOrDisabilityCondition | Rule::SevereDisabilityOrIllness => Change::Condition,
        _ => return None,
    })
}

/// A direct transfer the household now qualifies for (POLICY.md §1).
fn offer_of(programme: ProgrammeId, assessment: &Assessment) -> Option<ProgrammeId> {
    let eligible = |p: ProgrammeId| {
        assessment
            .programme(p)
            .is_some_and(|r| r.status == Status::Eligible)
    };
    match programme {
        ProgrammeId::Dibao if eligible(ProgrammeId::Tekun) => Some(ProgrammeId::Tekun),
        ProgrammeId::Marginal if eligible(ProgrammeId::Tekun) => Some(ProgrammeId::Tekun),
        ProgrammeId::Marginal if eligible(ProgrammeId::Dibao) => Some(ProgrammeId::Dibao),
        _ => None,
    }
}

/// Whether a member started work or a business after `since`.
fn new_work_since(household: &RegisteredHousehold, since: Date) -> bool {
    household.members.iter().any(|(person, _)| {
        person.records.iter().any(|r| match (&r.fact, r.kind) {
            (Fact::Wages { period_end, .. }, Kind::Wages) => *period_end > since,
            (Fact::Business { registered_on, .. }, Kind::Business) => *registered_on > since,
            (
                Fact::Unemployment {
                    ended_on: Some(ended),
                    ..
                },
                _,
            ) => *ended > since,
            _ => false,
        })
    })
}

/// How a month's re-verification went, counted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReverifyCount {
    pub recipients: u64,
    /// Renewed from data alone (静默认证).
    pub renewed: u64,
    pub warned: u64,
    /// Direct transfers offered.
    pub offered: u64,
    /// Warnings by change.
    pub by_change: std::collections::BTreeMap<String, u64>,
}

impl ReverifyCount {
    pub fn add(&mut self, found: &Reverified) {
        self.add_finding(&found.changes, found.offer.is_some());
    }

    /// Counts one recipient's finding: its changes (none: renewed) and whether a transfer was
    /// offered.
    pub fn add_finding(&mut self, changes: &[Change], offered: bool) {
        self.recipients += 1;
        if changes.is_empty() {
            self.renewed += 1;
        } else {
            self.warned += 1;
            for change in changes {
                *self
                    .by_change
                    .entry(change.as_str().to_owned())
                    .or_default() += 1;
            }
        }
        self.offered += u64::from(offered);
    }

    /// The share renewed from data alone.
    pub fn renewal_rate(&self) -> f64 {
        if self.recipients == 0 {
            0.0
        } else {
            self.renewed as f64 / self.recipients as f64
        }
    }
}

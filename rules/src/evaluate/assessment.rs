//! The assessment of POLICY.md §3.5: programme ids, statuses, checks and programme results.

use serde::{Deserialize, Serialize};

use super::Rule;
use crate::household::Area;
use crate::money::{whole_or_decimal_yuan, Fen};

wire_enum! {
    /// The programmes of §3.4, in the order of the response.
    ProgrammeId {
        /// 最低生活保障.
        Dibao = "dibao",
        /// 特困人员 (per person).
        Tekun = "tekun",
        /// 低保边缘.
        Marginal = "marginal",
        /// 刚性支出困难.
        RigidExpense = "rigid_expense",
        /// 急难型临时救助 (advance assistance).
        TemporaryEmergency = "temporary_emergency",
        /// 支出型临时救助.
        TemporaryExpense = "temporary_expense",
        Medical = "medical",
        Education = "education",
        Housing = "housing",
        Employment = "employment",
        /// 照护服务 for dispersed 特困 persons.
        CareService = "care_service",
        /// 慈善帮扶 (referral, needs consent).
        Charity = "charity",
        /// 一事一议.
        Deliberation = "deliberation",
    }
}

wire_enum! {
    /// Outcome of one programme.
    Status {
        Eligible = "eligible",
        Ineligible = "ineligible",
        /// A person must look at it (charity, deliberation).
        NeedsReview = "needs_review",
    }
}

/// A measured value or threshold in a check. Money is in yuan.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Measure {
    Flag(bool),
    Count(i64),
    Yuan(f64),
    /// No threshold (a yes/no condition).
    None,
}

/// One check of the trail.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Check {
    pub rule: Rule,
    /// The member the check is about, for per-person rules; absent for household rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member: Option<usize>,
    pub passed: bool,
    pub value: Measure,
    pub threshold: Measure,
}

/// The outcome of one programme.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProgrammeResult {
    pub programme: ProgrammeId,
    pub status: Status,
    /// Whole yuan per month; `None` where the programme pays no monthly cash or is not eligible.
    pub monthly_amount: Option<i64>,
    /// The members the programme covers when eligible (or under review): everyone for household
    /// programmes, the qualifying persons for per-person ones; empty when ineligible.
    pub members: Vec<usize>,
    pub checks: Vec<Check>,
    /// temporary_emergency only: 2 or 24.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub advance_within_hours: Option<u8>,
    /// temporary_emergency only: the advance cap in whole yuan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub advance_cap: Option<i64>,
}

/// Which standards were applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StandardsSummary {
    pub year: u16,
    pub area: Area,
    #[serde(with = "whole_or_decimal_yuan")]
    pub dibao_standard: Fen,
}

/// The household as counted, in yuan.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct HouseholdSummary {
    pub size: usize,
    pub counted_monthly_income: f64,
    pub per_capita_monthly_income: f64,
}

/// The answer of `POST /api/v1/eligibility` (§3.5).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assessment {
    pub standards: StandardsSummary,
    pub household: HouseholdSummary,
    /// One entry per [`ProgrammeId`], in [`ProgrammeId::ALL`] order.
    pub programmes: Vec<ProgrammeResult>,
    pub recommended: Option<ProgrammeId>,
}

impl Assessment {
    /// The result of one programme.
    pub fn programme(&self, id: ProgrammeId) -> Option<&ProgrammeResult> {
        self.programmes.iter().find(|p| p.programme == id)
    }

    /// Whether a programme is eligible.
    pub fn is_eligible(&self, id: ProgrammeId) -> bool {
        self.programme(id)
            .is_some_and(|p| p.status == Status::Eligible)
    }
}

impl ProgrammeResult {
    /// The first check with that rule (and member, for per-person rules).
    pub fn check(&self, rule: Rule, member: Option<usize>) -> Option<&Check> {
        self.checks
            .iter()
            .find(|c| c.rule == rule && c.member == member)
    }
}

impl ProgrammeResult {
    pub(super) fn empty(programme: ProgrammeId) -> ProgrammeResult {
        ProgrammeResult {
            programme,
            status: Status::Ineligible,
            monthly_amount: None,
            members: Vec::new(),
            checks: Vec::new(),
            advance_within_hours: None,
            advance_cap: None,
        }
    }

    /// Back to ineligible with no trail, keeping the vectors' capacity.
    pub(super) fn reset(&mut self) {
        self.status = Status::Ineligible;
        self.monthly_amount = None;
        self.members.clear();
        self.checks.clear();
        self.advance_within_hours = None;
        self.advance_cap = None;
    }

    pub(super) fn set_eligible(&mut self, eligible: bool, size: usize) {
        if eligible {
            self.status = Status::Eligible;
            self.members.extend(0..size);
        }
    }
}

impl Assessment {
    /// An assessment with every programme ineligible and no trail: the buffer for
    /// [`evaluate_into`](super::evaluate_into).
    pub fn empty() -> Assessment {
        Assessment {
            standards: StandardsSummary {
                year: 0,
                area: Area::Urban,
                dibao_standard: Fen::ZERO,
            },
            household: HouseholdSummary {
                size: 0,
                counted_monthly_income: 0.0,
                per_capita_monthly_income: 0.0,
            },
            programmes: ProgrammeId::ALL
                .iter()
                .map(|&id| ProgrammeResult::empty(id))
                .collect(),
            recommended: None,
        }
    }
}

//! The household's quantities in fen and the check builders every programme's rules share.

use super::{Check, Measure, Rule};
use crate::household::{DisabilityKind, Member};
use crate::money::Fen;
use crate::standards::{AreaStandards, Ratio};

pub(super) const SCALE: i128 = Ratio::SCALE as i128;

pub(super) fn yuan(fen: i128) -> Measure {
    Measure::Yuan(fen as f64 / 100.0)
}

/// `numerator / (denominator × 100)` yuan, in one correctly rounded division.
pub(super) fn yuan_ratio(numerator: i128, denominator: i128) -> Measure {
    Measure::Yuan(numerator as f64 / (denominator as f64 * 100.0))
}

pub(super) fn count(n: usize) -> Measure {
    Measure::Count(i64::try_from(n).unwrap_or(i64::MAX))
}

pub(super) fn check(rule: Rule, passed: bool, value: Measure, threshold: Measure) -> Check {
    Check {
        rule,
        member: None,
        passed,
        value,
        threshold,
    }
}

/// A yes/no condition: the value is the fact, there is no threshold.
pub(super) fn condition(rule: Rule, passed: bool, fact: bool) -> Check {
    check(rule, passed, Measure::Flag(fact), Measure::None)
}

pub(super) fn all_passed(checks: &[Check]) -> bool {
    checks.iter().all(|c| c.passed)
}

/// Whole yuan paid for an amount in fen: never negative, 0.5 rounding up.
pub(super) fn paid(fen: i128) -> i64 {
    Fen(i64::try_from(fen.max(0)).unwrap_or(i64::MAX)).to_whole_yuan()
}

/// The quantities every rule uses, in fen (`i128` so that no product can overflow).
pub(super) struct Facts<'a> {
    pub(super) a: &'a AreaStandards,
    /// N as used for division: at least 1, so an empty household built by hand cannot divide by 0.
    pub(super) n: i128,
    pub(super) standard: i128,
    pub(super) counted: i128,
    pub(super) financial: i128,
    pub(super) vehicles: i128,
    pub(super) houses: i64,
    pub(super) rigid: i128,
}

impl Facts<'_> {
    /// assets_ok(months) as its three checks.
    pub(super) fn assets(&self, months: u32) -> [Check; 3] {
        let limit = i128::from(months) * self.standard;
        let vehicle_limit = i128::from(self.a.vehicle_limit.0);
        let max_houses = i64::from(self.a.max_houses);
        [
            check(
                Rule::FinancialAssetsPerCapitaWithinLimit,
                self.financial <= limit * self.n,
                yuan_ratio(self.financial, self.n),
                yuan(limit),
            ),
            check(
                Rule::VehiclesWithinLimit,
                self.vehicles <= vehicle_limit,
                yuan(self.vehicles),
                yuan(vehicle_limit),
            ),
            check(
                Rule::HousesWithinLimit,
                self.houses <= max_houses,
                Measure::Count(self.houses),
                Measure::Count(max_houses),
            ),
        ]
    }

    /// Per-capita income < multiplier × dibao_standard, strictly.
    pub(super) fn per_capita_below(&self, rule: Rule, multiplier: Ratio) -> Check {
        let line = i128::from(multiplier.0) * self.standard;
        check(
            rule,
            self.counted * SCALE < line * self.n,
            yuan_ratio(self.counted, self.n),
            yuan_ratio(line, SCALE),
        )
    }
}

pub(super) fn severe(m: &Member) -> bool {
    matches!(m.disability_grade, Some(1 | 2)) || m.serious_illness
}

/// The three per-person 特困 checks of member `i` (the asset test is the household's).
pub(super) fn tekun_checks(f: &Facts<'_>, i: usize, m: &Member) -> [Check; 3] {
    let age_or_disability = m.age >= 60
        || m.age < 18
        || match m.disability_grade {
            Some(1 | 2) => true,
            Some(3) => matches!(
                m.disability_kind,
                Some(DisabilityKind::Intellectual | DisabilityKind::Mental)
            ),
            _ => false,
        };
    let own = i128::from(m.counted_income().0);
    let checks = [
        check(
            Rule::AgeOrDisabilityCondition,
            age_or_disability,
            Measure::Count(i64::from(m.age)),
            Measure::None,
        ),
        check(
            Rule::OwnIncomeBelowStandard,
            own < f.standard,
            yuan(own),
            yuan(f.standard),
        ),
        condition(
            Rule::NoAbleSupporter,
            !m.has_able_supporter,
            m.has_able_supporter,
        ),
    ];
    checks.map(|c| Check {
        member: Some(i),
        ..c
    })
}

pub(super) fn jobseeker(m: &Member) -> bool {
    (16..=59).contains(&m.age) && m.can_work && !m.employed
}

pub(super) fn indices(members: &[Member], keep: impl Fn(&Member) -> bool, out: &mut Vec<usize>) {
    out.extend(
        members
            .iter()
            .enumerate()
            .filter(|(_, m)| keep(m))
            .map(|(i, _)| i),
    );
}

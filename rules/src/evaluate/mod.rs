//! The programmes of POLICY.md §3.4 and the assessment of §3.5.
//!
//! Every comparison is exact integer arithmetic in fen (ratios in ten-thousandths, widened to
//! `i128`); the `value` and `threshold` of a check are the same quantities in yuan for people to
//! read. Per-capita values are shown unrounded (`counted / N`), so a shown value never contradicts
//! its check.

mod assessment;
mod facts;
mod rule;
#[cfg(test)]
mod tests;

pub use assessment::{
    Assessment, Check, HouseholdSummary, Measure, ProgrammeId, ProgrammeResult, StandardsSummary,
    Status,
};
pub use rule::Rule;

use crate::household::Household;
use crate::standards::{Ratio, Standards};
use facts::{
    all_passed, check, condition, count, indices, jobseeker, paid, severe, tekun_checks, yuan,
    yuan_ratio, Facts, SCALE,
};

/// Evaluates every programme of §3.4 for a household under a year's standards.
///
/// Infallible and panic-free for any `Household`, including ones built by hand.
pub fn evaluate(standards: &Standards, household: &Household) -> Assessment {
    let mut out = Assessment::empty();
    evaluate_into(standards, household, &mut out);
    out
}

/// [`evaluate`] into an existing assessment, reusing its vectors: for batch screening, where
/// one buffer serves many households without allocating.
pub fn evaluate_into(standards: &Standards, household: &Household, out: &mut Assessment) {
    let a = standards.area(household.area);
    let members = household.members.as_slice();
    let size = members.len();
    let f = Facts {
        a,
        n: i128::try_from(size.max(1)).unwrap_or(i128::MAX),
        standard: i128::from(a.dibao_standard.0),
        counted: i128::from(household.counted_income().0),
        financial: i128::from(household.financial_assets.0),
        vehicles: i128::from(household.vehicles_value.0),
        houses: i64::from(household.houses_owned),
        rigid: i128::from(household.rigid_expenses_12m.0),
    };
    let annual_income = 12 * f.counted;

    // Decide first; the trail below is built from the same checks.
    let dibao_income = f.per_capita_below(Rule::PerCapitaIncomeBelowStandard, Ratio(Ratio::SCALE));
    let assets = f.assets(a.asset_months);
    let assets_ok = all_passed(&assets);
    let dibao_household = dibao_income.passed && assets_ok;

    let marginal_income = f.per_capita_below(
        Rule::PerCapitaIncomeBelowMarginalLine,
        a.marginal_multiplier,
    );
    let marginal_assets = f.assets(a.marginal_asset_months);
    let marginal_assets_ok = all_passed(&marginal_assets);
    let marginal = !dibao_household && marginal_income.passed && marginal_assets_ok;

    // 单人保: severely disabled or seriously ill members of a marginal household.
    let mut individual_amount: i128 = 0;
    let mut individual_count = 0_usize;
    if marginal {
        for m in members.iter().filter(|m| severe(m)) {
            individual_count += 1;
            individual_amount += (f.standard - i128::from(m.counted_income().0)).max(0);
        }
    }
    let individual = individual_count > 0;
    let dibao_any = dibao_household || individual;

    let tekun_basic = i128::from(a.tekun_basic().0);
    let mut tekun_count = 0_usize;
    let mut tekun_amount: i128 = 0;
    if assets_ok {
        for (i, m) in members.iter().enumerate() {
            if all_passed(&tekun_checks(&f, i, m)) {
                tekun_count += 1;
                tekun_amount += tekun_basic + i128::from(a.care(m.self_care).0);
            }
        }
    }
    let tekun_any = tekun_count > 0;

    let disposable = i128::from(a.disposable_income.0);
    let annual = check(
        Rule::PerCapitaAnnualIncomeBelowDisposableIncome,
        annual_income < disposable * f.n,
        yuan_ratio(annual_income, f.n),
        yuan(disposable),
    );
    let rigid_line = i128::from(a.rigid_ratio.0) * annual_income;
    let rigid_ratio = check(
        Rule::RigidExpensesAtLeastRatioOfIncome,
        f.rigid * SCALE >= rigid_line,
        yuan(f.rigid),
        yuan_ratio(rigid_line, SCALE),
    );
    let rigid_expense =
        !dibao_household && !marginal && annual.passed && rigid_ratio.passed && marginal_assets_ok;

    let declared = household.emergency.is_some();

    let above_income = check(
        Rule::RigidExpensesAboveAnnualIncome,
        f.rigid > annual_income,
        yuan(f.rigid),
        yuan(annual_income),
    );
    let expense_income =
        f.per_capita_below(Rule::PerCapitaIncomeBelowExpenseLine, a.expense_multiplier);
    let temporary_expense = above_income.passed && expense_income.passed;

    let assisted = dibao_any || tekun_any || marginal || rigid_expense;
    let medical = assisted || above_income.passed;
    let students = members.iter().filter(|m| m.student).count();
    let housing_category = dibao_any || tekun_any || marginal;
    let employment_category = dibao_any || marginal;
    let jobseekers = members.iter().filter(|m| jobseeker(m)).count();
    let fits = dibao_any || tekun_any || marginal || rigid_expense || temporary_expense;
    let hardship = declared || f.rigid > 0 || household.special_hardship;

    out.standards = StandardsSummary {
        year: standards.year,
        area: household.area,
        dibao_standard: a.dibao_standard,
    };
    out.household = HouseholdSummary {
        size,
        counted_monthly_income: f.counted as f64 / 100.0,
        per_capita_monthly_income: f.counted as f64 / (f.n as f64 * 100.0),
    };
    out.recommended = if tekun_any {
        Some(ProgrammeId::Tekun)
    } else if dibao_any {
        Some(ProgrammeId::Dibao)
    } else if marginal {
        Some(ProgrammeId::Marginal)
    } else if rigid_expense {
        Some(ProgrammeId::RigidExpense)
    } else if temporary_expense {
        Some(ProgrammeId::TemporaryExpense)
    } else {
        None
    };

    // A buffer that is not the shape `empty()` makes (e.g. deserialized) is rebuilt.
    let shaped = out.programmes.len() == ProgrammeId::ALL.len()
        && out
            .programmes
            .iter()
            .zip(ProgrammeId::ALL)
            .all(|(p, id)| p.programme == *id);
    if !shaped {
        out.programmes = ProgrammeId::ALL
            .iter()
            .map(|&id| ProgrammeResult::empty(id))
            .collect();
    }

    for p in &mut out.programmes {
        p.reset();
        let checks = &mut p.checks;
        match p.programme {
            ProgrammeId::Dibao => {
                checks.reserve(5 + size);
                checks.push(dibao_income);
                checks.extend_from_slice(&assets);
                if dibao_household {
                    p.set_eligible(true, size);
                    p.monthly_amount = Some(paid(f.standard * f.n - f.counted));
                } else {
                    checks.push(condition(
                        Rule::MarginalForIndividualCover,
                        marginal,
                        marginal,
                    ));
                    if marginal {
                        checks.extend(members.iter().enumerate().map(|(i, m)| Check {
                            member: Some(i),
                            ..condition(Rule::SevereDisabilityOrIllness, severe(m), severe(m))
                        }));
                    }
                    if individual {
                        p.status = Status::Eligible;
                        indices(members, severe, &mut p.members);
                        p.monthly_amount = Some(paid(individual_amount));
                    }
                }
            }
            ProgrammeId::Tekun => {
                checks.reserve(3 + 3 * size);
                checks.extend_from_slice(&assets);
                for (i, m) in members.iter().enumerate() {
                    let person = tekun_checks(&f, i, m);
                    checks.extend_from_slice(&person);
                    if assets_ok && all_passed(&person) {
                        p.members.push(i);
                    }
                }
                if tekun_any {
                    p.status = Status::Eligible;
                    p.monthly_amount = Some(paid(tekun_amount));
                }
            }
            ProgrammeId::Marginal => {
                checks.reserve(5);
                checks.push(condition(
                    Rule::NotDibaoEligible,
                    !dibao_household,
                    dibao_household,
                ));
                checks.push(marginal_income);
                checks.extend_from_slice(&marginal_assets);
                p.set_eligible(marginal, size);
            }
            ProgrammeId::RigidExpense => {
                checks.reserve(7);
                checks.push(condition(
                    Rule::NotDibaoEligible,
                    !dibao_household,
                    dibao_household,
                ));
                checks.push(condition(Rule::NotMarginalEligible, !marginal, marginal));
                checks.push(annual);
                checks.push(rigid_ratio);
                checks.extend_from_slice(&marginal_assets);
                p.set_eligible(rigid_expense, size);
            }
            ProgrammeId::TemporaryEmergency => {
                checks.push(condition(Rule::EmergencyDeclared, declared, declared));
                p.set_eligible(declared, size);
                if let Some(e) = household.emergency {
                    p.advance_within_hours = Some(e.urgency.advance_within_hours());
                    p.advance_cap =
                        Some(paid(i128::from(a.quick_relief_months) * f.standard * f.n));
                }
            }
            ProgrammeId::TemporaryExpense => {
                checks.reserve(2);
                checks.push(above_income);
                checks.push(expense_income);
                p.set_eligible(temporary_expense, size);
            }
            ProgrammeId::Medical => {
                checks.reserve(2);
                checks.push(condition(Rule::AssistedHousehold, assisted, assisted));
                checks.push(above_income);
                p.set_eligible(medical, size);
            }
            ProgrammeId::Education => {
                checks.reserve(2);
                checks.push(condition(
                    Rule::MedicalAssistanceHousehold,
                    medical,
                    medical,
                ));
                checks.push(check(
                    Rule::HasStudent,
                    students > 0,
                    count(students),
                    Measure::Count(1),
                ));
                if medical && students > 0 {
                    p.status = Status::Eligible;
                    indices(members, |m| m.student, &mut p.members);
                }
            }
            ProgrammeId::Housing => {
                checks.reserve(2);
                checks.push(condition(
                    Rule::DibaoTekunOrMarginalHousehold,
                    housing_category,
                    housing_category,
                ));
                let difficulty = household.housing_difficulty;
                checks.push(condition(Rule::HousingDifficulty, difficulty, difficulty));
                p.set_eligible(housing_category && difficulty, size);
            }
            ProgrammeId::Employment => {
                checks.reserve(2);
                checks.push(condition(
                    Rule::DibaoOrMarginalHousehold,
                    employment_category,
                    employment_category,
                ));
                checks.push(check(
                    Rule::HasAbleUnemployedMember,
                    jobseekers > 0,
                    count(jobseekers),
                    Measure::Count(1),
                ));
                if employment_category && jobseekers > 0 {
                    p.status = Status::Eligible;
                    indices(members, jobseeker, &mut p.members);
                }
            }
            // Self-check households live at home, so every 特困 person is dispersed support.
            ProgrammeId::CareService => {
                checks.push(check(
                    Rule::TekunPersonAtHome,
                    tekun_any,
                    count(tekun_count),
                    Measure::Count(1),
                ));
                if tekun_any {
                    p.status = Status::Eligible;
                    for (i, m) in members.iter().enumerate() {
                        if assets_ok && all_passed(&tekun_checks(&f, i, m)) {
                            p.members.push(i);
                        }
                    }
                }
            }
            ProgrammeId::Charity | ProgrammeId::Deliberation => {
                checks.reserve(2);
                checks.push(condition(Rule::NoProgrammeFits, !fits, !fits));
                checks.push(condition(Rule::HardshipReported, hardship, hardship));
                if !fits && hardship {
                    p.status = Status::NeedsReview;
                    p.members.extend(0..size);
                }
            }
        }
    }
}

//! The programmes of POLICY.md §3.4 and the assessment of §3.5.
//!
//! Every comparison is exact integer arithmetic in fen (ratios in ten-thousandths, widened to
//! `i128`); the `value` and `threshold` of a check are the same quantities in yuan for people to
//! read. Per-capita values are shown unrounded (`counted / N`), so a shown value never contradicts
//! its check.

use serde::{Deserialize, Serialize};

use crate::household::{Area, DisabilityKind, Household, Member};
use crate::money::{whole_or_decimal_yuan, Fen};
use crate::standards::{AreaStandards, Ratio, Standards};

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

wire_enum! {
    /// Every rule id that can appear in a check trail: the one list of them.
    Rule {
        /// Counted income / N < dibao_standard (strict). dibao.
        PerCapitaIncomeBelowStandard = "per_capita_income_below_standard",
        /// Financial assets / N ≤ months × dibao_standard; months depends on the programme.
        FinancialAssetsPerCapitaWithinLimit = "financial_assets_per_capita_within_limit",
        /// Vehicles value ≤ vehicle_limit.
        VehiclesWithinLimit = "vehicles_within_limit",
        /// Houses owned ≤ max_houses.
        HousesWithinLimit = "houses_within_limit",
        /// dibao individual cover (单人保): the household is 低保边缘-eligible.
        MarginalForIndividualCover = "marginal_for_individual_cover",
        /// dibao individual cover, per member: disability grade 1–2 or a serious illness.
        SevereDisabilityOrIllness = "severe_disability_or_illness",
        /// tekun, per member: age ≥ 60, age < 18, grade 1–2, or grade 3 intellectual/mental.
        AgeOrDisabilityCondition = "age_or_disability_condition",
        /// tekun, per member: own counted income < dibao_standard (strict).
        OwnIncomeBelowStandard = "own_income_below_standard",
        /// tekun, per member: no able legal supporter.
        NoAbleSupporter = "no_able_supporter",
        /// marginal, rigid_expense: the household is not dibao-eligible.
        NotDibaoEligible = "not_dibao_eligible",
        /// Counted income / N < marginal_multiplier × dibao_standard (strict). marginal.
        PerCapitaIncomeBelowMarginalLine = "per_capita_income_below_marginal_line",
        /// rigid_expense: the household is not marginal-eligible.
        NotMarginalEligible = "not_marginal_eligible",
        /// 12 × counted income / N < disposable_income (strict). rigid_expense.
        PerCapitaAnnualIncomeBelowDisposableIncome = "per_capita_annual_income_below_disposable_income",
        /// Rigid expenses ≥ rigid_ratio × 12 × counted income. rigid_expense.
        RigidExpensesAtLeastRatioOfIncome = "rigid_expenses_at_least_ratio_of_income",
        /// An emergency is declared. temporary_emergency.
        EmergencyDeclared = "emergency_declared",
        /// Rigid expenses > 12 × counted income (strict). temporary_expense, medical.
        RigidExpensesAboveAnnualIncome = "rigid_expenses_above_annual_income",
        /// Counted income / N < expense_multiplier × dibao_standard (strict). temporary_expense.
        PerCapitaIncomeBelowExpenseLine = "per_capita_income_below_expense_line",
        /// medical: eligible for dibao, tekun, marginal or rigid_expense.
        AssistedHousehold = "assisted_household",
        /// education: the household qualifies for medical assistance.
        MedicalAssistanceHousehold = "medical_assistance_household",
        /// education: at least one student.
        HasStudent = "has_student",
        /// housing: eligible for dibao, tekun or marginal.
        DibaoTekunOrMarginalHousehold = "dibao_tekun_or_marginal_household",
        /// housing: no home or a dangerous one.
        HousingDifficulty = "housing_difficulty",
        /// employment: eligible for dibao or marginal.
        DibaoOrMarginalHousehold = "dibao_or_marginal_household",
        /// employment: a member aged 16–59 who can work and is not employed.
        HasAbleUnemployedMember = "has_able_unemployed_member",
        /// care_service: a tekun person living at home.
        TekunPersonAtHome = "tekun_person_at_home",
        /// charity, deliberation: none of dibao, tekun, marginal, rigid_expense, temporary_expense fits.
        NoProgrammeFits = "no_programme_fits",
        /// charity, deliberation: an emergency, rigid expenses above 0, or special hardship.
        HardshipReported = "hardship_reported",
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

const SCALE: i128 = Ratio::SCALE as i128;

fn yuan(fen: i128) -> Measure {
    Measure::Yuan(fen as f64 / 100.0)
}

/// `numerator / (denominator × 100)` yuan, in one correctly rounded division.
fn yuan_ratio(numerator: i128, denominator: i128) -> Measure {
    Measure::Yuan(numerator as f64 / (denominator as f64 * 100.0))
}

fn count(n: usize) -> Measure {
    Measure::Count(i64::try_from(n).unwrap_or(i64::MAX))
}

fn check(rule: Rule, passed: bool, value: Measure, threshold: Measure) -> Check {
    Check {
        rule,
        member: None,
        passed,
        value,
        threshold,
    }
}

/// A yes/no condition: the value is the fact, there is no threshold.
fn condition(rule: Rule, passed: bool, fact: bool) -> Check {
    check(rule, passed, Measure::Flag(fact), Measure::None)
}

fn all_passed(checks: &[Check]) -> bool {
    checks.iter().all(|c| c.passed)
}

/// Whole yuan paid for an amount in fen: never negative, 0.5 rounding up.
fn paid(fen: i128) -> i64 {
    Fen(i64::try_from(fen.max(0)).unwrap_or(i64::MAX)).to_whole_yuan()
}

/// The quantities every rule uses, in fen (`i128` so that no product can overflow).
struct Facts<'a> {
    a: &'a AreaStandards,
    /// N as used for division: at least 1, so an empty household built by hand cannot divide by 0.
    n: i128,
    standard: i128,
    counted: i128,
    financial: i128,
    vehicles: i128,
    houses: i64,
    rigid: i128,
}

impl Facts<'_> {
    /// assets_ok(months) as its three checks.
    fn assets(&self, months: u32) -> [Check; 3] {
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
    fn per_capita_below(&self, rule: Rule, multiplier: Ratio) -> Check {
        let line = i128::from(multiplier.0) * self.standard;
        check(
            rule,
            self.counted * SCALE < line * self.n,
            yuan_ratio(self.counted, self.n),
            yuan_ratio(line, SCALE),
        )
    }
}

fn severe(m: &Member) -> bool {
    matches!(m.disability_grade, Some(1 | 2)) || m.serious_illness
}

/// The three per-person 特困 checks of member `i` (the asset test is the household's).
fn tekun_checks(f: &Facts<'_>, i: usize, m: &Member) -> [Check; 3] {
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

fn jobseeker(m: &Member) -> bool {
    (16..=59).contains(&m.age) && m.can_work && !m.employed
}

fn indices(members: &[Member], keep: impl Fn(&Member) -> bool, out: &mut Vec<usize>) {
    out.extend(
        members
            .iter()
            .enumerate()
            .filter(|(_, m)| keep(m))
            .map(|(i, _)| i),
    );
}

impl ProgrammeResult {
    fn empty(programme: ProgrammeId) -> ProgrammeResult {
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
    fn reset(&mut self) {
        self.status = Status::Ineligible;
        self.monthly_amount = None;
        self.members.clear();
        self.checks.clear();
        self.advance_within_hours = None;
        self.advance_cap = None;
    }

    fn set_eligible(&mut self, eligible: bool, size: usize) {
        if eligible {
            self.status = Status::Eligible;
            self.members.extend(0..size);
        }
    }
}

impl Assessment {
    /// An assessment with every programme ineligible and no trail: the buffer for
    /// [`evaluate_into`].
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
#[cfg(test)]
mod tests {
    use super::*;
    use crate::household::{Emergency, EmergencyKind, IncomeKind, SelfCare, Urgency};

    fn urban(members: Vec<Member>) -> Household {
        let mut h = Household::new(Area::Urban, members);
        h.houses_owned = 1;
        h
    }

    fn earning(age: u8, kind: IncomeKind, fen: i64) -> Member {
        Member::new(age).with_income(kind, Fen(fen))
    }

    fn wages(age: u8, fen: i64) -> Member {
        earning(age, IncomeKind::Wages, fen)
    }

    fn run(h: &Household) -> Assessment {
        evaluate(&Standards::sample_2026(), h)
    }

    fn status(a: &Assessment, id: ProgrammeId) -> Status {
        a.programme(id).map(|p| p.status).unwrap()
    }

    fn amount(a: &Assessment, id: ProgrammeId) -> Option<i64> {
        a.programme(id).and_then(|p| p.monthly_amount)
    }

    fn members(a: &Assessment, id: ProgrammeId) -> Vec<usize> {
        a.programme(id).map(|p| p.members.clone()).unwrap()
    }

    fn passed(a: &Assessment, id: ProgrammeId, rule: Rule, member: Option<usize>) -> bool {
        a.programme(id)
            .and_then(|p| p.check(rule, member))
            .map(|c| c.passed)
            .unwrap()
    }

    use ProgrammeId as P;
    use Status::{Eligible as E, Ineligible as I, NeedsReview as R};

    #[test]
    fn policy_example() {
        let mut h = urban(vec![earning(67, IncomeKind::Pension, 30_000)]);
        h.financial_assets = Fen(1_000_000);
        let a = run(&h);
        assert_eq!(a.standards.dibao_standard, Fen(98_000));
        assert_eq!(a.household.size, 1);
        assert_eq!(a.household.counted_monthly_income, 300.0);
        assert_eq!(a.household.per_capita_monthly_income, 300.0);
        assert_eq!(status(&a, P::Dibao), E);
        assert_eq!(amount(&a, P::Dibao), Some(680));
        assert_eq!(members(&a, P::Dibao), vec![0]);
        let first = a.programme(P::Dibao).unwrap().checks[0];
        assert_eq!(
            first,
            check(
                Rule::PerCapitaIncomeBelowStandard,
                true,
                Measure::Yuan(300.0),
                Measure::Yuan(980.0)
            )
        );
        assert_eq!(status(&a, P::Tekun), E);
        assert_eq!(amount(&a, P::Tekun), Some(1274 + 150));
        assert_eq!(a.recommended, Some(P::Tekun));
        assert_eq!(status(&a, P::Marginal), I);
        assert_eq!(status(&a, P::RigidExpense), I);
        assert_eq!(status(&a, P::TemporaryEmergency), I);
        assert_eq!(status(&a, P::TemporaryExpense), I);
        assert_eq!(status(&a, P::Medical), E);
        assert_eq!(status(&a, P::Education), I);
        assert_eq!(status(&a, P::Housing), I);
        assert_eq!(status(&a, P::Employment), I);
        assert_eq!(status(&a, P::CareService), E);
        assert_eq!(status(&a, P::Charity), I);
        assert_eq!(status(&a, P::Deliberation), I);
        let order: Vec<ProgrammeId> = a.programmes.iter().map(|p| p.programme).collect();
        assert_eq!(order, ProgrammeId::ALL);
    }

    #[test]
    fn dibao_income_boundary_is_strict() {
        // (members' wages in fen, household size, eligible)
        let cases: &[(&[i64], bool)] = &[
            (&[98_000], false),
            (&[97_999], true),
            (&[98_001], false),
            (&[196_000, 0], false),
            (&[195_999, 0], true),
            (&[100_000, 95_999], true),
            (&[294_000, 0, 0], false),
            (&[293_999, 0, 0], true),
        ];
        for (incomes, eligible) in cases {
            let h = urban(incomes.iter().map(|&fen| wages(30, fen)).collect());
            let a = run(&h);
            assert_eq!(status(&a, P::Dibao) == E, *eligible, "{incomes:?}");
            assert_eq!(
                passed(&a, P::Dibao, Rule::PerCapitaIncomeBelowStandard, None),
                *eligible,
                "{incomes:?}"
            );
        }
    }

    #[test]
    fn dibao_amount_is_standard_times_n_minus_income_rounded_half_up() {
        let cases: &[(&[i64], i64)] = &[
            (&[30_000], 680),
            (&[30_050], 680), // 679.50 → 680
            (&[30_051], 679), // 679.49 → 679
            (&[97_999], 0),   // 0.01 → 0: eligible, nothing to pay
            (&[97_950], 1),   // 0.50 → 1
            (&[0, 0, 0], 2940),
            (&[100_000, 50_000], 460),
        ];
        for (incomes, yuan) in cases {
            let a = run(&urban(incomes.iter().map(|&fen| wages(30, fen)).collect()));
            assert_eq!(status(&a, P::Dibao), E, "{incomes:?}");
            assert_eq!(amount(&a, P::Dibao), Some(*yuan), "{incomes:?}");
        }
    }

    #[test]
    fn asset_limits_are_inclusive() {
        // 24 × 980 = 23,520 yuan per capita.
        for (size, financial, ok) in [
            (1, 2_352_000, true),
            (1, 2_352_001, false),
            (2, 4_704_000, true),
            (2, 4_704_001, false),
        ] {
            let mut h = urban((0..size).map(|_| Member::new(30)).collect());
            h.financial_assets = Fen(financial);
            let a = run(&h);
            assert_eq!(status(&a, P::Dibao) == E, ok, "{size} {financial}");
            assert_eq!(
                passed(
                    &a,
                    P::Dibao,
                    Rule::FinancialAssetsPerCapitaWithinLimit,
                    None
                ),
                ok
            );
        }
        for (vehicles, ok) in [(3_000_000, true), (3_000_001, false)] {
            let mut h = urban(vec![Member::new(30)]);
            h.vehicles_value = Fen(vehicles);
            let a = run(&h);
            assert_eq!(status(&a, P::Dibao) == E, ok, "{vehicles}");
            assert_eq!(passed(&a, P::Dibao, Rule::VehiclesWithinLimit, None), ok);
        }
        for (houses, ok) in [(0, true), (1, true), (2, false)] {
            let mut h = urban(vec![Member::new(30)]);
            h.houses_owned = houses;
            let a = run(&h);
            assert_eq!(status(&a, P::Dibao) == E, ok, "{houses}");
            assert_eq!(passed(&a, P::Dibao, Rule::HousesWithinLimit, None), ok);
        }
    }

    #[test]
    fn assets_between_24_and_36_months_make_marginal_not_dibao() {
        let mut h = urban(vec![Member::new(30)]);
        h.financial_assets = Fen(3_528_000); // exactly 36 × 980
        let a = run(&h);
        assert_eq!(status(&a, P::Dibao), I);
        assert_eq!(status(&a, P::Marginal), E);
        assert_eq!(a.recommended, Some(P::Marginal));
        h.financial_assets = Fen(3_528_001);
        let a = run(&h);
        assert_eq!(status(&a, P::Marginal), I);
        assert!(!passed(
            &a,
            P::Marginal,
            Rule::FinancialAssetsPerCapitaWithinLimit,
            None
        ));
    }

    #[test]
    fn tekun_condition_boundaries() {
        use DisabilityKind::*;
        let cases: &[(Member, bool)] = &[
            (Member::new(60), true),
            (Member::new(59), false),
            (Member::new(18), false),
            (Member::new(17), true),
            (Member::new(0), true),
            (Member::new(130), true),
            (Member::new(40).with_disability(1, Physical), true),
            (Member::new(40).with_disability(2, Visual), true),
            (Member::new(40).with_disability(3, Intellectual), true),
            (Member::new(40).with_disability(3, Mental), true),
            (Member::new(40).with_disability(3, Physical), false),
            (Member::new(40).with_disability(3, Multiple), false),
            (Member::new(40).with_disability(4, Intellectual), false),
        ];
        for (m, eligible) in cases {
            let a = run(&urban(vec![m.clone()]));
            assert_eq!(status(&a, P::Tekun) == E, *eligible, "{m:?}");
            assert_eq!(
                passed(&a, P::Tekun, Rule::AgeOrDisabilityCondition, Some(0)),
                *eligible
            );
        }
    }

    #[test]
    fn tekun_own_income_supporter_and_assets() {
        let a = run(&urban(vec![wages(70, 97_999)]));
        assert_eq!(status(&a, P::Tekun), E);
        let a = run(&urban(vec![wages(70, 98_000)]));
        assert_eq!(status(&a, P::Tekun), I);
        assert!(!passed(&a, P::Tekun, Rule::OwnIncomeBelowStandard, Some(0)));

        let mut m = Member::new(70);
        m.has_able_supporter = true;
        let a = run(&urban(vec![m]));
        assert_eq!(status(&a, P::Tekun), I);
        assert!(!passed(&a, P::Tekun, Rule::NoAbleSupporter, Some(0)));
        assert_eq!(a.recommended, Some(P::Dibao));

        let mut h = urban(vec![Member::new(70)]);
        h.houses_owned = 2;
        let a = run(&h);
        assert_eq!(status(&a, P::Tekun), I);
        assert!(!passed(&a, P::Tekun, Rule::HousesWithinLimit, None));
    }

    #[test]
    fn tekun_is_per_person_with_care_supplement() {
        let mut old = Member::new(80);
        old.self_care = SelfCare::Unable;
        let mut child = Member::new(10);
        child.self_care = SelfCare::Partial;
        let mut h = urban(vec![wages(45, 150_000), old, child]);
        h.members[0].can_work = true;
        h.members[0].employed = true;
        let a = run(&h);
        assert_eq!(status(&a, P::Tekun), E);
        assert_eq!(members(&a, P::Tekun), vec![1, 2]);
        assert_eq!(amount(&a, P::Tekun), Some(1274 + 1000 + 1274 + 500));
        assert_eq!(members(&a, P::CareService), vec![1, 2]);
        // The household is dibao-eligible too (1500 / 3 < 980), but tekun is recommended.
        assert_eq!(status(&a, P::Dibao), E);
        assert_eq!(amount(&a, P::Dibao), Some(2940 - 1500));
        assert_eq!(a.recommended, Some(P::Tekun));
    }

    #[test]
    fn rural_standards() {
        let mut h = Household::new(Area::Rural, vec![earning(75, IncomeKind::Farming, 20_000)]);
        h.members[0].self_care = SelfCare::Partial;
        let a = run(&h);
        assert_eq!(a.standards.area, Area::Rural);
        assert_eq!(a.standards.dibao_standard, Fen(82_000));
        assert_eq!(amount(&a, P::Dibao), Some(620));
        assert_eq!(amount(&a, P::Tekun), Some(1066 + 500));
        let a = run(&Household::new(Area::Rural, vec![wages(30, 82_000)]));
        assert_eq!(status(&a, P::Dibao), I);
        assert_eq!(status(&a, P::Marginal), E); // 820 < 1230
        let a = run(&Household::new(Area::Rural, vec![wages(30, 123_000)]));
        assert_eq!(status(&a, P::Marginal), I);
    }

    #[test]
    fn marginal_income_boundary_is_strict() {
        for (fen, marginal) in [
            (147_000, false),
            (146_999, true),
            (98_000, true),
            (97_999, false),
        ] {
            let a = run(&urban(vec![wages(30, fen)]));
            assert_eq!(status(&a, P::Marginal) == E, marginal, "{fen}");
            assert_eq!(amount(&a, P::Marginal), None);
        }
    }

    #[test]
    fn individual_cover_in_a_marginal_household() {
        let mut earner = wages(40, 250_000);
        earner.has_able_supporter = true;
        let mut disabled = Member::new(30).with_disability(1, DisabilityKind::Physical);
        disabled.has_able_supporter = true;
        let mut ill = earning(35, IncomeKind::Wages, 20_000);
        ill.serious_illness = true;
        ill.has_able_supporter = true;
        // 2500 + 200 over 3 = 900: dibao; make it marginal with more wages.
        let mut h = urban(vec![earner, disabled, ill]);
        h.members[0].incomes[0].monthly = Fen(350_000); // 3700 / 3 = 1233.33: marginal
        let a = run(&h);
        assert_eq!(status(&a, P::Marginal), E);
        assert_eq!(status(&a, P::Dibao), E);
        assert_eq!(members(&a, P::Dibao), vec![1, 2]);
        assert_eq!(amount(&a, P::Dibao), Some(980 + 780));
        assert!(!passed(
            &a,
            P::Dibao,
            Rule::PerCapitaIncomeBelowStandard,
            None
        ));
        assert!(passed(&a, P::Dibao, Rule::MarginalForIndividualCover, None));
        assert!(!passed(
            &a,
            P::Dibao,
            Rule::SevereDisabilityOrIllness,
            Some(0)
        ));
        assert!(passed(
            &a,
            P::Dibao,
            Rule::SevereDisabilityOrIllness,
            Some(1)
        ));
        assert_eq!(a.recommended, Some(P::Dibao));

        // Own income above the standard: covered, amount floored at 0.
        h.members[2].incomes[0].monthly = Fen(120_000);
        h.members[0].incomes[0].monthly = Fen(250_000); // 3700 / 3 again
        let a = run(&h);
        assert_eq!(members(&a, P::Dibao), vec![1, 2]);
        assert_eq!(amount(&a, P::Dibao), Some(980));

        // Not marginal: no individual cover.
        h.members[0].incomes[0].monthly = Fen(500_000);
        let a = run(&h);
        assert_eq!(status(&a, P::Dibao), I);
        assert!(!passed(
            &a,
            P::Dibao,
            Rule::MarginalForIndividualCover,
            None
        ));
        assert_eq!(members(&a, P::Dibao), Vec::<usize>::new());

        // Marginal but nobody severe: ineligible.
        let a = run(&urban(vec![wages(30, 120_000)]));
        assert_eq!(status(&a, P::Dibao), I);
        assert!(!passed(
            &a,
            P::Dibao,
            Rule::SevereDisabilityOrIllness,
            Some(0)
        ));
    }

    #[test]
    fn rigid_expense_boundaries() {
        // One person, 1500 a month: above the marginal line (1470); 12 × 1500 = 18,000 < 45,000.
        // Threshold 0.7 × 18,000 = 12,600.
        for (rigid, eligible) in [(1_260_000, true), (1_259_999, false), (0, false)] {
            let mut h = urban(vec![wages(30, 150_000)]);
            h.rigid_expenses_12m = Fen(rigid);
            let a = run(&h);
            assert_eq!(status(&a, P::RigidExpense) == E, eligible, "{rigid}");
            assert_eq!(
                passed(
                    &a,
                    P::RigidExpense,
                    Rule::RigidExpensesAtLeastRatioOfIncome,
                    None
                ),
                eligible
            );
            assert_eq!(status(&a, P::Medical) == E, eligible, "{rigid}");
            if eligible {
                assert_eq!(a.recommended, Some(P::RigidExpense));
            }
        }
        // Annual per-capita income must be strictly below 45,000 (3750 a month).
        for (fen, eligible) in [(375_000, false), (374_999, true)] {
            let mut h = urban(vec![wages(30, fen)]);
            h.rigid_expenses_12m = Fen(10_000_000);
            let a = run(&h);
            assert_eq!(status(&a, P::RigidExpense) == E, eligible, "{fen}");
        }
        // Not for dibao or marginal households.
        let mut h = urban(vec![wages(30, 100_000)]);
        h.rigid_expenses_12m = Fen(10_000_000);
        let a = run(&h);
        assert_eq!(status(&a, P::Marginal), E);
        assert_eq!(status(&a, P::RigidExpense), I);
        assert!(!passed(
            &a,
            P::RigidExpense,
            Rule::NotMarginalEligible,
            None
        ));
    }

    #[test]
    fn temporary_expense_boundaries() {
        // 1500 a month: 12 × = 18,000; income line 2 × 980 = 1960.
        for (rigid, eligible) in [(1_800_000, false), (1_800_001, true)] {
            let mut h = urban(vec![wages(30, 150_000)]);
            h.rigid_expenses_12m = Fen(rigid);
            let a = run(&h);
            assert_eq!(status(&a, P::TemporaryExpense) == E, eligible, "{rigid}");
            assert_eq!(
                passed(
                    &a,
                    P::TemporaryExpense,
                    Rule::RigidExpensesAboveAnnualIncome,
                    None
                ),
                eligible
            );
        }
        for (fen, eligible) in [(196_000, false), (195_999, true)] {
            let mut h = urban(vec![wages(30, fen)]);
            h.rigid_expenses_12m = Fen(100_000_000);
            let a = run(&h);
            assert_eq!(status(&a, P::TemporaryExpense) == E, eligible, "{fen}");
            assert_eq!(status(&a, P::Medical), E); // expenses above 12 × income
            if eligible {
                // 1959.99 is above the rigid_expense threshold? No: 12 × 1959.99 < 45,000, so
                // rigid_expense fits first.
                assert_eq!(a.recommended, Some(P::RigidExpense));
            }
        }
        // A well-off household with huge expenses: medical, temporary_expense not (income line).
        let mut h = urban(vec![wages(30, 400_000)]);
        h.rigid_expenses_12m = Fen(100_000_000);
        let a = run(&h);
        assert_eq!(status(&a, P::TemporaryExpense), I);
        assert_eq!(status(&a, P::RigidExpense), I);
        assert_eq!(status(&a, P::Medical), E);
        assert_eq!(a.recommended, None);
        assert_eq!(status(&a, P::Charity), R); // nothing fits, expenses above 0
    }

    #[test]
    fn emergency_advance() {
        let mut h = urban(vec![wages(30, 1_000_000), Member::new(5), Member::new(8)]);
        h.members[1].has_able_supporter = true;
        h.members[2].has_able_supporter = true;
        h.emergency = Some(Emergency {
            kind: EmergencyKind::Fire,
            urgency: Urgency::Critical,
        });
        let a = run(&h);
        let p = a.programme(P::TemporaryEmergency).unwrap();
        assert_eq!(p.status, E);
        assert_eq!(p.advance_within_hours, Some(2));
        assert_eq!(p.advance_cap, Some(980 * 3));
        assert_eq!(p.monthly_amount, None);
        assert_eq!(p.members, vec![0, 1, 2]);
        // An emergency alone is not a recommendation.
        assert_eq!(a.recommended, None);
        assert_eq!(status(&a, P::Deliberation), R);

        h.emergency = Some(Emergency {
            kind: EmergencyKind::Bereavement,
            urgency: Urgency::Urgent,
        });
        h.area = Area::Rural;
        let a = run(&h);
        let p = a.programme(P::TemporaryEmergency).unwrap();
        assert_eq!(p.advance_within_hours, Some(24));
        assert_eq!(p.advance_cap, Some(820 * 3));

        h.emergency = None;
        let a = run(&h);
        let p = a.programme(P::TemporaryEmergency).unwrap();
        assert_eq!(p.status, I);
        assert_eq!((p.advance_within_hours, p.advance_cap), (None, None));
    }

    #[test]
    fn charity_and_deliberation() {
        let well_off = || urban(vec![wages(30, 1_000_000)]);
        let a = run(&well_off());
        assert_eq!(status(&a, P::Charity), I);
        assert_eq!(status(&a, P::Deliberation), I);
        assert!(passed(&a, P::Charity, Rule::NoProgrammeFits, None));
        assert!(!passed(&a, P::Charity, Rule::HardshipReported, None));

        let mut h = well_off();
        h.special_hardship = true;
        let a = run(&h);
        assert_eq!(status(&a, P::Charity), R);
        assert_eq!(status(&a, P::Deliberation), R);
        assert_eq!(members(&a, P::Deliberation), vec![0]);

        let mut h = well_off();
        h.rigid_expenses_12m = Fen(1);
        assert_eq!(status(&run(&h), P::Deliberation), R);

        // A programme fits: no review even with hardship reported.
        let mut h = urban(vec![Member::new(30)]);
        h.special_hardship = true;
        let a = run(&h);
        assert_eq!(status(&a, P::Charity), I);
        assert!(!passed(&a, P::Charity, Rule::NoProgrammeFits, None));
    }

    #[test]
    fn exempt_incomes_are_ignored() {
        let mut m = earning(30, IncomeKind::Pension, 30_000);
        for kind in IncomeKind::ALL.iter().filter(|k| k.is_exempt()) {
            m.incomes.push(crate::household::Income {
                kind: *kind,
                monthly: Fen(1_000_000),
            });
        }
        let a = run(&urban(vec![m]));
        assert_eq!(a.household.counted_monthly_income, 300.0);
        assert_eq!(amount(&a, P::Dibao), Some(680));
        let counted: Vec<IncomeKind> = IncomeKind::ALL
            .iter()
            .copied()
            .filter(|k| !k.is_exempt())
            .collect();
        assert_eq!(counted.len(), 7);
        for kind in counted {
            let a = run(&urban(vec![earning(30, kind, 98_000)]));
            assert_eq!(status(&a, P::Dibao), I, "{kind}");
        }
    }

    #[test]
    fn special_programmes() {
        // dibao household with a student, a jobseeker, housing difficulty.
        let mut jobseeker = Member::new(40);
        jobseeker.can_work = true;
        let mut student = Member::new(16);
        student.student = true;
        student.can_work = true; // 16 counts for employment
        let mut worker = Member::new(59);
        worker.can_work = true;
        worker.employed = true;
        let mut h = urban(vec![jobseeker, student, worker, Member::new(60)]);
        h.members[3].can_work = true; // 60 is outside 16–59
        h.members[3].has_able_supporter = true;
        h.members[1].has_able_supporter = true;
        h.housing_difficulty = true;
        let a = run(&h);
        assert_eq!(status(&a, P::Dibao), E);
        assert_eq!(status(&a, P::Medical), E);
        assert_eq!(members(&a, P::Education), vec![1]);
        assert_eq!(status(&a, P::Housing), E);
        assert_eq!(members(&a, P::Employment), vec![0, 1]);
        assert_eq!(status(&a, P::CareService), I);

        // Without a category: none of them, even with a student and a housing difficulty.
        h.members[0].incomes.push(crate::household::Income {
            kind: IncomeKind::Wages,
            monthly: Fen(2_000_000),
        });
        let a = run(&h);
        assert_eq!(status(&a, P::Dibao), I);
        assert_eq!(status(&a, P::Medical), I);
        assert_eq!(status(&a, P::Education), I);
        assert_eq!(status(&a, P::Housing), I);
        assert_eq!(status(&a, P::Employment), I);
        assert_eq!(members(&a, P::Education), Vec::<usize>::new());

        // Expenses above 12 × income open medical and education, not housing or employment.
        h.rigid_expenses_12m = Fen(30_000_000);
        let a = run(&h);
        assert_eq!(status(&a, P::Medical), E);
        assert_eq!(status(&a, P::Education), E);
        assert_eq!(status(&a, P::Housing), I);
        assert_eq!(status(&a, P::Employment), I);
    }

    #[test]
    fn every_check_in_the_trail() {
        let a = run(&urban(vec![Member::new(30), Member::new(70)]));
        let tekun = a.programme(P::Tekun).unwrap();
        // 3 household asset checks + 3 per member.
        assert_eq!(tekun.checks.len(), 3 + 3 * 2);
        let dibao = a.programme(P::Dibao).unwrap();
        assert_eq!(dibao.checks.len(), 4);
        for p in &a.programmes {
            assert!(!p.checks.is_empty(), "{}", p.programme);
        }
    }

    #[test]
    fn empty_hand_built_household_does_not_panic() {
        let a = run(&Household::new(Area::Urban, Vec::new()));
        assert_eq!(a.household.size, 0);
        assert_eq!(a.programmes.len(), 13);
    }

    #[test]
    fn extreme_hand_built_values_do_not_panic() {
        let mut m = Member::new(u8::MAX);
        m.disability_grade = Some(200);
        m.incomes = vec![
            crate::household::Income {
                kind: IncomeKind::Wages,
                monthly: Fen(i64::MAX)
            };
            3
        ];
        let mut h = urban(vec![m.clone(), m]);
        h.financial_assets = Fen(i64::MIN);
        h.vehicles_value = Fen(i64::MAX);
        h.rigid_expenses_12m = Fen(i64::MAX);
        let a = run(&h);
        assert!(a
            .programmes
            .iter()
            .all(|p| p.monthly_amount.unwrap_or(0) >= 0));
    }
}

//! Tests of the assessment: shared helpers, the policy example, and whole-trail properties.

mod dibao;
mod marginal_and_expenses;
mod special;
mod tekun;

use super::*;
use crate::household::{Area, IncomeKind, Member, SelfCare};
use crate::money::Fen;

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

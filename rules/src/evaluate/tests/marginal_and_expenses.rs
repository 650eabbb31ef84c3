//! Tests of the boundaries of 低保边缘, 刚性支出困难 and 支出型临时救助.

use super::*;

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

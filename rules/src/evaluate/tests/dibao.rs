//! Tests of 低保: the income and asset boundaries, the amount, and 单人保 individual cover.

use super::*;
use crate::household::DisabilityKind;

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

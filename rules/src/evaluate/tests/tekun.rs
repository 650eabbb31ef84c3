//! Tests of 特困: the per-person conditions, own income, supporters, assets and care supplement.

use super::*;
use crate::household::DisabilityKind;

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

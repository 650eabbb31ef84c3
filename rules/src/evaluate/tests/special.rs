//! Tests of the emergency advance, charity and deliberation, and the special programmes.

use super::*;
use crate::household::{Emergency, EmergencyKind, Urgency};

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

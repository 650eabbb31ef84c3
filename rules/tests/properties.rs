//! Properties of the rules over generated inputs.

use proptest::prelude::*;
use rules::{
    evaluate, evaluate_into, Area, Assessment, AssetsRequest, DisabilityKind, Emergency,
    EmergencyKind, Fen, Household, HouseholdRequest, Income, IncomeKind, IncomeRequest, Member,
    MemberRequest, ProgrammeId, SelfCare, Standards, Status, Urgency,
};

fn member() -> impl Strategy<Value = Member> {
    (
        0u8..=130,
        prop::option::of((1u8..=4, prop::sample::select(DisabilityKind::ALL))),
        any::<[bool; 6]>(),
        prop::sample::select(SelfCare::ALL),
        prop::collection::vec(
            (prop::sample::select(IncomeKind::ALL), 0i64..1_000_000),
            0..4,
        ),
    )
        .prop_map(|(age, disability, flags, self_care, incomes)| Member {
            age,
            disability_grade: disability.map(|d| d.0),
            disability_kind: disability.map(|d| d.1),
            serious_illness: flags[0],
            can_work: flags[1],
            employed: flags[2],
            student: flags[3],
            has_able_supporter: flags[4],
            self_care,
            incomes: incomes
                .into_iter()
                .map(|(kind, fen)| Income {
                    kind,
                    monthly: Fen(fen),
                })
                .collect(),
        })
}

fn household() -> impl Strategy<Value = Household> {
    (
        prop::sample::select(Area::ALL),
        prop::collection::vec(member(), 1..=30),
        (0i64..20_000_000, 0i64..5_000_000, 0u32..4, 0i64..30_000_000),
        any::<[bool; 2]>(),
        prop::option::of((
            prop::sample::select(EmergencyKind::ALL),
            prop::sample::select(Urgency::ALL),
        )),
    )
        .prop_map(
            |(area, members, (financial, vehicles, houses, rigid), flags, emergency)| Household {
                area,
                members,
                financial_assets: Fen(financial),
                vehicles_value: Fen(vehicles),
                houses_owned: houses,
                rigid_expenses_12m: Fen(rigid),
                housing_difficulty: flags[0],
                special_hardship: flags[1],
                emergency: emergency.map(|(kind, urgency)| Emergency { kind, urgency }),
            },
        )
}

fn any_number() -> impl Strategy<Value = Option<f64>> {
    prop::option::of(prop_oneof![
        any::<f64>(),
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        Just(f64::MAX),
        Just(-0.0),
        Just(5e-324),
        -1e3f64..1e15,
    ])
}

fn any_text() -> impl Strategy<Value = Option<String>> {
    prop::option::of(prop_oneof![
        Just("urban".to_owned()),
        Just("wages".to_owned()),
        Just("full".to_owned()),
        Just("intellectual".to_owned()),
        Just("fire".to_owned()),
        Just("critical".to_owned()),
        ".{0,8}",
    ])
}

fn any_request() -> impl Strategy<Value = HouseholdRequest> {
    let member = (
        any_number(),
        any_number(),
        any_text(),
        any_text(),
        prop::collection::vec((any_text(), any_number()), 0..3),
    )
        .prop_map(|(age, grade, kind, self_care, incomes)| MemberRequest {
            age,
            disability_grade: grade,
            disability_kind: kind,
            self_care,
            incomes: incomes
                .into_iter()
                .map(|(kind, monthly)| IncomeRequest { kind, monthly })
                .collect(),
            ..MemberRequest::default()
        });
    (
        any_text(),
        prop::option::of(prop::collection::vec(member, 0..35)),
        (any_number(), any_number(), any_number()),
        any_number(),
    )
        .prop_map(
            |(area, members, (financial, vehicles_value, houses_owned), rigid)| HouseholdRequest {
                area,
                members,
                assets: Some(AssetsRequest {
                    financial,
                    vehicles_value,
                    houses_owned,
                }),
                rigid_expenses_12m: rigid,
                ..HouseholdRequest::default()
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn raising_a_counted_income_never_makes_dibao_newly_eligible(
        h in household(),
        who in any::<prop::sample::Index>(),
        kind in prop::sample::select(IncomeKind::ALL.iter().copied().filter(|k| !k.is_exempt()).collect::<Vec<_>>()),
        raise in 1i64..500_000,
    ) {
        let standards = Standards::sample_2026();
        let before = evaluate(&standards, &h).is_eligible(ProgrammeId::Dibao);
        let mut richer = h.clone();
        let i = who.index(richer.members.len());
        if let Some(m) = richer.members.get_mut(i) {
            m.incomes.push(Income { kind, monthly: Fen(raise) });
        }
        let after = evaluate(&standards, &richer);
        prop_assert!(before || !after.is_eligible(ProgrammeId::Dibao));
        prop_assert!(before || !after.is_eligible(ProgrammeId::Marginal) || evaluate(&standards, &h).is_eligible(ProgrammeId::Marginal));
    }

    #[test]
    fn amounts_are_never_negative_and_shape_is_complete(h in household()) {
        for standards in [Standards::sample_2026()] {
            let a = evaluate(&standards, &h);
            prop_assert_eq!(a.programmes.len(), ProgrammeId::ALL.len());
            for (p, id) in a.programmes.iter().zip(ProgrammeId::ALL) {
                prop_assert_eq!(p.programme, *id);
                prop_assert!(p.monthly_amount.unwrap_or(0) >= 0);
                prop_assert!(p.advance_cap.unwrap_or(0) >= 0);
                prop_assert!(p.members.iter().all(|&i| i < h.members.len()));
                if p.status == Status::Ineligible {
                    prop_assert!(p.members.is_empty());
                    prop_assert_eq!(p.monthly_amount, None);
                }
            }
            if let Some(r) = a.recommended {
                prop_assert!(a.is_eligible(r));
            }
        }
    }

    #[test]
    fn evaluate_into_a_reused_buffer_equals_evaluate(first in household(), second in household()) {
        let standards = Standards::sample_2026();
        let mut buffer = Assessment::empty();
        evaluate_into(&standards, &first, &mut buffer);
        prop_assert_eq!(&buffer, &evaluate(&standards, &first));
        evaluate_into(&standards, &second, &mut buffer);
        prop_assert_eq!(&buffer, &evaluate(&standards, &second));
        // A buffer of the wrong shape is rebuilt.
        buffer.programmes.truncate(3);
        buffer.programmes.reverse();
        evaluate_into(&standards, &first, &mut buffer);
        prop_assert_eq!(&buffer, &evaluate(&standards, &first));
    }

    #[test]
    fn evaluate_never_panics_on_hand_built_households(
        members in prop::collection::vec(
            (any::<u8>(), any::<Option<u8>>(), any::<i64>(), any::<bool>()), 0..40),
        financial in any::<i64>(), vehicles in any::<i64>(), houses in any::<u32>(), rigid in any::<i64>(),
    ) {
        let members = members.into_iter().map(|(age, grade, income, flag)| {
            let mut m = Member::new(age).with_income(IncomeKind::Wages, Fen(income));
            m.disability_grade = grade;
            m.has_able_supporter = flag;
            m
        }).collect();
        let mut h = Household::new(Area::Urban, members);
        h.financial_assets = Fen(financial);
        h.vehicles_value = Fen(vehicles);
        h.houses_owned = houses;
        h.rigid_expenses_12m = Fen(rigid);
        let a = evaluate(&Standards::sample_2026(), &h);
        prop_assert!(a.programmes.iter().all(|p| p.monthly_amount.unwrap_or(0) >= 0));
    }

    #[test]
    fn parse_never_panics_and_parsed_households_evaluate(req in any_request()) {
        if let Ok(h) = Household::parse(&req) {
            prop_assert!((1..=30).contains(&h.members.len()));
            let _ = evaluate(&Standards::sample_2026(), &h);
        }
    }

    #[test]
    fn yuan_to_fen_never_panics(y in any::<f64>()) {
        if let Ok(fen) = Fen::from_yuan(y) {
            prop_assert!(fen.0 >= 0);
            prop_assert!((fen.as_yuan_f64() - y).abs() <= 0.005 + y * 1e-15);
        }
    }
}

//! The request reader: [`Household::parse`] validates a request and reports every bad field.

use super::{
    Area, DisabilityKind, Emergency, EmergencyKind, ErrorCode, Household, HouseholdRequest, Income,
    IncomeKind, InputErrors, Member, MemberRequest, SelfCare, Urgency,
};
use crate::money::Fen;

/// Most members a household may have.
pub const MAX_MEMBERS: usize = 30;
/// Oldest age accepted.
pub const MAX_AGE: u8 = 130;
/// Most residential properties accepted as input (a bound against typing errors).
pub const MAX_HOUSES: u32 = 10_000;

impl Household {
    /// Validates a request; on failure, every bad field is listed.
    pub fn parse(req: &HouseholdRequest) -> Result<Household, InputErrors> {
        let mut errors = InputErrors::default();

        let area = enum_field(&mut errors, "area", req.area.as_deref(), Area::parse);

        let mut members = Vec::new();
        match &req.members {
            None => errors.push("members", ErrorCode::Required),
            Some(list) if list.is_empty() => errors.push("members", ErrorCode::Empty),
            Some(list) => {
                if list.len() > MAX_MEMBERS {
                    errors.push("members", ErrorCode::TooMany);
                }
                members.reserve_exact(list.len());
                for (i, m) in list.iter().enumerate() {
                    if let Some(member) = parse_member(&mut errors, i, m) {
                        members.push(member);
                    }
                }
            }
        }

        let (financial_assets, vehicles_value, houses_owned) = match &req.assets {
            None => {
                errors.push("assets", ErrorCode::Required);
                (None, None, None)
            }
            Some(a) => (
                money_field(&mut errors, "assets.financial", a.financial),
                money_field(&mut errors, "assets.vehicles_value", a.vehicles_value),
                whole_field(
                    &mut errors,
                    "assets.houses_owned",
                    a.houses_owned,
                    0,
                    MAX_HOUSES,
                    true,
                ),
            ),
        };

        let rigid_expenses_12m = match req.rigid_expenses_12m {
            None => Some(Fen::ZERO),
            some => money_field(&mut errors, "rigid_expenses_12m", some),
        };

        let emergency = match &req.emergency {
            None => None,
            Some(e) => {
                let kind = enum_field(
                    &mut errors,
                    "emergency.kind",
                    e.kind.as_deref(),
                    EmergencyKind::parse,
                );
                let urgency = enum_field(
                    &mut errors,
                    "emergency.urgency",
                    e.urgency.as_deref(),
                    Urgency::parse,
                );
                kind.zip(urgency)
                    .map(|(kind, urgency)| Emergency { kind, urgency })
            }
        };

        match (
            area,
            financial_assets,
            vehicles_value,
            houses_owned,
            rigid_expenses_12m,
        ) {
            (
                Some(area),
                Some(financial_assets),
                Some(vehicles_value),
                Some(houses_owned),
                Some(rigid),
            ) if errors.0.is_empty() => Ok(Household {
                area,
                members,
                financial_assets,
                vehicles_value,
                houses_owned,
                rigid_expenses_12m: rigid,
                housing_difficulty: req.housing_difficulty,
                special_hardship: req.special_hardship,
                emergency,
            }),
            _ => Err(errors),
        }
    }
}

fn parse_member(errors: &mut InputErrors, i: usize, m: &MemberRequest) -> Option<Member> {
    let path = |name: &str| format!("members[{i}].{name}");
    let before = errors.0.len();

    let age = whole_field(errors, path("age"), m.age, 0, u32::from(MAX_AGE), false);
    let disability_grade = match m.disability_grade {
        None => None,
        some => whole_field(errors, path("disability_grade"), some, 1, 4, false),
    };
    let disability_kind = m.disability_kind.as_deref().and_then(|text| {
        let parsed = DisabilityKind::parse(text);
        if parsed.is_none() {
            errors.push(path("disability_kind"), ErrorCode::UnknownValue);
        }
        parsed
    });
    let self_care = match m.self_care.as_deref() {
        None => Some(SelfCare::Full),
        Some(text) => {
            let parsed = SelfCare::parse(text);
            if parsed.is_none() {
                errors.push(path("self_care"), ErrorCode::UnknownValue);
            }
            parsed
        }
    };

    let mut incomes = Vec::with_capacity(m.incomes.len());
    for (j, income) in m.incomes.iter().enumerate() {
        let kind = enum_field(
            errors,
            format!("members[{i}].incomes[{j}].kind"),
            income.kind.as_deref(),
            IncomeKind::parse,
        );
        let monthly = money_field(
            errors,
            format!("members[{i}].incomes[{j}].monthly"),
            income.monthly,
        );
        if let (Some(kind), Some(monthly)) = (kind, monthly) {
            incomes.push(Income { kind, monthly });
        }
    }

    if errors.0.len() != before {
        return None;
    }
    Some(Member {
        age: age.and_then(|a| u8::try_from(a).ok())?,
        disability_grade: disability_grade.and_then(|g| u8::try_from(g).ok()),
        disability_kind,
        serious_illness: m.serious_illness,
        can_work: m.can_work,
        employed: m.employed,
        student: m.student,
        has_able_supporter: m.has_able_supporter,
        self_care: self_care?,
        incomes,
    })
}

fn enum_field<T>(
    errors: &mut InputErrors,
    field: impl Into<String>,
    value: Option<&str>,
    parse: fn(&str) -> Option<T>,
) -> Option<T> {
    match value {
        None => {
            errors.push(field, ErrorCode::Required);
            None
        }
        Some(text) => {
            let parsed = parse(text);
            if parsed.is_none() {
                errors.push(field, ErrorCode::UnknownValue);
            }
            parsed
        }
    }
}

fn money_field(
    errors: &mut InputErrors,
    field: impl Into<String>,
    value: Option<f64>,
) -> Option<Fen> {
    match value {
        None => {
            errors.push(field, ErrorCode::Required);
            None
        }
        Some(yuan) => match Fen::from_yuan(yuan) {
            Ok(fen) => Some(fen),
            Err(e) => {
                errors.push(field, e.into());
                None
            }
        },
    }
}

fn whole_field(
    errors: &mut InputErrors,
    field: impl Into<String>,
    value: Option<f64>,
    min: u32,
    max: u32,
    negative_is_own_error: bool,
) -> Option<u32> {
    let code = match value {
        None => ErrorCode::Required,
        Some(v) if !v.is_finite() => ErrorCode::NotANumber,
        Some(v) if v < 0.0 && negative_is_own_error => ErrorCode::Negative,
        Some(v) if v.fract() != 0.0 || v < f64::from(min) || v > f64::from(max) => {
            ErrorCode::OutOfRange
        }
        // In range and whole, so the cast is exact.
        Some(v) => return Some(v as u32),
    };
    errors.push(field, code);
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::household::AssetsRequest;
    use serde_json::json;

    fn request(value: serde_json::Value) -> HouseholdRequest {
        serde_json::from_value(value).unwrap()
    }

    fn example() -> serde_json::Value {
        json!({"area":"urban",
         "members":[{"age":67,"disability_grade":null,"disability_kind":null,"serious_illness":false,
                     "can_work":false,"employed":false,"student":false,"has_able_supporter":false,
                     "self_care":"full","incomes":[{"kind":"pension","monthly":300.0}]}],
         "assets":{"financial":10000.0,"vehicles_value":0.0,"houses_owned":1},
         "rigid_expenses_12m":0.0,"housing_difficulty":false,"special_hardship":false,
         "emergency":null})
    }

    fn errors(value: serde_json::Value) -> Vec<(String, ErrorCode)> {
        match Household::parse(&request(value)) {
            Ok(h) => panic!("parsed: {h:?}"),
            Err(e) => e.0.into_iter().map(|e| (e.field, e.code)).collect(),
        }
    }

    fn e(field: &str, code: ErrorCode) -> (String, ErrorCode) {
        (field.to_owned(), code)
    }

    #[test]
    fn parses_the_policy_example() {
        let h = Household::parse(&request(example())).unwrap();
        assert_eq!(h.area, Area::Urban);
        assert_eq!(h.members.len(), 1);
        assert_eq!(h.members[0].age, 67);
        assert_eq!(h.members[0].self_care, SelfCare::Full);
        assert_eq!(
            h.members[0].incomes,
            vec![Income {
                kind: IncomeKind::Pension,
                monthly: Fen(30_000)
            }]
        );
        assert_eq!(h.financial_assets, Fen(1_000_000));
        assert_eq!(h.houses_owned, 1);
        assert_eq!(h.emergency, None);
        assert_eq!(h.counted_income(), Fen(30_000));
    }

    #[test]
    fn collects_every_error() {
        let mut v = example();
        v["area"] = json!("suburban");
        v["members"][0]["age"] = json!(131);
        v["members"][0]["disability_grade"] = json!(5);
        v["members"][0]["disability_kind"] = json!("unknown");
        v["members"][0]["self_care"] = json!("some");
        v["members"][0]["incomes"] = json!([
            {"kind":"pension","monthly":-1},
            {"kind":"lottery","monthly":1},
            {"monthly":"abc"},
            {"kind":"wages"}
        ]);
        v["assets"]["financial"] = json!(-5);
        v["assets"]["houses_owned"] = json!(1.5);
        v["rigid_expenses_12m"] = json!(1e300);
        v["emergency"] = json!({"kind":"flood","urgency":"soon"});
        assert_eq!(
            errors(v),
            vec![
                e("area", ErrorCode::UnknownValue),
                e("members[0].age", ErrorCode::OutOfRange),
                e("members[0].disability_grade", ErrorCode::OutOfRange),
                e("members[0].disability_kind", ErrorCode::UnknownValue),
                e("members[0].self_care", ErrorCode::UnknownValue),
                e("members[0].incomes[0].monthly", ErrorCode::Negative),
                e("members[0].incomes[1].kind", ErrorCode::UnknownValue),
                e("members[0].incomes[2].kind", ErrorCode::Required),
                e("members[0].incomes[2].monthly", ErrorCode::NotANumber),
                e("members[0].incomes[3].monthly", ErrorCode::Required),
                e("assets.financial", ErrorCode::Negative),
                e("assets.houses_owned", ErrorCode::OutOfRange),
                e("rigid_expenses_12m", ErrorCode::OutOfRange),
                e("emergency.kind", ErrorCode::UnknownValue),
                e("emergency.urgency", ErrorCode::UnknownValue),
            ]
        );
    }

    #[test]
    fn range_boundaries() {
        for (age, ok) in [
            (json!(0), true),
            (json!(130), true),
            (json!(131), false),
            (json!(-1), false),
            (json!(30.5), false),
        ] {
            let mut v = example();
            v["members"][0]["age"] = age.clone();
            assert_eq!(Household::parse(&request(v)).is_ok(), ok, "{age}");
        }
        for (grade, ok) in [
            (json!(1), true),
            (json!(4), true),
            (json!(0), false),
            (json!(5), false),
            (json!(null), true),
        ] {
            let mut v = example();
            v["members"][0]["disability_grade"] = grade.clone();
            assert_eq!(Household::parse(&request(v)).is_ok(), ok, "{grade}");
        }
    }

    #[test]
    fn household_size_limits() {
        let mut v = example();
        v["members"] = json!([]);
        assert_eq!(errors(v), vec![e("members", ErrorCode::Empty)]);

        let mut v = example();
        let member = v["members"][0].clone();
        v["members"] = json!(vec![member.clone(); 30]);
        assert_eq!(
            Household::parse(&request(v.clone())).map(|h| h.members.len()),
            Ok(30)
        );
        v["members"] = json!(vec![member; 31]);
        assert_eq!(errors(v), vec![e("members", ErrorCode::TooMany)]);

        let mut v = example();
        v.as_object_mut().unwrap().remove("members");
        v.as_object_mut().unwrap().remove("assets");
        v.as_object_mut().unwrap().remove("area");
        assert_eq!(
            errors(v),
            vec![
                e("area", ErrorCode::Required),
                e("members", ErrorCode::Required),
                e("assets", ErrorCode::Required)
            ]
        );
    }

    #[test]
    fn lenient_wire_values() {
        let mut v = example();
        v["members"][0]["age"] = json!("67");
        v["assets"]["financial"] = json!(" 10000.5 ");
        v["area"] = json!(7);
        v["members"][0]["self_care"] = json!({"x": 1});
        v["assets"]["vehicles_value"] = json!([1, 2]);
        v["assets"]["houses_owned"] = json!(true);
        assert_eq!(
            errors(v),
            vec![
                e("area", ErrorCode::UnknownValue),
                e("members[0].self_care", ErrorCode::UnknownValue),
                e("assets.vehicles_value", ErrorCode::NotANumber),
                e("assets.houses_owned", ErrorCode::NotANumber),
            ]
        );
        // Defaults: missing booleans are false, missing self_care is full, no expenses.
        let h = Household::parse(&request(json!({
            "area": "rural",
            "members": [{"age": 5}],
            "assets": {"financial": 0, "vehicles_value": 0, "houses_owned": 0}
        })))
        .unwrap();
        assert_eq!(h.members[0], Member::new(5));
        assert_eq!(h.rigid_expenses_12m, Fen::ZERO);
    }

    #[test]
    fn non_finite_numbers_built_in_rust() {
        let mut req = request(example());
        req.assets = Some(AssetsRequest {
            financial: Some(f64::NAN),
            vehicles_value: Some(f64::INFINITY),
            houses_owned: Some(f64::NEG_INFINITY),
        });
        let errs = Household::parse(&req).unwrap_err();
        assert!(errs.has("assets.financial", ErrorCode::NotANumber));
        assert!(errs.has("assets.vehicles_value", ErrorCode::NotANumber));
        assert!(errs.has("assets.houses_owned", ErrorCode::NotANumber));
        assert_eq!(
            errs.to_string(),
            "invalid household: assets.financial: not_a_number; assets.vehicles_value: not_a_number; assets.houses_owned: not_a_number;"
        );
    }

    #[test]
    fn emergency_parses() {
        let mut v = example();
        v["emergency"] = json!({"kind":"fire","urgency":"critical"});
        let h = Household::parse(&request(v)).unwrap();
        assert_eq!(
            h.emergency,
            Some(Emergency {
                kind: EmergencyKind::Fire,
                urgency: Urgency::Critical
            })
        );
        let mut v = example();
        v["emergency"] = json!({});
        assert_eq!(
            errors(v),
            vec![
                e("emergency.kind", ErrorCode::Required),
                e("emergency.urgency", ErrorCode::Required)
            ]
        );
    }
}

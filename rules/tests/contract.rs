//! The public JSON contract of POLICY.md §3.5.

use rules::{evaluate, Assessment, Household, HouseholdRequest, ProgrammeId, Rule, Standards};
use serde_json::{json, Value};

const EXAMPLE_REQUEST: &str = r#"{"area":"urban",
 "members":[{"age":67,"disability_grade":null,"disability_kind":null,"serious_illness":false,
             "can_work":false,"employed":false,"student":false,"has_able_supporter":false,
             "self_care":"full","incomes":[{"kind":"pension","monthly":300.0}]}],
 "assets":{"financial":10000.0,"vehicles_value":0.0,"houses_owned":1},
 "rigid_expenses_12m":0.0,"housing_difficulty":false,"special_hardship":false,
 "emergency":null}"#;

fn assess(json: &str) -> Assessment {
    let request: HouseholdRequest = serde_json::from_str(json).unwrap();
    let household = Household::parse(&request).unwrap();
    evaluate(&Standards::sample_2026(), &household)
}

#[test]
fn example_response_has_the_contract_shape() {
    let out = serde_json::to_value(assess(EXAMPLE_REQUEST)).unwrap();
    let top: Vec<&str> = out
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(top, ["household", "programmes", "recommended", "standards"]);
    assert_eq!(
        out["standards"],
        json!({"year":2026,"area":"urban","dibao_standard":980})
    );
    assert_eq!(
        out["household"],
        json!({"size":1,"counted_monthly_income":300.0,"per_capita_monthly_income":300.0})
    );
    assert_eq!(out["recommended"], json!("tekun"));

    let programmes = out["programmes"].as_array().unwrap();
    let ids: Vec<&str> = programmes
        .iter()
        .map(|p| p["programme"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "dibao",
            "tekun",
            "marginal",
            "rigid_expense",
            "temporary_emergency",
            "temporary_expense",
            "medical",
            "education",
            "housing",
            "employment",
            "care_service",
            "charity",
            "deliberation"
        ]
    );
    for p in programmes {
        let mut keys: Vec<&str> = p.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            ["checks", "members", "monthly_amount", "programme", "status"],
            "{p}"
        );
        for c in p["checks"].as_array().unwrap() {
            let mut keys: Vec<&str> = c.as_object().unwrap().keys().map(String::as_str).collect();
            keys.sort_unstable();
            keys.retain(|k| *k != "member");
            assert_eq!(keys, ["passed", "rule", "threshold", "value"], "{c}");
        }
    }

    let dibao = &programmes[0];
    assert_eq!(dibao["status"], json!("eligible"));
    assert_eq!(dibao["monthly_amount"], json!(680));
    assert_eq!(dibao["members"], json!([0]));
    assert_eq!(
        dibao["checks"][0],
        json!({"rule":"per_capita_income_below_standard","passed":true,"value":300.0,"threshold":980.0})
    );
    assert_eq!(programmes[1]["monthly_amount"], json!(1424));
    assert_eq!(programmes[2]["monthly_amount"], Value::Null);
    assert_eq!(programmes[2]["members"], json!([]));
    assert_eq!(programmes[2]["status"], json!("ineligible"));

    // The exact serialized text of the first check, field order included.
    let a = assess(EXAMPLE_REQUEST);
    let text = serde_json::to_string(&a.programmes[0].checks[0]).unwrap();
    assert_eq!(
        text,
        r#"{"rule":"per_capita_income_below_standard","passed":true,"value":300.0,"threshold":980.0}"#
    );
    let text = serde_json::to_string(&a.standards).unwrap();
    assert_eq!(text, r#"{"year":2026,"area":"urban","dibao_standard":980}"#);
}

#[test]
fn emergency_fields_only_on_temporary_emergency() {
    let with_emergency = EXAMPLE_REQUEST.replace(
        r#""emergency":null"#,
        r#""emergency":{"kind":"fire","urgency":"critical"}"#,
    );
    let out = serde_json::to_value(assess(&with_emergency)).unwrap();
    for p in out["programmes"].as_array().unwrap() {
        let is_emergency = p["programme"] == json!("temporary_emergency");
        assert_eq!(p.get("advance_within_hours").is_some(), is_emergency);
        assert_eq!(p.get("advance_cap").is_some(), is_emergency);
        if is_emergency {
            assert_eq!(p["advance_within_hours"], json!(2));
            assert_eq!(p["advance_cap"], json!(980));
            assert_eq!(p["monthly_amount"], Value::Null);
        }
    }
    let a = assess(&with_emergency);
    assert_eq!(a.recommended, Some(ProgrammeId::Tekun));
}

#[test]
fn assessment_round_trips_through_json() {
    for request in [
        EXAMPLE_REQUEST.to_owned(),
        EXAMPLE_REQUEST.replace(
            r#""emergency":null"#,
            r#""emergency":{"kind":"fire","urgency":"urgent"}"#,
        ),
        EXAMPLE_REQUEST
            .replace("300.0", "1234.56")
            .replace(r#""area":"urban""#, r#""area":"rural""#),
    ] {
        let a = assess(&request);
        let text = serde_json::to_string(&a).unwrap();
        let back: Assessment = serde_json::from_str(&text).unwrap();
        assert_eq!(back, a);
        assert_eq!(serde_json::to_string(&back).unwrap(), text);
    }
}

#[test]
fn per_person_checks_name_their_member() {
    let a = assess(EXAMPLE_REQUEST);
    let tekun = a.programme(ProgrammeId::Tekun).unwrap();
    let c = tekun.check(Rule::OwnIncomeBelowStandard, Some(0)).unwrap();
    let v = serde_json::to_value(c).unwrap();
    assert_eq!(
        v,
        json!({"rule":"own_income_below_standard","member":0,"passed":true,"value":300.0,"threshold":980.0})
    );
    let no_supporter =
        serde_json::to_value(tekun.check(Rule::NoAbleSupporter, Some(0)).unwrap()).unwrap();
    assert_eq!(
        no_supporter,
        json!({"rule":"no_able_supporter","member":0,"passed":true,"value":false,"threshold":null})
    );
}

#[test]
fn request_round_trips() {
    let request: HouseholdRequest = serde_json::from_str(EXAMPLE_REQUEST).unwrap();
    let text = serde_json::to_string(&request).unwrap();
    let expected: Value = serde_json::from_str(EXAMPLE_REQUEST).unwrap();
    assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), expected);
}

#[test]
fn rule_ids_are_unique_snake_case() {
    let mut seen = std::collections::HashSet::new();
    for r in Rule::ALL {
        let id = r.as_str();
        assert!(
            id.chars()
                .all(|c| c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit()),
            "{id}"
        );
        assert!(seen.insert(id), "{id}");
        assert_eq!(serde_json::to_value(r).unwrap(), json!(id));
        assert_eq!(Rule::parse(id), Some(*r));
    }
}

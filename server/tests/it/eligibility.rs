//! `POST /api/v1/eligibility` as POLICY.md §3.5 defines it.

use serde_json::{json, Value};
use store::on_both_databases;
use store::testing::TestDatabase;

use crate::common::{full_example, TestServer};

/// The household of the §6 example, every optional field written out.
fn policy_example() -> Value {
    full_example()["household"].take()
}

async fn post(server: &TestServer, body: String) -> reqwest::Response {
    server
        .client
        .post(server.url("/api/v1/eligibility"))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap()
}

fn programme<'a>(answer: &'a Value, id: &str) -> &'a Value {
    answer["programmes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["programme"] == id)
        .unwrap()
}

async fn the_policy_example_gets_the_contract_answer(db: TestDatabase) {
    let server = TestServer::start(db).await;
    let response = post(&server, policy_example().to_string()).await;
    assert_eq!(response.status(), 200);
    let answer: Value = response.json().await.unwrap();
    assert_eq!(
        answer["standards"],
        json!({"year":2026,"area":"urban","dibao_standard":980})
    );
    assert_eq!(
        answer["household"],
        json!({"size":1,"counted_monthly_income":300.0,"per_capita_monthly_income":300.0})
    );
    assert_eq!(
        answer["programmes"].as_array().unwrap().len(),
        13,
        "one entry per programme, ineligible ones too"
    );
    let dibao = programme(&answer, "dibao");
    assert_eq!(
        (dibao["status"].as_str(), dibao["monthly_amount"].as_i64()),
        (Some("eligible"), Some(680))
    );
    assert_eq!(
        dibao["checks"][0],
        json!({"rule":"per_capita_income_below_standard","passed":true,"value":300.0,"threshold":980.0})
    );
    assert_eq!(programme(&answer, "tekun")["monthly_amount"], 1424);
    assert_eq!(answer["recommended"], "tekun");

    let mut emergency = policy_example();
    emergency["emergency"] = json!({"kind":"fire","urgency":"critical"});
    let answer: Value = post(&server, emergency.to_string())
        .await
        .json()
        .await
        .unwrap();
    let advance = programme(&answer, "temporary_emergency");
    assert_eq!(
        (
            advance["advance_within_hours"].as_i64(),
            advance["advance_cap"].as_i64()
        ),
        (Some(2), Some(980))
    );
}
on_both_databases!(
    example_sqlite,
    example_postgres,
    the_policy_example_gets_the_contract_answer
);

async fn bad_input_gets_422_with_every_bad_field_and_never_a_500(db: TestDatabase) {
    let server = TestServer::start(db).await;
    let mut bad = policy_example();
    bad["members"][0]["age"] = json!(200);
    bad["members"][0]["incomes"][0]["kind"] = json!("lottery");
    bad["assets"]["financial"] = json!(-5);
    let response = post(&server, bad.to_string()).await;
    assert_eq!(response.status(), 422);
    let errors: Value = response.json().await.unwrap();
    let fields: Vec<(&str, &str)> = errors["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    for expected in [
        ("members[0].age", "out_of_range"),
        ("members[0].incomes[0].kind", "unknown_value"),
        ("assets.financial", "negative"),
    ] {
        assert!(
            fields.contains(&expected),
            "{expected:?} missing from {fields:?}"
        );
    }
    assert!(errors["errors"][0]["message"]
        .as_str()
        .is_some_and(|m| !m.is_empty()));

    for body in [
        "{not json",
        "",
        "[]",
        r#"{"area":"urban","members":[]}"#,
        r#"{"area":"mars"}"#,
    ] {
        let response = post(&server, body.to_owned()).await;
        assert_eq!(response.status(), 422, "{body:?}");
        let errors: Value = response.json().await.unwrap();
        assert!(!errors["errors"].as_array().unwrap().is_empty(), "{body:?}");
    }
    let no_content_type = server
        .client
        .post(server.url("/api/v1/eligibility"))
        .body(policy_example().to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(
        no_content_type.status(),
        200,
        "a partner system that forgets the header still gets its answer"
    );

    let english = server
        .client
        .post(server.url("/api/v1/eligibility"))
        .header("accept-language", "en")
        .body("{")
        .send()
        .await
        .unwrap();
    assert_eq!(
        english.json::<Value>().await.unwrap()["errors"][0]["message"],
        "The request is not valid JSON."
    );
}
on_both_databases!(
    bad_sqlite,
    bad_postgres,
    bad_input_gets_422_with_every_bad_field_and_never_a_500
);

/// A standard raised mid-year applies from its date: before it, the answer uses the year's
/// first standard; from that day on, the raised one.
async fn a_raised_standard_applies_from_its_date(db: TestDatabase) {
    let dir = tempfile::tempdir().unwrap();
    let sample: Value =
        serde_json::from_str(include_str!("../../../rules/standards/sample-2026.json")).unwrap();
    let mut raised = sample.clone();
    let from = (time::OffsetDateTime::now_utc() + time::Duration::days(2)).date();
    raised["urban"]["dibao_standard"] = json!(1010);
    raised["effective_from"] = json!(format!(
        "{:04}-{:02}-{:02}",
        from.year(),
        u8::from(from.month()),
        from.day()
    ));
    let file = dir.path().join("standards.json");
    std::fs::write(&file, json!([sample, raised]).to_string()).unwrap();
    let server =
        TestServer::start_with_config(db, |config| config.standards_file = Some(file)).await;
    let dibao_standard = |answer: Value| answer["standards"]["dibao_standard"].as_i64();
    let before = post(&server, policy_example().to_string()).await;
    assert_eq!(dibao_standard(before.json().await.unwrap()), Some(980));
    server.clock.advance(time::Duration::days(3));
    let after = post(&server, policy_example().to_string()).await;
    assert_eq!(dibao_standard(after.json().await.unwrap()), Some(1010));
}

on_both_databases!(
    raised_standard_sqlite,
    raised_standard_postgres,
    a_raised_standard_applies_from_its_date
);

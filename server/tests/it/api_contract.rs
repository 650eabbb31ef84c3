//! The OpenAPI document and the server agree: the document's structural promises (every
//! operation lists its 4xx answers; the required fields are the readers'), and over real HTTP the
//! requests a schema-driven fuzzer found the two disagreeing on. The full fuzz runs in the test
//! command (`scripts/lib/contract.sh`); this keeps a regression visible in `cargo nextest` too.

use casework::read_application;
use serde_json::{json, Value};
use server::api::contract::{ANNOTATIONS, ENFORCED};
use store::on_both_databases;
use store::testing::TestDatabase;

use crate::common::{full_example, TestServer};

fn document() -> Value {
    serde_json::from_str(server::api::OPENAPI).unwrap_or(Value::Null)
}

fn resolve<'a>(document: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let mut target = document;
            for part in reference.trim_start_matches("#/").split('/') {
                target = &target[part];
            }
            target
        }
        None => value,
    }
}

fn api_operations(document: &Value) -> Vec<(String, String, Value)> {
    let mut operations = Vec::new();
    for (path, item) in document["paths"].as_object().into_iter().flatten() {
        if !path.starts_with("/api/v1/") || path == "/api/v1/openapi.json" {
            continue;
        }
        for (method, operation) in item.as_object().into_iter().flatten() {
            operations.push((path.clone(), method.clone(), operation.clone()));
        }
    }
    operations
}

#[test]
fn every_operation_lists_its_error_answers_in_the_error_shape() {
    let document = document();
    let operations = api_operations(&document);
    assert_eq!(operations.len(), 5, "the five operations of /api/v1");
    for (path, method, operation) in operations {
        let responses = operation["responses"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        let mut wanted = vec!["401"];
        if method == "post" {
            wanted.extend(["413", "422"]);
        }
        if path == "/api/v1/applications" {
            wanted.extend(["400", "429", "503"]);
        }
        if path.contains('{') {
            wanted.push("404");
        }
        if path == "/api/v1/applications/{reference}" {
            wanted.push("429");
        }
        for status in wanted {
            assert!(
                responses.contains_key(status),
                "{method} {path} does not list {status}"
            );
        }
        for (status, response) in &responses {
            if !status.starts_with('4') && !status.starts_with('5') {
                continue;
            }
            let response = resolve(&document, response);
            assert_eq!(
                response["content"]["application/json"]["schema"]["$ref"],
                "#/components/schemas/Errors",
                "{method} {path} {status} is not the error list"
            );
            if status == "429" {
                assert!(
                    response["headers"]["Retry-After"].is_object(),
                    "{method} {path} 429 has no Retry-After"
                );
            }
        }
        let parameters = operation["parameters"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert!(
            parameters
                .iter()
                .any(|p| p["name"] == "Authorization" && p["required"] == false),
            "{method} {path} does not take an optional partner key"
        );
    }
}

/// Request schemas use only what the server's check enforces, and are closed.
#[test]
fn request_schemas_say_only_what_the_server_enforces() {
    fn walk(document: &Value, schema: &Value, at: &str, seen: &mut Vec<String>) {
        let Some(members) = schema.as_object() else {
            return;
        };
        if let Some(reference) = members.get("$ref").and_then(Value::as_str) {
            if !seen.iter().any(|s| s == reference) {
                seen.push(reference.to_owned());
                walk(document, resolve(document, schema), reference, seen);
            }
            return;
        }
        for (keyword, value) in members {
            assert!(
                ENFORCED.contains(&keyword.as_str()) || ANNOTATIONS.contains(&keyword.as_str()),
                "{at}: the server does not enforce `{keyword}`"
            );
            match keyword.as_str() {
                "properties" => {
                    for (name, property) in value.as_object().into_iter().flatten() {
                        walk(document, property, &format!("{at}.{name}"), seen);
                    }
                }
                "items" => walk(document, value, &format!("{at}[]"), seen),
                "oneOf" => {
                    for branch in value.as_array().into_iter().flatten() {
                        walk(document, branch, at, seen);
                    }
                }
                _ => {}
            }
        }
        if members.contains_key("properties") {
            assert_eq!(
                members.get("additionalProperties"),
                Some(&Value::Bool(false)),
                "{at} accepts unknown fields"
            );
        }
    }
    let document = document();
    for name in ["HouseholdRequest", "ApplicationRequest"] {
        let schema = json!({ "$ref": format!("#/components/schemas/{name}") });
        walk(&document, &schema, name, &mut Vec::new());
    }
}

/// For each object of the application the document describes, every field it calls required is
/// one the reader refuses to go without, and every other one the reader does without.
#[test]
fn the_application_schemas_required_fields_are_the_readers() {
    let document = document();
    let schemas = &document["components"]["schemas"];
    let objects: [(&str, &Value, &str); 6] = [
        ("", &schemas["ApplicationRequest"], ""),
        (
            "applicant",
            &schemas["ApplicationRequest"]["properties"]["applicant"],
            "applicant.",
        ),
        (
            "consents",
            &schemas["ApplicationRequest"]["properties"]["consents"],
            "consents.",
        ),
        ("household", &schemas["HouseholdRequest"], "household."),
        (
            "household.assets",
            &schemas["HouseholdRequest"]["properties"]["assets"],
            "household.assets.",
        ),
        (
            "household.members.0",
            &schemas["Member"],
            "household.members[0].",
        ),
    ];
    for (pointer, schema, field_prefix) in objects {
        let required: Vec<&str> = schema["required"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let properties: Vec<String> = schema["properties"]
            .as_object()
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default();
        assert!(!properties.is_empty(), "{pointer} has no properties");
        for name in &properties {
            // Required of every adult member: the example's member is 67.
            if pointer == "consents" && name == "verification_authorizations" {
                continue;
            }
            let mut body = full_example();
            let path = format!("/{}", pointer.replace('.', "/"));
            let object = if pointer.is_empty() {
                body.as_object_mut()
            } else {
                body.pointer_mut(&path).and_then(Value::as_object_mut)
            };
            object.map(|o| o.remove(name.as_str()));
            let outcome = read_application(&body);
            let field = format!("{field_prefix}{name}");
            if required.contains(&name.as_str()) {
                let problems = outcome.err().unwrap_or_default();
                assert!(
                    problems
                        .iter()
                        .any(|p| p.field == field || p.field.starts_with(&format!("{field}."))),
                    "the document requires {field}, the reader does not: {problems:?}"
                );
            } else {
                assert!(
                    outcome.is_ok(),
                    "the document lets {field} out, the reader does not: {:?}",
                    outcome.err()
                );
            }
        }
    }
}

async fn post_json(server: &TestServer, path: &str, body: &Value) -> (u16, Value) {
    let response = server
        .client
        .post(server.url(path))
        .header("content-type", "application/json")
        .header("idempotency-key", "0b6e5b52-2b4f-4e5e-9d3a-6a1b2c3d4e5f")
        .body(body.to_string())
        .send()
        .await
        .expect("POST");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn fields(answer: &Value) -> Vec<(String, String)> {
    answer["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            (
                e["field"].as_str().unwrap_or_default().to_owned(),
                e["code"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// Requests the document forbids were accepted: a number sent as text, an unknown field, an
/// unknown situation. Now each is refused, naming its field, and nothing is stored.
async fn what_the_document_forbids_is_refused(db: TestDatabase) {
    let server = TestServer::start(db).await;

    let mut household = full_example()["household"].clone();
    household["members"][0]["age"] = json!("67");
    household["members"][0]["disabilty_grade"] = json!(1);
    let (status, answer) = post_json(&server, "/api/v1/eligibility", &household).await;
    assert_eq!(status, 422, "{answer}");
    assert_eq!(
        fields(&answer),
        vec![
            ("members[0].age".to_owned(), "invalid".to_owned()),
            (
                "members[0].disabilty_grade".to_owned(),
                "unknown_field".to_owned()
            ),
        ]
    );
    assert!(answer["errors"][0]["message"]
        .as_str()
        .is_some_and(|m| !m.is_empty()));

    let mut body = full_example();
    body["household"]["members"] = json!([{"age": 67, "pension": 300}]);
    body["applicant"]["name"] = json!("张三\u{7}");
    let (status, answer) = post_json(&server, "/api/v1/applications", &body).await;
    assert_eq!(status, 422, "{answer}");
    assert_eq!(
        fields(&answer),
        vec![
            ("applicant.name".to_owned(), "format".to_owned()),
            (
                "household.members[0].pension".to_owned(),
                "unknown_field".to_owned()
            ),
        ]
    );
    // Nothing was stored: the same key with the body put right is the first application.
    let (status, receipt) = post_json(&server, "/api/v1/applications", &full_example()).await;
    assert_eq!(status, 201, "{receipt}");
    assert!(
        receipt["reference"]
            .as_str()
            .is_some_and(|r| r.ends_with("-000001")),
        "{receipt}"
    );

    let response = server
        .get("/api/v1/policies?situation=lottery_win&category=basic_living")
        .await;
    assert_eq!(response.status(), 422);
    let answer: Value = response.json().await.unwrap_or(Value::Null);
    assert_eq!(
        fields(&answer),
        vec![("situation".to_owned(), "unknown_value".to_owned())]
    );
    let response = server.get("/api/v1/policies?situation=old_age").await;
    assert_eq!(response.status(), 200);
}

on_both_databases!(
    forbidden_sqlite,
    forbidden_postgres,
    what_the_document_forbids_is_refused
);

/// Requests the document allows are answered as it says: the policy example with every optional
/// field left out, and an income at the top of its range.
async fn what_the_document_allows_is_accepted(db: TestDatabase) {
    let server = TestServer::start(db).await;
    let mut household = json!({"area":"rural","members":[{"age":5}],
        "assets":{"financial":0,"vehicles_value":0,"houses_owned":0}});
    let (status, answer) = post_json(&server, "/api/v1/eligibility", &household).await;
    assert_eq!(status, 200, "{answer}");
    household["members"][0]["incomes"] = json!([{"kind":"wages","monthly":1e12}]);
    let (status, answer) = post_json(&server, "/api/v1/eligibility", &household).await;
    assert_eq!(status, 200, "{answer}");

    let (status, answer) = post_json(&server, "/api/v1/applications", &full_example()).await;
    assert_eq!(status, 201, "{answer}");
}

on_both_databases!(
    allowed_sqlite,
    allowed_postgres,
    what_the_document_allows_is_accepted
);

/// Errors from the layers around the API (the body limit, the router, the tracking look-up) are
/// the document's error list in JSON, not the pages' HTML.
async fn every_api_error_is_the_error_list(db: TestDatabase) {
    let server = TestServer::start_with_config(db, |config| config.max_body_bytes = 1024).await;
    let big = json!({"area": "x".repeat(4096)});
    let (status, answer) = post_json(&server, "/api/v1/eligibility", &big).await;
    assert_eq!(status, 413);
    assert_eq!(
        fields(&answer),
        vec![(String::new(), "too_large".to_owned())]
    );

    for (method, path) in [
        (reqwest::Method::GET, "/api/v1/applications/JSJ-2026-000001"),
        (reqwest::Method::GET, "/api/v1/nothing-here"),
        (reqwest::Method::DELETE, "/api/v1/eligibility"),
    ] {
        let response = server
            .client
            .request(method.clone(), server.url(path))
            .header("x-access-code", "12345678")
            .header("accept-encoding", "gzip, br")
            .send()
            .await
            .expect("request");
        assert!(response.status().is_client_error(), "{method} {path}");
        assert_eq!(
            response
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok()),
            Some("application/json"),
            "{method} {path}"
        );
        let answer: Value = response.json().await.unwrap_or(Value::Null);
        assert_eq!(
            answer["errors"][0]["field"], "",
            "{method} {path}: {answer}"
        );
        assert!(
            answer["errors"][0]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{method} {path}: {answer}"
        );
    }
}

on_both_databases!(
    errors_sqlite,
    errors_postgres,
    every_api_error_is_the_error_list
);

fn shape(name: &str, value: &Value) -> Vec<(String, &'static str)> {
    server::api::contract::contract()
        .check(name, value)
        .into_iter()
        .map(|p| (p.field, p.code))
        .collect()
}

/// The answers have the shapes the document gives them: an assessment, a receipt, a tracked
/// case, the policy list and a policy.
async fn the_answers_have_the_documents_shapes(db: TestDatabase) {
    let server = TestServer::start(db).await;
    let (status, assessment) =
        post_json(&server, "/api/v1/eligibility", &full_example()["household"]).await;
    assert_eq!(status, 200);
    assert_eq!(shape("Assessment", &assessment), vec![]);

    let (status, receipt) = post_json(&server, "/api/v1/applications", &full_example()).await;
    assert_eq!(status, 201);
    assert_eq!(shape("ApplicationReceipt", &receipt), vec![]);

    let response = server
        .client
        .get(server.url(&format!(
            "/api/v1/applications/{}",
            receipt["reference"].as_str().unwrap_or_default()
        )))
        .header(
            "x-access-code",
            receipt["access_code"].as_str().unwrap_or_default(),
        )
        .send()
        .await
        .expect("GET");
    assert_eq!(response.status(), 200);
    let case: Value = response.json().await.unwrap_or(Value::Null);
    assert_eq!(shape("Case", &case), vec![], "{case}");

    let list: Value = server
        .get("/api/v1/policies?q=低保")
        .await
        .json()
        .await
        .unwrap_or(Value::Null);
    assert_eq!(shape("PolicyList", &list), vec![]);
    let url = list["policies"][0]["url"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let policy: Value = server.get(&url).await.json().await.unwrap_or(Value::Null);
    assert_eq!(shape("Policy", &policy), vec![], "{url}");
}

on_both_databases!(
    answers_sqlite,
    answers_postgres,
    the_answers_have_the_documents_shapes
);

/// Once a client is out of look-ups, the API's 429 is the error list with Retry-After, as the
/// document says (the throttle answers the pages with HTML).
async fn too_many_look_ups_answer_the_error_list(db: TestDatabase) {
    let server = TestServer::start_with_config(db, |config| {
        config.access_code_attempts_per_minute = 1;
    })
    .await;
    let look_up = || {
        server
            .client
            .get(server.url("/api/v1/applications/JSJ-2026-000009"))
            .header("x-access-code", "12345678")
            .send()
    };
    assert_eq!(look_up().await.expect("GET").status(), 404);
    let response = look_up().await.expect("GET");
    assert_eq!(response.status(), 429);
    assert!(response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .is_some_and(|seconds| seconds >= 1));
    let answer: Value = response.json().await.unwrap_or(Value::Null);
    assert_eq!(
        fields(&answer),
        vec![(String::new(), "too_many_requests".to_owned())]
    );
}

on_both_databases!(
    too_many_sqlite,
    too_many_postgres,
    too_many_look_ups_answer_the_error_list
);

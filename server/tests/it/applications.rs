//! `POST /api/v1/applications` as POLICY.md §6 defines it.

use app::i18n::{tr, Lang};
use serde_json::{json, Value};
use store::on_both_databases;
use store::testing::TestDatabase;
use store::Clock;

use crate::common::{full_example, TestServer};

async fn submit(server: &TestServer, key: Option<&str>, body: &Value) -> (u16, Value) {
    server.post_application(key, body).await
}

const KEY: &str = "6f9619ff-8b86-4011-b42d-00c04fc964ff";

async fn the_policy_example_is_accepted_once(db: TestDatabase) {
    let server = TestServer::start(db).await;
    let (status, receipt) = submit(&server, Some(KEY), &full_example()).await;
    assert_eq!(status, 201);
    let reference = receipt["reference"].as_str().unwrap_or_default();
    assert!(
        reference.starts_with("JSJ-") && reference.ends_with("-000001"),
        "{receipt}"
    );
    assert_eq!(receipt["access_code"].as_str().map(str::len), Some(8));
    assert_eq!(receipt["status"], "submitted");
    assert_eq!(receipt["advance_due_at"], Value::Null);

    // The same key and body: the first answer again, nothing new.
    let mut reordered = serde_json::Map::new();
    for (k, v) in full_example().as_object().into_iter().flatten().rev() {
        reordered.insert(k.clone(), v.clone());
    }
    let (status, again) = submit(&server, Some(KEY), &Value::Object(reordered)).await;
    assert_eq!((status, &again), (201, &receipt));
    // The same key with another body is refused.
    let mut other = full_example();
    other["programmes"] = json!(["tekun"]);
    let (status, refused) = submit(&server, Some(KEY), &other).await;
    assert_eq!(status, 422);
    assert_eq!(refused["errors"][0]["code"], "key_reused");
    // No key at all.
    let (status, missing) = submit(&server, None, &full_example()).await;
    assert_eq!(status, 400);
    assert_eq!(missing["errors"][0]["field"], "Idempotency-Key");
    assert_eq!(
        server.store.application_references().await.expect("list"),
        vec![reference.to_owned()]
    );
}

on_both_databases!(
    once_sqlite,
    once_postgres,
    the_policy_example_is_accepted_once
);

async fn bad_input_names_each_field_and_stores_nothing(db: TestDatabase) {
    let server = TestServer::start(db).await;
    let mut body = full_example();
    body["applicant"]["id_number"] = json!("110105194912310021");
    body["consents"]["public_notice"] = json!(false);
    let (status, answer) = submit(&server, Some(KEY), &body).await;
    assert_eq!(status, 422);
    assert_eq!(
        answer["errors"],
        json!([
            {"field":"applicant.id_number","code":"checksum","message":tr::input_error_id_checksum(Lang::Zh)},
            {"field":"consents.public_notice","code":"consent_required","message":tr::input_error_consent_required(Lang::Zh)}
        ])
    );
    let english = server
        .client
        .post(server.url("/api/v1/applications"))
        .header("idempotency-key", KEY)
        .header("accept-language", "en")
        .body("{not json")
        .send()
        .await
        .expect("POST");
    assert_eq!(english.status(), 422);
    let english: Value = english.json().await.expect("JSON");
    assert_eq!(
        english["errors"][0]["message"],
        "The request is not valid JSON."
    );
    assert!(server
        .store
        .application_references()
        .await
        .expect("list")
        .is_empty());
    // The key was not used up by the refused requests.
    let (status, _) = submit(&server, Some(KEY), &full_example()).await;
    assert_eq!(status, 201);
}

on_both_databases!(
    bad_input_sqlite,
    bad_input_postgres,
    bad_input_names_each_field_and_stores_nothing
);

async fn an_emergency_answers_with_its_advance_deadline(db: TestDatabase) {
    let server = TestServer::start(db).await;
    let mut body = full_example();
    body["emergency"] = json!({"kind":"fire","urgency":"critical"});
    let (status, receipt) = submit(&server, Some(KEY), &body).await;
    assert_eq!(status, 201);
    let due = time::OffsetDateTime::parse(
        receipt["advance_due_at"].as_str().unwrap_or_default(),
        &time::format_description::well_known::Rfc3339,
    )
    .expect("an RFC 3339 time");
    assert_eq!(due - server.clock.now(), time::Duration::hours(2));
}

on_both_databases!(
    emergency_sqlite,
    emergency_postgres,
    an_emergency_answers_with_its_advance_deadline
);

/// Keeps what it was asked to send; fails while `down` is set.
#[derive(Default)]
struct RecordingProvider {
    sent: std::sync::Mutex<Vec<(String, String)>>,
    down: std::sync::atomic::AtomicBool,
}

#[async_trait::async_trait]
impl server::notifications::SmsProvider for RecordingProvider {
    async fn send(
        &self,
        sms: &server::notifications::Sms<'_>,
    ) -> Result<(), server::notifications::SendError> {
        use server::notifications::SendError;
        if self.down.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(SendError::Failed("gateway down".into()));
        }
        self.sent
            .lock()
            .map_err(|e| SendError::Failed(e.to_string()))?
            .push((sms.to.to_owned(), sms.text.to_owned()));
        Ok(())
    }
}

async fn the_receipt_sms_survives_a_gateway_outage(db: TestDatabase) {
    use server::notifications::dispatch_due;
    let server = TestServer::start(db).await;
    let (_, receipt) = submit(&server, Some(KEY), &full_example()).await;
    let provider = RecordingProvider::default();
    provider
        .down
        .store(true, std::sync::atomic::Ordering::SeqCst);
    assert_eq!(
        dispatch_due(&server.store, &provider)
            .await
            .expect("outbox"),
        0
    );
    provider
        .down
        .store(false, std::sync::atomic::Ordering::SeqCst);
    assert_eq!(
        dispatch_due(&server.store, &provider)
            .await
            .expect("outbox"),
        0,
        "not before the pause"
    );
    server.clock.advance(time::Duration::seconds(31));
    assert_eq!(
        dispatch_due(&server.store, &provider)
            .await
            .expect("outbox"),
        1
    );
    let sent = provider.sent.lock().expect("lock").clone();
    assert_eq!(sent[0].0, "13800138000");
    assert!(sent[0]
        .1
        .contains(receipt["reference"].as_str().unwrap_or("?")));
    assert!(sent[0]
        .1
        .contains(receipt["access_code"].as_str().unwrap_or("?")));
    assert_eq!(
        dispatch_due(&server.store, &provider)
            .await
            .expect("outbox"),
        0,
        "sent once"
    );
}

on_both_databases!(
    sms_sqlite,
    sms_postgres,
    the_receipt_sms_survives_a_gateway_outage
);

async fn a_case_opens_with_its_code_and_guessing_is_throttled(db: TestDatabase) {
    let server = TestServer::start(db).await;
    let (_, receipt) = submit(&server, Some(KEY), &full_example()).await;
    let reference = receipt["reference"].as_str().unwrap_or_default().to_owned();
    let code = receipt["access_code"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let get = |code: String| {
        server
            .client
            .get(server.url(&format!("/api/v1/applications/{reference}")))
            .header("x-access-code", code)
            .send()
    };
    let case: Value = get(code.clone())
        .await
        .expect("GET")
        .json()
        .await
        .expect("JSON");
    assert_eq!(case["status"], "submitted");
    assert_eq!(case["timeline"][0]["state"], "submitted");
    assert_eq!(case["missing_documents"], json!(["household_register"]));
    assert_eq!(case["next_deadline"]["kind"], "accept");
    assert_eq!(get("00000000".into()).await.expect("GET").status(), 404);
    let unknown = server
        .client
        .get(server.url("/api/v1/applications/JSJ-2026-999999"))
        .header("x-access-code", code.clone())
        .send()
        .await
        .expect("GET");
    assert_eq!(
        unknown.status(),
        404,
        "an unknown reference looks like a wrong code"
    );
    // The page: the same lookup from a form, without JS.
    let page = server
        .post_form(
            "/track",
            &[
                ("reference", reference.as_str()),
                ("access_code", code.as_str()),
            ],
            None,
        )
        .await;
    assert_eq!(page.status(), 200);
    let page = page.text().await.expect("page");
    assert!(
        page.contains("data-todo=\"missing\" data-document=\"household_register\"")
            && page.contains("<li data-status=\"submitted\""),
        "to-do and timeline"
    );
    // Ten failed look-ups a minute from one address; then 429.
    let mut statuses = Vec::new();
    for _ in 0..12 {
        statuses.push(get("11111111".into()).await.expect("GET").status().as_u16());
    }
    assert!(statuses.contains(&429), "{statuses:?}");
}

on_both_databases!(
    track_sqlite,
    track_postgres,
    a_case_opens_with_its_code_and_guessing_is_throttled
);

async fn only_failed_look_ups_use_up_the_allowance(db: TestDatabase) {
    let server = TestServer::start_with_config(db, |config| {
        config.access_code_attempts_per_minute = 2;
    })
    .await;
    let (_, receipt) = submit(&server, Some(KEY), &full_example()).await;
    let reference = receipt["reference"].as_str().unwrap_or_default().to_owned();
    let code = receipt["access_code"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let status = |code: String| {
        let request = server
            .client
            .get(server.url(&format!("/api/v1/applications/{reference}")))
            .header("x-access-code", code)
            .send();
        async move { request.await.expect("GET").status().as_u16() }
    };
    let mut found = Vec::new();
    for _ in 0..6 {
        found.push(status(code.clone()).await);
    }
    let page = server
        .post_form(
            "/track",
            &[
                ("reference", reference.as_str()),
                ("access_code", code.as_str()),
            ],
            None,
        )
        .await;
    found.push(page.status().as_u16());
    assert_eq!(
        found,
        vec![200; 7],
        "a resident checking again and again is never refused"
    );

    let mut wrong = Vec::new();
    for _ in 0..3 {
        wrong.push(status("11111111".into()).await);
    }
    assert_eq!(wrong, vec![404, 404, 429], "two failures allowed a minute");
    let refused = server
        .client
        .get(server.url(&format!("/api/v1/applications/{reference}")))
        .header("x-access-code", code.clone())
        .send()
        .await
        .expect("GET");
    assert_eq!(refused.status(), 429, "then even the right code waits");
    assert!(refused.headers().contains_key("retry-after"));
    let page = server
        .post_form(
            "/track",
            &[
                ("reference", reference.as_str()),
                ("access_code", code.as_str()),
            ],
            None,
        )
        .await;
    assert_eq!(page.status(), 429, "the page too");
}

on_both_databases!(
    failures_only_sqlite,
    failures_only_postgres,
    only_failed_look_ups_use_up_the_allowance
);

async fn caseworkers_see_their_countys_cases_with_emergencies_first(db: TestDatabase) {
    use casework::County;
    use store::staff::Role;
    let server = TestServer::start(db).await;
    let keys = [
        "11111111-1111-4111-8111-111111111111",
        "22222222-2222-4222-8222-222222222222",
        "33333333-3333-4333-8333-333333333333",
        "44444444-4444-4444-8444-444444444444",
    ];
    let mut plain = full_example();
    plain["applicant"]["name"] = json!("先来的");
    submit(&server, Some(keys[0]), &plain).await;
    let mut urgent = full_example();
    urgent["applicant"]["name"] = json!("比较急");
    urgent["emergency"] = json!({"kind":"illness","urgency":"urgent"});
    submit(&server, Some(keys[1]), &urgent).await;
    let mut critical = full_example();
    critical["applicant"]["name"] = json!("非常急");
    critical["emergency"] = json!({"kind":"fire","urgency":"critical"});
    submit(&server, Some(keys[2]), &critical).await;
    let mut elsewhere = full_example();
    elsewhere["applicant"]["name"] = json!("曲阜的");
    elsewhere["applicant"]["county"] = json!("曲阜市");
    submit(&server, Some(keys[3]), &elsewhere).await;

    let session = server
        .staff_session("wang.li", Role::Caseworker, County::Rencheng)
        .await;
    let page = server
        .get_with_cookie("/staff", &session)
        .await
        .text()
        .await
        .expect("page");
    let at = |name: &str| page.find(name);
    assert!(
        at("非常急") < at("比较急") && at("比较急") < at("先来的"),
        "emergencies first, the most urgent on top"
    );
    assert!(at("非常急").is_some());
    assert!(at("曲阜的").is_none(), "another county's case is not shown");
    assert!(page.contains("data-urgency=\"critical\""));
    assert!(page.contains(r#"id="queue-search""#), "the queue is shown");

    // A volunteer sees no cases.
    let session = server
        .staff_session("zhao.v", Role::Volunteer, County::Rencheng)
        .await;
    let page = server
        .get_with_cookie("/staff", &session)
        .await
        .text()
        .await
        .expect("page");
    assert!(!page.contains("非常急") && !page.contains(r#"id="queue-search""#));
}

on_both_databases!(
    queue_sqlite,
    queue_postgres,
    caseworkers_see_their_countys_cases_with_emergencies_first
);

//! The resident's side of tracking, without JS: every application on a phone after an SMS code,
//! case pages this browser opened, and missing documents uploaded from the to-do list.

use app::i18n::{tr, Lang};
use serde_json::{json, Value};
use server::sessions::COOKIE_NAME;
use store::on_both_databases;
use store::testing::{example_application, TestDatabase};

use crate::common::{cookie, location, TestServer};

/// The §6 example from `phone`, sent by `submitted_by`, the applicant's confirmation given.
fn application(phone: &str, submitted_by: Value) -> Value {
    let mut body = example_application(phone, Value::Null);
    body["submitted_by"] = submitted_by;
    body["consents"]["applicant_confirmed"] = json!(true);
    body
}

/// Submits through the public API; the receipt.
async fn submit(server: &TestServer, body: &Value) -> Value {
    let response = server
        .client
        .post(server.url("/api/v1/applications"))
        .header("content-type", "application/json")
        .header("idempotency-key", uuid::Uuid::new_v4().to_string())
        .body(body.to_string())
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), 201);
    response.json().await.expect("a receipt")
}

fn text(receipt: &Value, field: &str) -> String {
    receipt[field].as_str().unwrap_or_default().to_owned()
}

/// The newest one-time code sent to the phone, from the outbox.
async fn code_sent_to(server: &TestServer, phone: &str) -> Option<String> {
    server
        .store
        .due_messages(1000)
        .await
        .expect("outbox")
        .into_iter()
        .filter(|m| m.recipient == phone)
        .filter_map(|m| serde_json::from_str::<Value>(&m.body).ok())
        .filter(|b| b["template"] == "one_time_code")
        .filter_map(|b| b["code"].as_str().map(str::to_owned))
        .next_back()
}

/// The session cookie a response sets, as `name=value`.
fn session(response: &reqwest::Response) -> String {
    let set = cookie(response, COOKIE_NAME).expect("a session cookie");
    set.split(';').next().unwrap_or_default().to_owned()
}

/// The page's main content, with the parts that differ per number or response left out.
fn main_of(page: &str) -> String {
    let start = page.find("<main").unwrap_or(0);
    let end = page.find("</main>").unwrap_or(page.len());
    page[start..end].to_owned()
}

/// Verifies the phone through the pages and returns the session cookie.
async fn verify_phone(server: &TestServer, phone: &str) -> String {
    let asked = server
        .post_form("/track/phone", &[("phone", phone)], None)
        .await;
    assert_eq!(asked.status(), 200);
    let code = code_sent_to(server, phone)
        .await
        .expect("an SMS with a code");
    let checked = server
        .post_form(
            "/track/phone/code",
            &[("phone", phone), ("code", &code)],
            None,
        )
        .await;
    assert_eq!(checked.status(), 303);
    assert_eq!(location(&checked).as_deref(), Some("/track/phone/cases"));
    session(&checked)
}

async fn a_phone_and_its_sms_code_list_every_application_on_it(db: TestDatabase) {
    let server = TestServer::start(db).await;
    let own = submit(&server, &application("13800138011", json!({"type":"self"}))).await;
    let for_father = submit(
        &server,
        &application(
            "13800138012",
            json!({"type":"family","name":"张小三","phone":"13800138011","relation":"女儿"}),
        ),
    )
    .await;
    let other = submit(&server, &application("13800138013", json!({"type":"self"}))).await;

    let form = server.get("/track/phone").await;
    assert_eq!(form.status(), 200);
    assert!(form
        .text()
        .await
        .expect("page")
        .contains("action=\"/track/phone\""));
    let track = server.get("/track").await.text().await.expect("page");
    assert!(track.contains("href=\"/track/phone\""), "a second way in");

    // A mistyped number is explained beside the field, and nothing is sent.
    let mistyped = server
        .post_form("/track/phone", &[("phone", "1380013801")], None)
        .await;
    assert_eq!(mistyped.status(), 422);
    assert!(mistyped
        .text()
        .await
        .expect("page")
        .contains("data-problem=\"format\""));

    // A number with applications and one without get the same page; only the first an SMS.
    let with = server
        .post_form("/track/phone", &[("phone", "138 0013 8011")], None)
        .await;
    assert_eq!(with.status(), 200);
    let with = main_of(&with.text().await.expect("page"))
        .replace("138****8011", "X")
        .replace("13800138011", "Y");
    let without = server
        .post_form("/track/phone", &[("phone", "13900139099")], None)
        .await;
    assert_eq!(without.status(), 200);
    let without = main_of(&without.text().await.expect("page"))
        .replace("139****9099", "X")
        .replace("13900139099", "Y");
    assert_eq!(with, without);
    assert!(with.contains("action=\"/track/phone/code\""));
    assert!(code_sent_to(&server, "13900139099").await.is_none());
    let code = code_sent_to(&server, "13800138011").await.expect("an SMS");

    // A wrong code gets a plain message; the right one opens the list.
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let refused = server
        .post_form(
            "/track/phone/code",
            &[("phone", "13800138011"), ("code", wrong)],
            None,
        )
        .await;
    assert_eq!(refused.status(), 422);
    assert!(refused
        .text()
        .await
        .expect("page")
        .contains("data-problem=\"wrong\""));
    let checked = server
        .post_form(
            "/track/phone/code",
            &[("phone", "13800138011"), ("code", &code)],
            None,
        )
        .await;
    assert_eq!(checked.status(), 303);
    let cookie = session(&checked);
    let list = server
        .get_with_cookie("/track/phone/cases", &cookie)
        .await
        .text()
        .await
        .expect("page");
    for reference in [text(&own, "reference"), text(&for_father, "reference")] {
        assert!(
            list.contains(&format!("href=\"/track/cases/{reference}\"")),
            "{reference} is listed"
        );
    }
    assert!(!list.contains(&text(&other, "reference")));
    assert!(
        list.contains("data-submitted-by=\"family\"")
            && list.contains("data-submitted-by=\"self\"")
    );
    assert!(list.contains("data-status=\"submitted\""));

    // Each opens its case page in this browser; another's case does not open.
    let case = server
        .get_with_cookie(
            &format!("/track/cases/{}", text(&for_father, "reference")),
            &cookie,
        )
        .await;
    assert_eq!(case.status(), 200);
    let case = case.text().await.expect("page");
    assert!(case.contains(&tr::track_case_title(
        Lang::Zh,
        text(&for_father, "reference")
    )));
    assert!(case.contains("data-status=\"submitted\""));
    let elsewhere = server
        .get_with_cookie(
            &format!("/track/cases/{}", text(&other, "reference")),
            &cookie,
        )
        .await;
    assert_eq!(elsewhere.status(), 404);

    // After 30 minutes the phone must be verified again.
    server.clock.advance(time::Duration::minutes(31));
    let later = server.get_with_cookie("/track/phone/cases", &cookie).await;
    assert_eq!(later.status(), 303);
    assert_eq!(location(&later).as_deref(), Some("/track/phone"));

    assert!(matches!(
        server.store.verify_audit_log().await,
        Ok(store::audit::AuditVerification::Intact { .. })
    ));
}

on_both_databases!(
    phone_sqlite,
    phone_postgres,
    a_phone_and_its_sms_code_list_every_application_on_it
);

async fn expired_codes_and_other_browsers_are_turned_away(db: TestDatabase) {
    let server = TestServer::start(db).await;
    let receipt = submit(&server, &application("13800138021", json!({"type":"self"}))).await;
    let reference = text(&receipt, "reference");
    server
        .post_form("/track/phone", &[("phone", "13800138021")], None)
        .await;
    let code = code_sent_to(&server, "13800138021").await.expect("an SMS");
    server.clock.advance(time::Duration::minutes(11));
    let expired = server
        .post_form(
            "/track/phone/code",
            &[("phone", "13800138021"), ("code", &code)],
            None,
        )
        .await;
    assert_eq!(expired.status(), 422);
    assert!(expired
        .text()
        .await
        .expect("page")
        .contains("data-problem=\"expired\""));

    // A browser that opened nothing gets 404 for the case and for its upload.
    let page = server.get(&format!("/track/cases/{reference}")).await;
    assert_eq!(page.status(), 404);
    assert!(page
        .text()
        .await
        .expect("page")
        .contains("data-notice=\"open_again\""));
    let refused = upload(&server, &reference, "household_register", png(), None).await;
    assert_eq!(refused.status(), 404);
    assert!(server
        .store
        .case_uploads(&reference)
        .await
        .expect("uploads")
        .is_empty());
    let list = server.get("/track/phone/cases").await;
    assert_eq!(list.status(), 303);

    // With the phone verified, this browser opens the case and uploads to it.
    let cookie = verify_phone(&server, "13800138021").await;
    let page = server
        .get_with_cookie(&format!("/track/cases/{reference}"), &cookie)
        .await;
    assert_eq!(page.status(), 200);
    let stored = upload(
        &server,
        &reference,
        "household_register",
        png(),
        Some(&cookie),
    )
    .await;
    assert_eq!(stored.status(), 303);
    assert_eq!(
        server
            .store
            .case_uploads(&reference)
            .await
            .expect("uploads")
            .len(),
        1
    );
}

on_both_databases!(
    turned_away_sqlite,
    turned_away_postgres,
    expired_codes_and_other_browsers_are_turned_away
);

/// A multipart upload from the to-do list, as a browser without JS sends it.
async fn upload(
    server: &TestServer,
    reference: &str,
    document: &str,
    bytes: Vec<u8>,
    cookie: Option<&str>,
) -> reqwest::Response {
    let path = format!("/track/cases/{reference}/upload");
    server
        .post_photo(&path, document, "photo.jpg", bytes, cookie)
        .await
}

fn png() -> Vec<u8> {
    let mut bytes = Vec::new();
    image::RgbImage::from_pixel(40, 30, image::Rgb([10, 120, 10]))
        .write_to(
            &mut std::io::Cursor::new(&mut bytes),
            image::ImageFormat::Png,
        )
        .expect("a PNG");
    bytes
}

async fn a_missing_document_is_uploaded_from_the_to_do_list(db: TestDatabase) {
    let server = TestServer::start(db).await;
    let receipt = submit(&server, &application("13800138031", json!({"type":"self"}))).await;
    let reference = text(&receipt, "reference");
    let opened = server
        .post_form(
            "/track",
            &[
                ("reference", &reference),
                ("access_code", &text(&receipt, "access_code")),
            ],
            None,
        )
        .await;
    assert_eq!(opened.status(), 200);
    let cookie = session(&opened);
    let page = opened.text().await.expect("page");
    assert!(page.contains(&format!("action=\"/track/cases/{reference}/upload\"")));
    assert!(page.contains("id=\"photo-household_register\""));

    // Refused files are explained as on the application's photos page, and nothing is kept.
    let program = upload(
        &server,
        &reference,
        "household_register",
        b"MZ\x90\x00program".to_vec(),
        Some(&cookie),
    )
    .await;
    assert_eq!(program.status(), 422);
    assert!(program
        .text()
        .await
        .expect("page")
        .contains("data-problem=\"not_allowed\""));
    let huge = upload(
        &server,
        &reference,
        "household_register",
        vec![0xFF; 30 * 1024 * 1024],
        Some(&cookie),
    )
    .await;
    assert_eq!(huge.status(), 413);
    assert!(huge
        .text()
        .await
        .expect("page")
        .contains("data-error=\"upload_too_large\""));
    let not_asked = upload(&server, &reference, "bank_card", png(), Some(&cookie)).await;
    assert_eq!(not_asked.status(), 422);
    assert!(server
        .store
        .case_uploads(&reference)
        .await
        .expect("uploads")
        .is_empty());

    let stored = upload(
        &server,
        &reference,
        "household_register",
        png(),
        Some(&cookie),
    )
    .await;
    assert_eq!(stored.status(), 303);
    let shown = location(&stored).expect("the case page");
    assert_eq!(
        shown,
        format!("/track/cases/{reference}?uploaded=household_register")
    );
    let page = server.get_with_cookie(&shown, &cookie).await;
    assert_eq!(page.status(), 200);
    let page = page.text().await.expect("page");
    assert!(page.contains("data-notice=\"uploaded\" data-document=\"household_register\""));
    assert!(page.contains("data-todo=\"uploaded\" data-document=\"household_register\""));
    assert!(
        !page.contains("id=\"photo-household_register\""),
        "no longer missing"
    );
    let uploads = server
        .store
        .case_uploads(&reference)
        .await
        .expect("uploads");
    assert_eq!(uploads.len(), 1);
    assert_eq!(uploads[0].content_type, "image/png");
    let case = server
        .store
        .find_case(&reference, &text(&receipt, "access_code"))
        .await
        .expect("read")
        .expect("the case");
    assert!(case.missing_documents.is_empty());
    assert_eq!(case.timeline.len(), 1);

    // Another browser cannot upload to it.
    let stranger = upload(&server, &reference, "household_register", png(), None).await;
    assert_eq!(stranger.status(), 404);
    assert_eq!(
        server
            .store
            .case_uploads(&reference)
            .await
            .expect("uploads")
            .len(),
        1
    );

    // The caseworker of the county sees it on the case and opens it; another county cannot.
    let caseworker = server
        .staff_session(
            "wang.li",
            store::staff::Role::Caseworker,
            casework::County::Rencheng,
        )
        .await;
    let case_page = server
        .get_with_cookie(&format!("/staff/cases/{reference}"), &caseworker)
        .await
        .text()
        .await
        .expect("page");
    assert!(
        case_page.contains("data-todo=\"uploaded\" data-document=\"household_register\""),
        "the to-do entry waits for a check"
    );
    let file = server
        .get_with_cookie(&format!("/staff/cases/{reference}/uploads/1"), &caseworker)
        .await;
    assert_eq!(file.status(), 200);
    assert_eq!(
        file.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("image/png")
    );
    assert!(file.bytes().await.expect("bytes").starts_with(b"\x89PNG"));
    let elsewhere = server
        .staff_session(
            "zhou.qu",
            store::staff::Role::Caseworker,
            casework::County::Qufu,
        )
        .await;
    let refused = server
        .get_with_cookie(&format!("/staff/cases/{reference}/uploads/1"), &elsewhere)
        .await;
    assert_eq!(refused.status(), 403);
}

on_both_databases!(
    upload_sqlite,
    upload_postgres,
    a_missing_document_is_uploaded_from_the_to_do_list
);

async fn code_requests_are_limited_per_address(db: TestDatabase) {
    let server = TestServer::start(db).await;
    for _ in 0..10 {
        let response = server
            .post_form("/track/phone", &[("phone", "1")], None)
            .await;
        assert_eq!(response.status(), 422);
    }
    let throttled = server
        .post_form("/track/phone", &[("phone", "13800138041")], None)
        .await;
    assert_eq!(throttled.status(), 429);
    // Pages that only read are not held up by the limit.
    assert_eq!(server.get("/track/phone").await.status(), 200);
}

on_both_databases!(
    throttle_sqlite,
    throttle_postgres,
    code_requests_are_limited_per_address
);

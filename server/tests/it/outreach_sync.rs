//! `POST /outreach/sync`: records sealed here exactly as a phone's WebCrypto seals them (a fresh
//! AES-256-GCM key wrapped with RSA-OAEP SHA-256 to the served key, a 12-byte IV, the tag
//! appended, the client id as additional data) become applications once, with their photos and
//! the applicant's SMS, and get a receipt that verifies with the served P-256 key; anything that
//! does not open, or is not a volunteer's, or is invalid, stores nothing.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use casework::County;
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{Signature, VerifyingKey};
use p256::pkcs8::DecodePublicKey;
use serde_json::{json, Value};
use server::outreach_keys::SealedRecord;
use store::on_both_databases;
use store::outreach::NewEvent;
use store::staff::{NewStaffUser, Role};
use store::testing::TestDatabase;

use crate::common::{self, TestServer, PASSWORD};

/// An event in 任城区 with two volunteers on it, and their sessions.
struct Outreach {
    server: TestServer,
    /// The volunteer named in the records, signed in.
    volunteer: String,
    volunteer_code: String,
    volunteer_id: i64,
    /// Another volunteer of the county (not on the event), signed in.
    other: String,
    other_code: String,
    other_id: i64,
    event_code: String,
    keys: Value,
}

impl Outreach {
    async fn start(db: TestDatabase) -> Self {
        Self::start_with(db, |_| {}).await
    }

    async fn start_with(db: TestDatabase, configure: impl FnOnce(&mut server::Config)) -> Self {
        let server = TestServer::start_with_config(db, configure).await;
        let new = |username: &str, role: Role| NewStaffUser {
            username: username.parse().unwrap(),
            display_name: format!("测试{username}"),
            role,
            county: County::Rencheng,
            password: PASSWORD.parse().unwrap(),
        };
        let store = &server.store;
        let supervisor = store
            .create_staff_user(new("zhao.sup", Role::Supervisor))
            .await
            .expect("a supervisor");
        let volunteer = store
            .create_staff_user(new("vol.a", Role::Volunteer))
            .await
            .expect("a volunteer");
        let other = store
            .create_staff_user(new("vol.b", Role::Volunteer))
            .await
            .expect("another volunteer");
        let day = casework::beijing_date(server.clock_now());
        let event = store
            .create_outreach_event(
                &supervisor,
                &NewEvent {
                    place: "李营街道前营村村委会".into(),
                    held_on: Some(day),
                    volunteers: vec![volunteer.id],
                },
            )
            .await
            .expect("an event");
        let code = |id| async move {
            store
                .volunteer_code(id)
                .await
                .expect("read")
                .expect("a badge code")
        };
        let volunteer_code = code(volunteer.id).await;
        let other_code = code(other.id).await;
        let keys: Value = server
            .get("/outreach/keys")
            .await
            .json()
            .await
            .expect("the public keys");
        Self {
            volunteer: server.sign_in("vol.a").await,
            other: server.sign_in("vol.b").await,
            volunteer_code,
            volunteer_id: volunteer.id,
            other_code,
            other_id: other.id,
            event_code: event.code,
            keys,
            server,
        }
    }

    /// The plaintext of a record: the §6 example as the volunteer's, with `photos`.
    fn record(&self, photos: Vec<Value>) -> Value {
        let mut application = common::full_example();
        application["submitted_by"] = json!({"type":"volunteer",
            "volunteer_code": self.volunteer_code, "event_code": self.event_code});
        json!({
            "application": application,
            "photos": photos,
            "taken_at": {
                "three_in_one": "2026-12-05T09:10:00+08:00",
                "verification_authorizations": "2026-12-05T09:12:00+08:00",
                "sensitive_information": "2026-12-05T09:13:00+08:00",
                "public_notice": "2026-12-05T09:14:00+08:00",
                "applicant_confirmed": "2026-12-05T09:15:00+08:00",
                "finished": "2026-12-05T09:20:00+08:00"
            }
        })
    }

    /// Seals `plaintext` under `client_id` as the phone does.
    fn seal(&self, client_id: &str, plaintext: &[u8]) -> Value {
        let key = self.keys["seal_key"].as_str().expect("the seal key");
        let sealed = SealedRecord::seal(key, client_id, plaintext).expect("sealed");
        serde_json::to_value(sealed).expect("JSON")
    }

    async fn send(&self, sealed: &Value, cookie: Option<&str>) -> (u16, Value) {
        let mut request = self
            .server
            .client
            .post(self.server.url("/outreach/sync"))
            .header("origin", self.server.origin())
            .header("content-type", "application/json")
            .body(sealed.to_string());
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        let response = request.send().await.expect("POST");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// A count straight from the database.
    async fn count(&self, sql: &str) -> i64 {
        let texts = self
            .server
            .db
            .raw_texts(&format!("SELECT CAST(COUNT(*) AS TEXT) FROM {sql}"))
            .await;
        texts[0].parse().expect("a count")
    }

    async fn counts(&self) -> [i64; 4] {
        [
            self.count("applications").await,
            self.count("outbox").await,
            self.count("uploads").await,
            self.count("outreach_records").await,
        ]
    }

    /// Checks the receipt's signature with the served receipt key.
    fn verify(&self, receipt: &Value) {
        let spki = BASE64
            .decode(self.keys["receipt_key"].as_str().expect("the receipt key"))
            .expect("base64");
        let key = VerifyingKey::from_public_key_der(&spki).expect("a P-256 key");
        let bytes = BASE64
            .decode(receipt["signature"].as_str().expect("a signature"))
            .expect("base64");
        assert_eq!(bytes.len(), 64, "IEEE P1363 r||s");
        let signature = Signature::from_slice(&bytes).expect("a signature");
        let message = format!(
            "jishijiu-outreach-receipt\n{}\n{}\n{}",
            receipt["client_id"].as_str().unwrap_or_default(),
            receipt["reference"].as_str().unwrap_or_default(),
            receipt["received_at"].as_str().unwrap_or_default(),
        );
        assert!(
            key.verify(message.as_bytes(), &signature).is_ok(),
            "the receipt verifies: {receipt}"
        );
    }
}

trait Now {
    fn clock_now(&self) -> time::OffsetDateTime;
}

impl Now for TestServer {
    fn clock_now(&self) -> time::OffsetDateTime {
        use store::Clock;
        self.clock.now()
    }
}

fn photo(document: &str, width: u32) -> Value {
    json!({"document": document, "data": BASE64.encode(common::png(width, 40))})
}

const ID: &str = "3b241101-e2bb-4255-8caf-4136c566a962";

async fn a_record_becomes_one_application_with_its_photos_and_a_signed_receipt(db: TestDatabase) {
    let outreach = Outreach::start(db).await;
    let plaintext = outreach
        .record(vec![photo("household_register", 64), photo("id_card", 48)])
        .to_string();
    let sealed = outreach.seal(ID, plaintext.as_bytes());
    let (status, receipt) = outreach.send(&sealed, Some(&outreach.volunteer)).await;
    assert_eq!(status, 200, "{receipt}");
    assert_eq!(receipt["client_id"], ID);
    let reference = receipt["reference"]
        .as_str()
        .expect("a reference")
        .to_owned();
    assert!(reference.starts_with("JSJ-"), "{reference}");
    assert!(
        receipt.get("access_code").is_none(),
        "the access code goes to the applicant by SMS only"
    );
    let received_at = receipt["received_at"].as_str().expect("a time").to_owned();
    assert!(
        time::OffsetDateTime::parse(&received_at, &time::format_description::well_known::Rfc3339)
            .is_ok(),
        "{received_at}"
    );
    outreach.verify(&receipt);
    assert_eq!(outreach.counts().await, [1, 1, 2, 1]);

    // The application is the volunteer's, its photos on the case, the sender on record.
    let uploads = outreach
        .server
        .store
        .case_uploads(&reference)
        .await
        .expect("the case's files");
    let documents: Vec<String> = uploads
        .iter()
        .map(|u| {
            u.document
                .map(|d| d.as_str().to_owned())
                .unwrap_or_default()
        })
        .collect();
    assert_eq!(documents, ["household_register", "id_card"]);
    let record = outreach
        .server
        .store
        .synced_record(ID)
        .await
        .expect("read")
        .expect("the record");
    assert_eq!(record.reference, reference);
    assert_eq!(
        record.sent_by.to_string(),
        format!("volunteer:{}", outreach.volunteer_code)
    );
    assert_eq!(record.sent_by_staff_id, outreach.volunteer_id);
    assert_eq!(record.photos, 2);
    let taken: Value = serde_json::from_str(&record.taken_at).expect("JSON");
    assert_eq!(taken["finished"], "2026-12-05T09:20:00+08:00");
    // The consents are dated when the phone took them (before the server got them).
    let given = outreach
        .server
        .db
        .raw_texts(
            "SELECT CAST(given_at AS TEXT) FROM application_consents WHERE kind = 'three_in_one'",
        )
        .await;
    let three_in_one = time::macros::datetime!(2026-12-05 09:10 +8).unix_timestamp();
    assert_eq!(given, [three_in_one.to_string()]);
    let actions = outreach
        .server
        .db
        .raw_texts("SELECT action FROM audit_log WHERE action LIKE 'outreach.sync' OR action = 'application.submit' ORDER BY id")
        .await;
    assert_eq!(actions, ["application.submit", "outreach.sync"]);
    let detail = outreach
        .server
        .db
        .raw_texts("SELECT detail FROM audit_log WHERE action = 'outreach.sync'")
        .await;
    assert!(
        !detail[0].contains("张三") && !detail[0].contains("13800138000"),
        "no resident's data in the audit entry: {}",
        detail[0]
    );

    // The same bytes again, and the same plaintext sealed anew: the first receipt, nothing new.
    let (status, again) = outreach.send(&sealed, Some(&outreach.volunteer)).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again, receipt);
    let resealed = outreach.seal(ID, plaintext.as_bytes());
    let (status, again) = outreach.send(&resealed, Some(&outreach.volunteer)).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["reference"], receipt["reference"]);
    assert_eq!(again["received_at"], receipt["received_at"]);
    assert_eq!(outreach.counts().await, [1, 1, 2, 1]);

    // Other photos under the same client id: refused, nothing stored.
    let other = outreach
        .record(vec![photo("household_register", 80)])
        .to_string();
    let (status, answer) = outreach
        .send(
            &outreach.seal(ID, other.as_bytes()),
            Some(&outreach.volunteer),
        )
        .await;
    assert_eq!(status, 409, "{answer}");
    assert_eq!(answer, json!({"error":"client_id_reused"}));
    assert_eq!(outreach.counts().await, [1, 1, 2, 1]);
}
on_both_databases!(
    a_record_syncs_once_sqlite,
    a_record_syncs_once_postgres,
    a_record_becomes_one_application_with_its_photos_and_a_signed_receipt
);

async fn what_does_not_open_or_is_not_a_volunteers_stores_nothing(db: TestDatabase) {
    let outreach = Outreach::start(db).await;
    let plaintext = outreach
        .record(vec![photo("household_register", 64)])
        .to_string();
    let sealed = outreach.seal(ID, plaintext.as_bytes());

    // Not signed in, a caseworker, another method.
    let (status, answer) = outreach.send(&sealed, None).await;
    assert_eq!((status, answer), (401, json!({"error":"sign_in"})));
    let caseworker = outreach
        .server
        .staff_session("wang.li", Role::Caseworker, County::Rencheng)
        .await;
    let (status, answer) = outreach.send(&sealed, Some(&caseworker)).await;
    assert_eq!((status, answer), (403, json!({"error":"not_a_volunteer"})));
    let get = outreach
        .server
        .get_with_cookie("/outreach/sync", &outreach.volunteer)
        .await;
    assert_eq!(get.status(), 405);

    // A flipped byte in the data, another client id (the additional data), a wrapped key that
    // is not ours, an IV cut short, garbage, a client id that is not a UUID v4.
    let mut data = BASE64
        .decode(sealed["data"].as_str().expect("data"))
        .expect("base64");
    data[10] ^= 0x01;
    let mut flipped = sealed.clone();
    flipped["data"] = json!(BASE64.encode(&data));
    let mut moved = sealed.clone();
    moved["client_id"] = json!("9f0c1c55-36a1-4f6e-a8c2-0c6d5ad0d4b1");
    let mut wrong_key = sealed.clone();
    wrong_key["key"] = json!(BASE64.encode([7u8; 384]));
    let mut short_iv = sealed.clone();
    short_iv["iv"] = json!(BASE64.encode([1u8; 8]));
    let mut not_base64 = sealed.clone();
    not_base64["data"] = json!("%%%");
    let mut not_uuid = outreach.seal("not-a-uuid-at-all", plaintext.as_bytes());
    not_uuid["client_id"] = json!("not-a-uuid-at-all");
    for (what, record) in [
        ("a flipped byte", flipped),
        ("another client id", moved),
        ("a key not ours", wrong_key),
        ("a short iv", short_iv),
        ("not base64", not_base64),
        ("not a uuid", not_uuid),
        ("not a record", json!({"hello": "world"})),
        ("not JSON", json!("just text")),
    ] {
        let (status, answer) = outreach.send(&record, Some(&outreach.volunteer)).await;
        assert_eq!(
            (status, answer),
            (400, json!({"error":"sealed_invalid"})),
            "{what}"
        );
    }
    assert_eq!(outreach.counts().await, [0, 0, 0, 0]);

    // Opens, but the application is invalid: the API's field problems.
    let mut invalid = outreach.record(vec![]);
    invalid["application"]["applicant"]["id_number"] = json!("110105194912310021");
    invalid["application"]["submitted_by"]["event_code"] = json!("E-2026-9999");
    invalid["taken_at"]["three_in_one"] = json!("yesterday");
    let (status, answer) = outreach
        .send(
            &outreach.seal(ID, invalid.to_string().as_bytes()),
            Some(&outreach.volunteer),
        )
        .await;
    assert_eq!(status, 422, "{answer}");
    assert_eq!(answer["error"], "refused");
    let problems: Vec<(String, String)> = answer["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap_or_default().to_owned(),
                e["code"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert!(
        problems.contains(&("taken_at.three_in_one".into(), "format".into())),
        "{problems:?}"
    );
    // The reader's problems come when the shape is right.
    invalid["taken_at"]["three_in_one"] = json!("2026-12-05T09:10:00+08:00");
    let (status, answer) = outreach
        .send(
            &outreach.seal(ID, invalid.to_string().as_bytes()),
            Some(&outreach.volunteer),
        )
        .await;
    assert_eq!(status, 422, "{answer}");
    let fields: Vec<&str> = answer["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert!(fields.contains(&"applicant.id_number"), "{answer}");
    invalid["application"]["applicant"]["id_number"] = json!("11010519491231002X");
    let (status, answer) = outreach
        .send(
            &outreach.seal(ID, invalid.to_string().as_bytes()),
            Some(&outreach.volunteer),
        )
        .await;
    assert_eq!(status, 422, "{answer}");
    assert_eq!(answer["errors"][0]["field"], "submitted_by.event_code");
    assert_eq!(answer["errors"][0]["code"], "unknown_value");

    // A photo the cleaner refuses names its place.
    let refused = outreach.record(vec![
        photo("household_register", 64),
        json!({"document":"id_card","data": BASE64.encode(b"this is not a picture")}),
    ]);
    let (status, answer) = outreach
        .send(
            &outreach.seal(ID, refused.to_string().as_bytes()),
            Some(&outreach.volunteer),
        )
        .await;
    assert_eq!(status, 422, "{answer}");
    assert_eq!(answer["errors"][0]["field"], "photos[1]");
    assert_eq!(answer["errors"][0]["code"], "not_allowed");
    let [applications, sms, _, records] = outreach.counts().await;
    assert_eq!([applications, sms, records], [0, 0, 0]);
    assert_eq!(
        outreach
            .count("uploads WHERE application_reference IS NOT NULL")
            .await,
        0,
        "a photo kept before the refusal is linked to nothing"
    );
}
on_both_databases!(
    refusals_sqlite,
    refusals_postgres,
    what_does_not_open_or_is_not_a_volunteers_stores_nothing
);

async fn another_volunteer_of_the_county_may_send_it_and_is_recorded(db: TestDatabase) {
    let outreach = Outreach::start(db).await;
    let plaintext = outreach.record(vec![]).to_string();
    let (status, receipt) = outreach
        .send(
            &outreach.seal(ID, plaintext.as_bytes()),
            Some(&outreach.other),
        )
        .await;
    assert_eq!(status, 200, "{receipt}");
    outreach.verify(&receipt);
    let record = outreach
        .server
        .store
        .synced_record(ID)
        .await
        .expect("read")
        .expect("the record");
    assert_eq!(
        record.sent_by.to_string(),
        format!("volunteer:{}", outreach.other_code)
    );
    assert_eq!(record.sent_by_staff_id, outreach.other_id);
    // The application still names the volunteer who took it at the event.
    let named = outreach
        .server
        .db
        .raw_texts("SELECT volunteer_code FROM applications")
        .await;
    assert_eq!(named, std::slice::from_ref(&outreach.volunteer_code));
    let acted_by = outreach
        .server
        .db
        .raw_texts("SELECT acted_by FROM application_events")
        .await;
    assert_eq!(acted_by, [format!("volunteer:{}", outreach.other_code)]);
}
on_both_databases!(
    another_sender_sqlite,
    another_sender_postgres,
    another_volunteer_of_the_county_may_send_it_and_is_recorded
);

async fn a_retry_after_a_failure_between_photos_and_application_stores_each_once(db: TestDatabase) {
    let outreach = Outreach::start(db).await;
    let plaintext = outreach
        .record(vec![
            photo("household_register", 64),
            photo("income_proof", 72),
        ])
        .to_string();
    let sealed = outreach.seal(ID, plaintext.as_bytes());
    // The application's transaction fails after the photos were kept, as a crash there would
    // leave them.
    let db = &outreach.server.db;
    match db.url.backend() {
        store::Backend::Sqlite => {
            db.execute_raw(
                "CREATE TRIGGER refuse_sync BEFORE INSERT ON outreach_records \
                 BEGIN SELECT RAISE(ABORT, 'the process died here'); END",
            )
            .await
        }
        store::Backend::Postgres => {
            db.execute_raw(
                "CREATE FUNCTION refuse_sync() RETURNS trigger AS $$ \
                 BEGIN RAISE EXCEPTION 'the process died here'; END $$ LANGUAGE plpgsql; \
                 CREATE TRIGGER refuse_sync BEFORE INSERT ON outreach_records \
                 FOR EACH ROW EXECUTE FUNCTION refuse_sync()",
            )
            .await
        }
    }
    let (status, answer) = outreach.send(&sealed, Some(&outreach.volunteer)).await;
    assert_eq!((status, answer), (503, json!({"error":"retry_later"})));
    assert_eq!(
        outreach.counts().await,
        [0, 0, 2, 0],
        "the photos were kept"
    );
    let drop = match db.url.backend() {
        store::Backend::Sqlite => "DROP TRIGGER refuse_sync",
        store::Backend::Postgres => "DROP TRIGGER refuse_sync ON outreach_records",
    };
    db.execute_raw(drop).await;

    let (status, receipt) = outreach.send(&sealed, Some(&outreach.volunteer)).await;
    assert_eq!(status, 200, "{receipt}");
    outreach.verify(&receipt);
    assert_eq!(outreach.counts().await, [1, 1, 2, 1], "each photo once");
    let reference = receipt["reference"].as_str().expect("a reference");
    let uploads = outreach
        .server
        .store
        .case_uploads(reference)
        .await
        .expect("the case's files");
    assert_eq!(uploads.len(), 2);

    // Two phones' worth of the same record at once: one application, its photos once.
    let plaintext = outreach.record(vec![photo("bank_card", 56)]).to_string();
    const SECOND: &str = "6b2a5f0e-8a8c-4c57-9d0e-1f2a3b4c5d6e";
    let sealed = outreach.seal(SECOND, plaintext.as_bytes());
    let (a, b) = tokio::join!(
        outreach.send(&sealed, Some(&outreach.volunteer)),
        outreach.send(&sealed, Some(&outreach.volunteer))
    );
    assert_eq!((a.0, b.0), (200, 200), "{a:?} {b:?}");
    assert_eq!(a.1, b.1);
    assert_eq!(outreach.counts().await, [2, 2, 3, 2]);
}
on_both_databases!(
    retry_after_failure_sqlite,
    retry_after_failure_postgres,
    a_retry_after_a_failure_between_photos_and_application_stores_each_once
);

async fn a_volunteer_account_syncs_only_so_many_an_hour(db: TestDatabase) {
    let outreach = Outreach::start_with(db, |config| {
        config.outreach_syncs_per_hour_per_volunteer = 2;
    })
    .await;
    let ids = [
        "0d1e2f30-4152-4637-8899-aabbccddeef0",
        "0d1e2f30-4152-4637-8899-aabbccddeef1",
        "0d1e2f30-4152-4637-8899-aabbccddeef2",
    ];
    let plaintext = outreach.record(vec![]).to_string();
    let mut sealed = Vec::new();
    for id in ids {
        // Each a record of its own (its own applicant phone), so only the volunteer's count binds.
        let mut record: Value = serde_json::from_str(&plaintext).expect("JSON");
        record["application"]["applicant"]["phone"] = json!(format!("1380013800{}", sealed.len()));
        sealed.push(outreach.seal(id, record.to_string().as_bytes()));
    }
    for record in &sealed[..2] {
        let (status, answer) = outreach.send(record, Some(&outreach.volunteer)).await;
        assert_eq!(status, 200, "{answer}");
    }
    // A repeat is not counted.
    let (status, _) = outreach.send(&sealed[0], Some(&outreach.volunteer)).await;
    assert_eq!(status, 200);
    let response = outreach
        .server
        .client
        .post(outreach.server.url("/outreach/sync"))
        .header("cookie", &outreach.volunteer)
        .header("content-type", "application/json")
        .body(sealed[2].to_string())
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), 429);
    assert!(response.headers().contains_key("retry-after"));
    assert_eq!(
        response.json::<Value>().await.expect("JSON"),
        json!({"error":"retry_later"})
    );
    // Another volunteer's allowance is their own.
    let (status, answer) = outreach.send(&sealed[2], Some(&outreach.other)).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(outreach.count("applications").await, 3);
}
on_both_databases!(
    limit_sqlite,
    limit_postgres,
    a_volunteer_account_syncs_only_so_many_an_hour
);

#[test]
fn the_outreach_key_is_hidden_from_the_help() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .arg("--help")
        .env(
            "PORTAL_OUTREACH_KEY",
            "-----BEGIN PRIVATE KEY-----zz-not-shown-zz",
        )
        .output()
        .expect("run the server binary");
    let help = String::from_utf8_lossy(&output.stdout);
    assert!(help.contains("PORTAL_OUTREACH_KEY"), "{help}");
    assert!(help.contains("PORTAL_OUTREACH_KEY_FILE"), "{help}");
    assert!(!help.contains("zz-not-shown-zz"), "{help}");
}

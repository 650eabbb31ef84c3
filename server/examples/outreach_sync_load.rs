//! Throughput of the volunteers' offline outreach sync (`POST /outreach/sync`): records sealed as
//! a phone seals them, each an application with one JPEG photo of about 150 KB, sent by one phone
//! after another (sequential) and by several phones at once, each phone a volunteer account of
//! its own sending its queue one record at a time, as the phone does. Every receipt's signature
//! is checked with the served key, and the database must hold each application and photo once.
//!
//! ```text
//! outreach_sync_load --base http://127.0.0.1:3000 --database-url sqlite://data/portal.db \
//!     --data-key-file data/data.key --sequential 100 --phones 4 --per-phone 50
//! ```
//!
//! The accounts and the event are made through the store (as `server create-user` and the
//! events page would); the records go over HTTP. Records are sealed before the clock starts, so
//! the figures are the server's.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use clap::Parser;
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{Signature, VerifyingKey};
use p256::pkcs8::DecodePublicKey;
use rand::Rng;
use serde_json::{json, Value};
use server::outreach_keys::SealedRecord;
use sqlx::Row;
use store::staff::second_factor::TotpSecret;

#[derive(Debug, Parser)]
#[command(about = "Outreach sync throughput against the portal")]
struct Args {
    /// The server, e.g. http://127.0.0.1:3000.
    #[arg(long)]
    base: String,
    /// The server's database (the accounts and the event are made there, the result checked).
    #[arg(long)]
    database_url: String,
    /// The server's data key file.
    #[arg(long)]
    data_key_file: std::path::PathBuf,
    /// Records sent one after another by one phone.
    #[arg(long, default_value_t = 100)]
    sequential: usize,
    /// Phones sending at once.
    #[arg(long, default_value_t = 4)]
    phones: usize,
    /// Records each of those phones sends.
    #[arg(long, default_value_t = 50)]
    per_phone: usize,
    /// The photo's size to aim at, in bytes.
    #[arg(long, default_value_t = 150_000)]
    photo_bytes: usize,
}

const PASSWORD: &str = "outreach bench password 2026";
/// The authenticator secret the volunteers' accounts are set up with.
const TOTP_SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args).await {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

struct Phone {
    cookie: String,
    records: Vec<(String, String)>,
}

async fn run(args: &Args) -> Result<bool, String> {
    let url: store::DatabaseUrl = args.database_url.parse().map_err(|e| format!("{e}"))?;
    let key = store::DataKey::load_or_create(&args.data_key_file).map_err(|e| e.to_string())?;
    let store = store::Store::connect(&url, Arc::new(store::SystemClock), key)
        .await
        .map_err(|e| e.to_string())?;
    let phones_needed = args.phones.max(1);
    let (volunteers, event) = accounts(&store, phones_needed).await?;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .build()
        .map_err(|e| e.to_string())?;
    let keys: Value = client
        .get(format!("{}/outreach/keys", args.base))
        .send()
        .await
        .map_err(|e| e.to_string())?
        .json()
        .await
        .map_err(|e| e.to_string())?;
    let seal_key = keys["seal_key"].as_str().ok_or("no seal key")?.to_owned();
    let receipt_key = VerifyingKey::from_public_key_der(&decode(&keys["receipt_key"])?)
        .map_err(|e| e.to_string())?;
    let photo = jpeg(args.photo_bytes)?;
    println!("photo: one JPEG of {} bytes per record", photo.len());

    let mut sent = 0usize;
    let mut ok = true;
    // One phone, one record after another.
    let (username, code) = &volunteers[0];
    let cookie = sign_in(&client, &args.base, username).await?;
    let records = (0..args.sequential)
        .map(|i| seal(&seal_key, &record(code, &event, i, &photo)))
        .collect::<Result<Vec<_>, _>>()?;
    let phone = Phone { cookie, records };
    let started = Instant::now();
    let latencies = send_all(&client, &args.base, &phone, &receipt_key).await;
    let elapsed = started.elapsed();
    let (latencies, failures) = latencies;
    ok &= failures == 0;
    sent += args.sequential;
    report(
        "sequential, 1 phone",
        args.sequential,
        elapsed,
        latencies,
        failures,
    );

    // Several phones at once.
    let mut phones = Vec::new();
    for (p, (username, code)) in volunteers.iter().enumerate().take(args.phones) {
        let cookie = sign_in(&client, &args.base, username).await?;
        let records = (0..args.per_phone)
            .map(|i| {
                seal(
                    &seal_key,
                    &record(code, &event, 100_000 * (p + 1) + i, &photo),
                )
            })
            .collect::<Result<Vec<_>, _>>()?;
        phones.push(Phone { cookie, records });
    }
    let started = Instant::now();
    let mut tasks = Vec::new();
    for phone in phones {
        let client = client.clone();
        let base = args.base.clone();
        tasks.push(tokio::spawn(async move {
            send_all(&client, &base, &phone, &receipt_key).await
        }));
    }
    let mut latencies = Vec::new();
    let mut failures = 0;
    for task in tasks {
        let (mut l, f) = task.await.map_err(|e| e.to_string())?;
        latencies.append(&mut l);
        failures += f;
    }
    let elapsed = started.elapsed();
    ok &= failures == 0;
    sent += args.phones * args.per_phone;
    report(
        &format!("concurrent, {} phones", args.phones),
        args.phones * args.per_phone,
        elapsed,
        latencies,
        failures,
    );

    // Each application once, each photo once.
    sqlx::any::install_default_drivers();
    let mut db = <sqlx::AnyConnection as sqlx::Connection>::connect(&args.database_url)
        .await
        .map_err(|e| e.to_string())?;
    let applications = count(&mut db, "SELECT COUNT(*) FROM applications").await?;
    let photos = count(
        &mut db,
        "SELECT COUNT(*) FROM uploads WHERE application_reference IS NOT NULL",
    )
    .await?;
    let records = count(&mut db, "SELECT COUNT(*) FROM outreach_records").await?;
    println!("stored: {applications} applications, {photos} photos linked, {records} records (sent {sent})");
    let expected = i64::try_from(sent).unwrap_or(i64::MAX);
    if applications != expected || photos != expected || records != expected {
        println!("MISMATCH: each record must be stored once with its photo");
        ok = false;
    }
    Ok(ok)
}

async fn count(db: &mut sqlx::AnyConnection, sql: &str) -> Result<i64, String> {
    sqlx::query(sql)
        .fetch_one(db)
        .await
        .and_then(|row| row.try_get::<i64, _>(0))
        .map_err(|e| e.to_string())
}

/// A supervisor, `n` volunteers (one per phone) and an event with them all.
async fn accounts(
    store: &store::Store,
    n: usize,
) -> Result<(Vec<(String, String)>, String), String> {
    use store::staff::second_factor::TotpSecret;
    use store::staff::{NewStaffUser, Role};
    let suffix: u32 = rand::thread_rng().gen_range(0..1_000_000);
    let new = |username: String, role| NewStaffUser {
        username: username.parse().expect("a valid username"),
        display_name: "压测".to_owned(),
        role,
        county: casework::County::Rencheng,
        password: PASSWORD.parse().expect("a valid password"),
    };
    let supervisor = store
        .create_staff_user(new(format!("bench.sup{suffix}"), Role::Supervisor))
        .await
        .map_err(|e| e.to_string())?;
    let mut volunteers = Vec::new();
    let mut ids = Vec::new();
    for i in 0..n {
        let username = format!("bench.vol{suffix}.{i}");
        let account = store
            .create_staff_user(new(username.clone(), Role::Volunteer))
            .await
            .map_err(|e| e.to_string())?;
        store
            .provision_totp(
                account.id,
                &TotpSecret::from_base32(TOTP_SECRET).map_err(|e| e.to_string())?,
            )
            .await
            .map_err(|e| e.to_string())?;
        let code = store
            .volunteer_code(account.id)
            .await
            .map_err(|e| e.to_string())?
            .ok_or("a volunteer without a badge code")?;
        ids.push(account.id);
        volunteers.push((username, code));
    }
    let event = store
        .create_outreach_event(
            &supervisor,
            &store::outreach::NewEvent {
                place: "压测村村委会".to_owned(),
                held_on: Some(casework::beijing_date(time::OffsetDateTime::now_utc())),
                volunteers: ids,
            },
        )
        .await
        .map_err(|e| e.to_string())?;
    Ok((volunteers, event.code))
}

/// The session cookie an answer sets (`name=value`).
fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{}=", server::sessions::COOKIE_NAME)))
        .and_then(|v| v.split(';').next())
        .map(str::to_owned)
}

/// Signs in with the password and a code of the account's app ([`TOTP_SECRET`]). A code is
/// taken once per account and time step: a second sign-in of the same phone takes the step after.
async fn sign_in(client: &reqwest::Client, base: &str, username: &str) -> Result<String, String> {
    let post = |path: &'static str, form: Vec<(&'static str, String)>, cookie: Option<String>| {
        let mut request = client
            .post(format!("{base}{path}"))
            .header("origin", base)
            .header("accept", "text/html")
            .form(&form);
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        request.send()
    };
    let password = post(
        app::staff::SIGN_IN_PAGE,
        vec![
            ("username", username.to_owned()),
            ("password", PASSWORD.to_owned()),
        ],
        None,
    )
    .await
    .map_err(|e| e.to_string())?;
    let pending = session_cookie(&password).ok_or_else(|| {
        format!(
            "{username}: the password was refused ({})",
            password.status()
        )
    })?;
    let secret = TotpSecret::from_base32(TOTP_SECRET).map_err(|e| e.to_string())?;
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    for at in [now, now + 30, now - 30] {
        let code = secret.code_at(at).map_err(|e| e.to_string())?;
        let answer = post(
            app::staff::CODE_PAGE,
            vec![("code", code)],
            Some(pending.clone()),
        )
        .await
        .map_err(|e| e.to_string())?;
        let signed_in = answer
            .headers()
            .get("location")
            .is_some_and(|l| l.as_bytes() == b"/staff");
        if signed_in {
            return session_cookie(&answer).ok_or_else(|| format!("{username}: no session"));
        }
    }
    Err(format!(
        "{username} could not sign in: every code was refused"
    ))
}

/// The plaintext of record `i`: the §6 example with a phone of its own, as the volunteer's.
fn record(code: &str, event: &str, i: usize, photo: &[u8]) -> (String, Vec<u8>) {
    let phone = format!("139{:08}", i % 100_000_000);
    let mut application = store::testing::example_application(&phone, Value::Null);
    application["consents"]["applicant_confirmed"] = json!(true);
    application["submitted_by"] =
        json!({"type":"volunteer","volunteer_code": code, "event_code": event});
    let plaintext = json!({
        "application": application,
        "photos": [{"document": "household_register", "data": BASE64.encode(photo)}],
        "taken_at": {"three_in_one": "2026-12-05T09:10:00+08:00", "finished": "2026-12-05T09:20:00+08:00"},
    });
    (
        uuid::Uuid::new_v4().to_string(),
        plaintext.to_string().into_bytes(),
    )
}

/// Seals as WebCrypto does: the client id and the body to send.
fn seal(key: &str, (client_id, plaintext): &(String, Vec<u8>)) -> Result<(String, String), String> {
    let sealed = SealedRecord::seal(key, client_id, plaintext)?;
    let body = serde_json::to_string(&sealed).map_err(|e| e.to_string())?;
    Ok((client_id.clone(), body))
}

/// Sends a phone's queue one record at a time; the latencies of those answered with a receipt
/// that verifies, and how many were not.
async fn send_all(
    client: &reqwest::Client,
    base: &str,
    phone: &Phone,
    receipt_key: &VerifyingKey,
) -> (Vec<Duration>, usize) {
    let mut latencies = Vec::with_capacity(phone.records.len());
    let mut failures = 0;
    for (client_id, body) in &phone.records {
        let started = Instant::now();
        let answer = client
            .post(format!("{base}/outreach/sync"))
            .header("origin", base)
            .header("cookie", &phone.cookie)
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
            .await;
        let receipt = match answer {
            Ok(response) if response.status() == 200 => response.json::<Value>().await.ok(),
            Ok(response) => {
                if failures < 5 {
                    eprintln!("{client_id}: {}", response.status());
                }
                None
            }
            Err(e) => {
                if failures < 5 {
                    eprintln!("{client_id}: {e}");
                }
                None
            }
        };
        match receipt.filter(|r| verifies(receipt_key, client_id, r)) {
            Some(_) => latencies.push(started.elapsed()),
            None => failures += 1,
        }
    }
    (latencies, failures)
}

fn verifies(key: &VerifyingKey, client_id: &str, receipt: &Value) -> bool {
    let text = |field: &str| receipt[field].as_str().unwrap_or_default().to_owned();
    let message = format!(
        "jishijiu-outreach-receipt\n{client_id}\n{}\n{}",
        text("reference"),
        text("received_at")
    );
    let Ok(bytes) = BASE64.decode(text("signature")) else {
        return false;
    };
    Signature::from_slice(&bytes)
        .is_ok_and(|signature| key.verify(message.as_bytes(), &signature).is_ok())
        && text("client_id") == client_id
}

fn report(
    name: &str,
    records: usize,
    elapsed: Duration,
    mut latencies: Vec<Duration>,
    failures: usize,
) {
    latencies.sort();
    let at = |q: f64| {
        latencies
            .get(((latencies.len() as f64 - 1.0) * q).round() as usize)
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    println!(
        "{name}: {records} records in {:.2} s, applications per second: {:.1} (latency p50 {:.0} ms, p99 {:.0} ms, failed {failures})",
        elapsed.as_secs_f64(),
        records as f64 / elapsed.as_secs_f64(),
        at(0.5),
        at(0.99),
    );
}

fn decode(value: &Value) -> Result<Vec<u8>, String> {
    BASE64
        .decode(value.as_str().unwrap_or_default())
        .map_err(|e| e.to_string())
}

/// A photo-like JPEG (gradients with noise, as a shrunk phone photo of a document) of about
/// `target` bytes: the quality is lowered until it fits.
fn jpeg(target: usize) -> Result<Vec<u8>, String> {
    let mut rng = rand::thread_rng();
    let image = image::RgbImage::from_fn(1000, 750, |x, y| {
        let noise: i32 = rng.gen_range(-12..=12);
        let channel = |base: u32| (base as i32 + noise).clamp(0, 255) as u8;
        image::Rgb([
            channel(x * 255 / 1000),
            channel(y * 255 / 750),
            channel(((x + y) / 7) % 256),
        ])
    });
    let mut best = Vec::new();
    for quality in (20..=95).rev().step_by(5) {
        let mut bytes = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, quality)
            .encode_image(&image)
            .map_err(|e| e.to_string())?;
        best = bytes;
        if best.len() <= target {
            break;
        }
    }
    Ok(best)
}

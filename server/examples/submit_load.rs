//! Load on `POST /api/v1/applications` as an idempotent client would send it, and the check that
//! nothing the server acknowledged went missing (shared/ARCHITECTURE.md: acknowledged submissions
//! lost after `kill -9` of the server under load: 0).
//!
//! ```text
//! submit_load --base http://127.0.0.1:3000 --duration 60 --concurrency 64 --acks acks.tsv
//! submit_load --verify sqlite://data/portal.db --data-key-file data/data.key --acks acks.tsv
//! ```
//!
//! The load writes one `key<TAB>reference<TAB>latency_ms` line per 201 answer; the verification
//! reads the database behind the server's back (plain SQL, not the store crate under test).

use std::collections::HashMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use rand::Rng;
use serde_json::{json, Value};
use sqlx::Row;
use tokio::time::Instant;

#[derive(Debug, Parser)]
#[command(about = "Submission load against the portal, and its check against the database")]
struct Args {
    /// The server, e.g. http://127.0.0.1:3000.
    #[arg(long, required_unless_present = "verify")]
    base: Option<String>,
    /// Seconds during which new submissions are started.
    #[arg(long, default_value_t = 60)]
    duration: u64,
    /// Submissions in flight at once.
    #[arg(long, default_value_t = 64)]
    concurrency: usize,
    /// The acknowledgements: written by the load, read by --verify.
    #[arg(long)]
    acks: PathBuf,
    /// Instead of sending load, check the acknowledgements against this database URL.
    #[arg(long, requires = "data_key_file")]
    verify: Option<String>,
    /// The server's data key file, to open the stored receipts.
    #[arg(long)]
    data_key_file: Option<PathBuf>,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let outcome = match (&args.verify, &args.data_key_file, &args.base) {
        (Some(url), Some(key_file), _) => verify(url, key_file, &args.acks).await,
        (None, _, Some(base)) => load(base, &args).await,
        _ => Err("give --base, or --verify with --data-key-file".to_owned()),
    };
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

/// A pause before retrying, so that a restarting server is not hammered by every worker at once.
fn retry_pause() -> Duration {
    Duration::from_millis(rand::thread_rng().gen_range(50..150))
}

const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);
/// Unexpected answers, lost or duplicated submissions printed in full; the rest are only counted.
const SHOWN: u64 = 5;

struct Ack {
    key: String,
    reference: String,
    /// The attempt that got the 201.
    latency: Duration,
    /// From the first attempt, retries included.
    end_to_end: Duration,
}

#[derive(Default)]
struct Tally {
    acks: Vec<Ack>,
    /// Submissions that needed at least one retry before their 201.
    retried_submissions: u64,
    retries_connection: u64,
    retries_timeout: u64,
    retries_5xx: u64,
    /// A 201 whose body could not be read (the server died while sending it).
    retries_unreadable: u64,
    unexpected: u64,
    /// Submissions still unanswered when the run ended; not acknowledged, so not counted as lost.
    abandoned: u64,
}

impl Tally {
    fn retries(&self) -> u64 {
        self.retries_connection + self.retries_timeout + self.retries_5xx + self.retries_unreadable
    }

    fn merge(&mut self, other: Tally) {
        self.acks.extend(other.acks);
        self.retried_submissions += other.retried_submissions;
        self.retries_connection += other.retries_connection;
        self.retries_timeout += other.retries_timeout;
        self.retries_5xx += other.retries_5xx;
        self.retries_unreadable += other.retries_unreadable;
        self.unexpected += other.unexpected;
        self.abandoned += other.abandoned;
    }
}

/// The example of POLICY.md §6 with a name of its own, so the rows are told apart.
fn application(worker: usize, n: u64) -> String {
    json!({"applicant":{"name":format!("压测{worker}号{n}"),"id_number":"11010519491231002X","phone":"13800138000",
                        "county":"任城区","address":"任城区某街道 1 号"},
           "submitted_by":{"type":"self"},
           "household":{"area":"urban",
               "members":[{"age":67,"disability_grade":null,"disability_kind":null,"serious_illness":false,
                           "can_work":false,"employed":false,"student":false,"has_able_supporter":false,
                           "self_care":"full","incomes":[{"kind":"pension","monthly":300.0}]}],
               "assets":{"financial":10000.0,"vehicles_value":0.0,"houses_owned":1},
               "rigid_expenses_12m":0.0,"housing_difficulty":false,"special_hardship":false,"emergency":null},
           "programmes":["dibao"],
           "emergency":null,
           "consents":{"three_in_one":true,"verification_authorizations":[0],"sensitive_information":true,
                       "public_notice":true,"applicant_confirmed":true},
           "missing_documents":["household_register"]})
    .to_string()
}

async fn load(base: &str, args: &Args) -> Result<bool, String> {
    let client = reqwest::Client::builder()
        .timeout(REQUEST_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| format!("an HTTP client: {e}"))?;
    let url = format!("{}/api/v1/applications", base.trim_end_matches('/'));
    let duration = Duration::from_secs(args.duration);
    let deadline = Instant::now() + duration;
    let workers: Vec<_> = (0..args.concurrency)
        .map(|worker| tokio::spawn(submit_until(client.clone(), url.clone(), worker, deadline)))
        .collect();
    let mut tally = Tally::default();
    for worker in workers {
        tally.merge(worker.await.map_err(|e| format!("a worker failed: {e}"))?);
    }
    write_acks(&args.acks, &tally.acks)
        .map_err(|e| format!("writing {}: {e}", args.acks.display()))?;

    let mut latencies: Vec<Duration> = tally.acks.iter().map(|a| a.latency).collect();
    let mut end_to_end: Vec<Duration> = tally.acks.iter().map(|a| a.end_to_end).collect();
    latencies.sort();
    end_to_end.sort();
    let acks = tally.acks.len();
    println!("201 answers: {acks}");
    println!(
        "submissions per second: {:.1}",
        acks as f64 / duration.as_secs_f64()
    );
    println!(
        "latency of the 201s: p50 {} ms, p99 {} ms (from the first attempt, retries included: p99 {} ms, max {} ms)",
        millis(percentile(&latencies, 50)),
        millis(percentile(&latencies, 99)),
        millis(percentile(&end_to_end, 99)),
        millis(end_to_end.last().copied().unwrap_or_default()),
    );
    println!(
        "retries: {} ({} connection errors, {} timeouts, {} 5xx, {} unreadable 201s) for {} submissions",
        tally.retries(),
        tally.retries_connection,
        tally.retries_timeout,
        tally.retries_5xx,
        tally.retries_unreadable,
        tally.retried_submissions
    );
    println!("unexpected answers: {}", tally.unexpected);
    println!(
        "unanswered when the run ended: {} (not acknowledged)",
        tally.abandoned
    );
    if acks == 0 {
        eprintln!("no submission was acknowledged");
    }
    Ok(tally.unexpected == 0 && acks > 0)
}

async fn submit_until(
    client: reqwest::Client,
    url: String,
    worker: usize,
    deadline: Instant,
) -> Tally {
    let mut tally = Tally::default();
    let mut n = 0u64;
    while Instant::now() < deadline {
        n += 1;
        let key = uuid::Uuid::new_v4().to_string();
        let body = application(worker, n);
        let started = Instant::now();
        let mut retried = false;
        loop {
            let attempt = Instant::now();
            let sent = client
                .post(&url)
                .header("idempotency-key", &key)
                .header("content-type", "application/json")
                .body(body.clone())
                .send()
                .await;
            match sent {
                Ok(answer) if answer.status() == reqwest::StatusCode::CREATED => {
                    match answer.json::<Value>().await {
                        Ok(receipt) => match receipt["reference"].as_str() {
                            Some(reference) => {
                                tally.acks.push(Ack {
                                    key,
                                    reference: reference.to_owned(),
                                    latency: attempt.elapsed(),
                                    end_to_end: started.elapsed(),
                                });
                                tally.retried_submissions += u64::from(retried);
                                break;
                            }
                            None => {
                                unexpected(&mut tally, 201, &receipt.to_string());
                                break;
                            }
                        },
                        Err(_) => tally.retries_unreadable += 1,
                    }
                }
                Ok(answer) if answer.status().is_server_error() => tally.retries_5xx += 1,
                Ok(answer) => {
                    let status = answer.status().as_u16();
                    let text = answer.text().await.unwrap_or_default();
                    unexpected(&mut tally, status, &text);
                    break;
                }
                Err(e) if e.is_timeout() => tally.retries_timeout += 1,
                Err(_) => tally.retries_connection += 1,
            }
            if Instant::now() >= deadline {
                tally.abandoned += 1;
                break;
            }
            retried = true;
            tokio::time::sleep(retry_pause()).await;
        }
    }
    tally
}

fn unexpected(tally: &mut Tally, status: u16, body: &str) {
    tally.unexpected += 1;
    if tally.unexpected <= SHOWN {
        eprintln!("unexpected answer {status}: {body}");
    }
}

fn write_acks(path: &Path, acks: &[Ack]) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    for ack in acks {
        writeln!(
            out,
            "{}\t{}\t{:.1}",
            ack.key,
            ack.reference,
            ack.latency.as_secs_f64() * 1000.0
        )?;
    }
    out.into_inner().map_err(|e| e.into_error())?.sync_all()
}

/// Nearest-rank percentile of sorted values.
fn percentile(sorted: &[Duration], p: usize) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (sorted.len() * p).div_ceil(100).max(1);
    sorted[rank - 1]
}

fn millis(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

/// What the database holds for one idempotency key.
struct Stored {
    reference: String,
    /// The reference in the receipt a retry would be answered with.
    receipt_reference: Option<String>,
    timeline_entries: i64,
}

async fn verify(url: &str, key_file: &Path, acks_path: &Path) -> Result<bool, String> {
    let key_text = std::fs::read_to_string(key_file)
        .map_err(|e| format!("reading {}: {e}", key_file.display()))?;
    let data_key = store::DataKey::from_base64(&key_text).map_err(|e| e.to_string())?;
    let acks_text = std::fs::read_to_string(acks_path)
        .map_err(|e| format!("reading {}: {e}", acks_path.display()))?;
    let mut acks = Vec::new();
    for (i, line) in acks_text.lines().enumerate() {
        let mut fields = line.split('\t');
        match (fields.next(), fields.next()) {
            (Some(key), Some(reference)) if !key.is_empty() && !reference.is_empty() => {
                acks.push((key, reference));
            }
            _ => {
                return Err(format!(
                    "{}:{}: not key<TAB>reference",
                    acks_path.display(),
                    i + 1
                ))
            }
        }
    }

    sqlx::any::install_default_drivers();
    let pool = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(url)
        .await
        .map_err(|e| format!("connecting to the database: {e}"))?;
    let rows = sqlx::query(
        "SELECT a.reference, a.idempotency_key, a.response_sealed, \
         (SELECT COUNT(*) FROM application_events e WHERE e.application_id = a.id) AS timeline \
         FROM applications a",
    )
    .fetch_all(&pool)
    .await
    .map_err(|e| format!("reading the applications: {e}"))?;
    pool.close().await;

    let mut stored: HashMap<String, Stored> = HashMap::new();
    let mut stored_references: HashMap<String, u32> = HashMap::new();
    let mut duplicates = 0u64;
    for row in &rows {
        let column = |name: &str| {
            row.try_get::<String, _>(name)
                .map_err(|e| format!("the column {name}: {e}"))
        };
        let reference = column("reference")?;
        let receipt_reference = data_key
            .open(&column("response_sealed")?)
            .ok()
            .and_then(|text| serde_json::from_str::<Value>(&text).ok())
            .and_then(|receipt| receipt["reference"].as_str().map(str::to_owned));
        let timeline_entries: i64 = row
            .try_get("timeline")
            .map_err(|e| format!("the timeline count: {e}"))?;
        *stored_references.entry(reference.clone()).or_default() += 1;
        let previous = stored.insert(
            column("idempotency_key")?,
            Stored {
                reference,
                receipt_reference,
                timeline_entries,
            },
        );
        duplicates += u64::from(previous.is_some());
    }
    duplicates += stored_references
        .values()
        .map(|&n| u64::from(n - 1))
        .sum::<u64>();

    let mut lost = 0u64;
    let mut acked_keys: HashMap<&str, u32> = HashMap::new();
    let mut acked_references: HashMap<&str, &str> = HashMap::new();
    for &(key, reference) in &acks {
        *acked_keys.entry(key).or_default() += 1;
        // One reference acknowledged for two keys: the number was given out again after a
        // crash, so the first submission's acknowledgement was not durable.
        if *acked_references.entry(reference).or_insert(key) != key {
            duplicates += 1;
            if duplicates <= SHOWN {
                eprintln!("{reference} was acknowledged for two keys");
            }
        }
        let problem = match stored.get(key) {
            None => Some("its key is not stored".to_owned()),
            Some(row) if row.reference != reference => {
                Some(format!("its key is stored as {}", row.reference))
            }
            Some(row) if row.receipt_reference.as_deref() != Some(reference) => Some(format!(
                "a retry would be answered {:?}",
                row.receipt_reference
            )),
            Some(row) if row.timeline_entries == 0 => {
                Some("it is stored without its timeline".to_owned())
            }
            Some(_) => None,
        };
        if let Some(problem) = problem {
            lost += 1;
            if lost <= SHOWN {
                eprintln!("acknowledged {reference} (key {key}) is lost: {problem}");
            }
        }
    }
    duplicates += acked_keys.values().map(|&n| u64::from(n - 1)).sum::<u64>();

    println!(
        "acknowledged: {}, stored: {}, stored but never acknowledged: {}",
        acks.len(),
        rows.len(),
        stored
            .keys()
            .filter(|k| !acked_keys.contains_key(k.as_str()))
            .count()
    );
    println!("lost: {lost}, duplicates: {duplicates}");
    Ok(lost == 0 && duplicates == 0)
}

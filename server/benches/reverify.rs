//! The monthly re-verification at 100,000 recipient households (issue budget: ≤ 10 s on this
//! machine's two cores). Run by `bench/recipients.sh`, which generates the department files and
//! checks the budget; usage: `reverify DIR` with the generator's CSV files in DIR.
//!
//! 1. The files go in through the server's own import, on a fresh database (SQLite; PostgreSQL
//!    with `BENCH_DATABASE=postgres` and `TEST_DATABASE_URL`).
//! 2. The recipients: every household the rules find eligible for 特困, 低保 or 低保边缘 in the
//!    data, enrolled with that programme and amount as an approval would (the application row
//!    written directly: 100,000 applications through the workflow would be the bench's whole run).
//! 3. A month of changes: wages far above any line for one recipient household in twenty (a
//!    household where someone else stays 特困, the earner unable to support them, is renewed).
//! 4. Timed: `server::recipients::reverify_month` for December. Its counts are then checked
//!    against the database counted independently.
//!
//! Prints one JSON object: the figures.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

use casework::{Actor, YearMonth};
use discovery::{assemble, build, screen, Kind, KindSet, Window};
use rules::ProgrammeId;
use store::testing::TestDatabase;
use store::Store;

fn main() {
    let Some(dir) = std::env::args().skip(1).find(|a| !a.starts_with('-')) else {
        // `cargo bench` runs every bench target with `--bench`: without files there is nothing to do.
        eprintln!("usage: reverify DIR (the generator's CSV files); see bench/recipients.sh");
        return;
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(run(PathBuf::from(dir)));
}

async fn import(store: &Store, dir: &Path, kind: Kind, name: &str) {
    let path = dir.join(name);
    server::discovery::import::import_file(
        store,
        kind,
        &path,
        name,
        Actor::system(Actor::CLI),
        &(),
    )
    .await
    .expect("the import runs");
}

async fn run(dir: PathBuf) {
    let db = match std::env::var("BENCH_DATABASE").as_deref() {
        Ok("postgres") => TestDatabase::postgres().await.expect("TEST_DATABASE_URL"),
        _ => TestDatabase::sqlite().await,
    };
    let store = db.store().await;
    let started = Instant::now();
    for kind in Kind::ALL {
        let name = format!("{kind}.csv");
        if dir.join(&name).exists() {
            import(&store, &dir, *kind, &name).await;
        }
    }
    let imported = started.elapsed().as_secs_f64();

    // The recipients: the households the data find eligible, with their programme and amount.
    let november = casework::beijing_date(time::OffsetDateTime::now_utc());
    let (by_person, _) = server::discovery::run::read_people(&store, &|_, _| {})
        .await
        .expect("the records");
    let persons = server::discovery::run::people_of(by_person);
    let (households, _) = assemble(&persons, november);
    let standards = *store.standards().on(november);
    let window = Window::before(november);
    // Enrolled last month: this month's changes are what came after.
    let enrolled_on = (november.replace_day(1).unwrap_or(november)
        - time::Date::from_calendar_date(1970, time::Month::January, 1).unwrap_or(november))
    .whole_days()
        - 30;
    let mut recipients: Vec<(String, ProgrammeId, i64, String, String)> = Vec::new();
    for household in &households {
        let built = build(household, &window, &standards, KindSet(u32::MAX));
        let Ok(candidate) = screen(&standards, household, built, &window, &HashSet::new()) else {
            continue;
        };
        if !matches!(
            candidate.programme,
            ProgrammeId::Tekun | ProgrammeId::Dibao | ProgrammeId::Marginal
        ) {
            continue;
        }
        let Some((head, registration)) = household.members.first() else {
            continue;
        };
        recipients.push((
            hex::encode(head.key.0),
            candidate.programme,
            candidate.monthly_amount.unwrap_or(0) * 100,
            registration.id_number.clone(),
            registration
                .county
                .parse::<casework::County>()
                .map(|c| c.id().to_owned())
                .unwrap_or_default(),
        ));
    }
    drop(households);
    drop(persons);
    // PostgreSQL numbers identity columns itself unless told otherwise.
    let overriding = if std::env::var("BENCH_DATABASE").as_deref() == Ok("postgres") {
        "OVERRIDING SYSTEM VALUE"
    } else {
        ""
    };
    for (i, part) in recipients.chunks(1_000).enumerate() {
        let mut applications = String::new();
        let mut enrolled = String::new();
        for (j, (person, programme, fen, _, county)) in part.iter().enumerate() {
            let n = i * 1_000 + j + 1;
            let sep = if j == 0 { "" } else { "," };
            applications.push_str(&format!(
                "{sep}({n}, 'JSJ-BENCH-{n:07}', '-', 'bench-{n}', '-', '-', '{county}', '-', '-', '{person}', '-', '-', 'self', '-', '-', '[]', 'paying', 0)"
            ));
            enrolled.push_str(&format!(
                "{sep}({n}, {n}, '{county}', '{person}', '{}', {fen}, 1, 'urban', {enrolled_on}, {enrolled_on}, {}, 'active', 0)",
                programme.as_str(),
                enrolled_on + 365
            ));
        }
        db.execute_raw(&format!(
            "INSERT INTO applications (id, reference, access_code_hash, idempotency_key, request_hash, response_sealed, county, \
             applicant_name_sealed, id_number_sealed, id_number_index, phone_sealed, address_sealed, submitted_by, \
             submitted_by_detail_sealed, household_sealed, programmes, status, submitted_at) {overriding} VALUES {applications}"
        ))
        .await;
        db.execute_raw(&format!(
            "INSERT INTO recipients (id, application_id, county, person_index, programme, monthly_amount_fen, persons, area, \
             started_on, renewed_on, next_review_on, state, updated_at) {overriding} VALUES {enrolled}"
        ))
        .await;
    }

    // A month of changes: one household in twenty, a wage above any line.
    let changed: Vec<&(String, ProgrammeId, i64, String, String)> =
        recipients.iter().step_by(20).collect();
    let mut wages = String::from("record_id,id_number,period_end,monthly_average\n");
    for (i, (_, _, _, id, _)) in changed.iter().enumerate() {
        wages.push_str(&format!("WBENCH{i:07},{id},2026-11,60000\n"));
    }
    let changes = tempfile::tempdir().expect("a folder");
    std::fs::write(changes.path().join("wages.csv"), wages).expect("the file");
    import(&store, changes.path(), Kind::Wages, "wages.csv").await;

    // December, timed.
    let month: YearMonth = "2026-12".parse().expect("a month");
    let started = Instant::now();
    let summary = server::recipients::reverify_month(
        &store,
        &Actor::system(Actor::CLI),
        month,
        &casework::sample_linkage_rules(),
        &(),
    )
    .await
    .expect("the re-verification");
    let seconds = started.elapsed().as_secs_f64();

    // Counted independently, in the database.
    let count = |sql: &str| {
        let sql = sql.to_owned();
        let db = &db;
        async move {
            db.raw_texts(&sql)
                .await
                .first()
                .and_then(|n| n.parse::<u64>().ok())
                .unwrap_or(u64::MAX)
        }
    };
    let findings =
        count("SELECT CAST(COUNT(*) AS TEXT) FROM recipient_findings WHERE month = '2026-12'")
            .await;
    let renewed = count("SELECT CAST(COUNT(*) AS TEXT) FROM recipient_findings WHERE month = '2026-12' AND renewed = 1").await;
    let payments = count("SELECT CAST(COUNT(*) AS TEXT) FROM recipient_payments WHERE month = '2026-12' AND kind = 'regular'").await;
    let paying = count("SELECT CAST(COUNT(*) AS TEXT) FROM recipients WHERE state = 'active' AND monthly_amount_fen > 0").await;
    let changed_warned = {
        let people: Vec<String> = changed.iter().map(|(p, ..)| format!("'{p}'")).collect();
        let mut warned = 0;
        for part in people.chunks(1_000) {
            warned += count(&format!(
                "SELECT CAST(COUNT(*) AS TEXT) FROM recipient_findings f JOIN recipients r ON r.id = f.recipient_id \
                 WHERE f.month = '2026-12' AND f.renewed = 0 AND r.person_index IN ({})",
                part.join(",")
            ))
            .await;
        }
        warned
    };
    let report = store.month_report("2026-12").await.expect("the report");
    let checks = [
        (
            "recipients",
            summary.count.recipients,
            recipients.len() as u64,
        ),
        ("findings", findings, summary.count.recipients),
        ("renewed", renewed, summary.count.renewed),
        ("warned", findings - renewed, summary.count.warned),
        ("report renewed", report.checked.renewed, renewed),
        ("report warned", report.checked.warned, findings - renewed),
        ("payments", report.payments, payments),
        ("payments to the paid", payments, paying),
    ];
    let mismatches: Vec<String> = checks
        .iter()
        .filter(|(_, a, b)| a != b)
        .map(|(name, a, b)| format!("{name}: {a} against {b}"))
        .collect();
    println!(
        "{}",
        serde_json::json!({
            "recipients": summary.count.recipients,
            "records": summary.records,
            "renewed": summary.count.renewed,
            "warned": summary.count.warned,
            "offered": summary.count.offered,
            "renewal_rate": summary.count.renewal_rate(),
            "by_change": summary.count.by_change,
            "changed": changed.len(),
            "changed_warned": changed_warned,
            "seconds": seconds,
            "stages": { "read": summary.seconds[0], "check": summary.seconds[1], "write": summary.seconds[2] },
            "import_seconds": imported,
            "mismatches": mismatches,
        })
    );
}

//! The month's re-verification (在保必核): every recipient household checked against the latest
//! department data (the discovery imports) with the same household build and rules, and the
//! standards in force that month; renewals kept, warnings queued for a person, the month paid.

use std::collections::HashMap;
use std::time::Instant;

use casework::{Actor, County, YearMonth};
use discovery::{assemble, reverify, KindSet, PersonKey, Recipient, Reverified, ReverifyCount};
use rayon::prelude::*;
use store::Store;

use crate::discovery::run::{people_of, read_people, RunError, RunProgress};

/// What a month's re-check did, with its time per stage.
#[derive(Debug, Clone, Default)]
pub struct ReverifySummary {
    pub run: i64,
    pub count: ReverifyCount,
    pub records: u64,
    /// Seconds: read, check, write.
    pub seconds: [f64; 3],
}

/// Re-checks every active recipient for `month`, by `by`.
pub async fn reverify_month(
    store: &Store,
    by: &Actor,
    month: YearMonth,
    progress: &dyn RunProgress,
) -> Result<ReverifySummary, RunError> {
    let month_text = month.to_string();
    let run = store
        .begin_reverify_run(by, &month_text)
        .await?
        .ok_or(RunError::AlreadyRunning)?;
    match carry(store, run, by, month, progress).await {
        Ok(summary) => {
            store
                .finish_reverify_run(run, &summary.count, false)
                .await?;
            Ok(summary)
        }
        Err(e) => {
            store
                .finish_reverify_run(run, &ReverifyCount::default(), true)
                .await?;
            Err(e)
        }
    }
}

async fn carry(
    store: &Store,
    run: i64,
    by: &Actor,
    month: YearMonth,
    progress: &dyn RunProgress,
) -> Result<ReverifySummary, RunError> {
    let mut summary = ReverifySummary {
        run,
        ..ReverifySummary::default()
    };
    // The month is judged on its first day: its standards, and the 12 months before it.
    let day = month.first_day();
    let started = Instant::now();
    let recipients = store.recipients_to_check().await?;
    let (by_person, records) = read_people(store, &|done, total| {
        progress.stage("read", done, total);
    })
    .await?;
    summary.records = records;
    let persons = people_of(by_person);
    summary.seconds[0] = started.elapsed().as_secs_f64();

    let started = Instant::now();
    progress.stage("check", 0, recipients.len() as u64);
    let standards = *store.standards().on(day);
    let findings = tokio::task::spawn_blocking(move || {
        let mut coverage = KindSet::default();
        for person in &persons {
            for record in &person.records {
                coverage.insert(record.kind);
            }
        }
        let (households, _) = assemble(&persons, day);
        let person_at: HashMap<PersonKey, usize> = persons
            .iter()
            .enumerate()
            .map(|(i, p)| (p.key, i))
            .collect();
        let household_of: HashMap<PersonKey, usize> = households
            .iter()
            .enumerate()
            .flat_map(|(i, h)| h.members.iter().map(move |(p, _)| (p.key, i)))
            .collect();
        let window = discovery::Window::before(day);
        recipients
            .par_iter()
            .map(|r| {
                // An index that does not read finds no one: a warning a person looks at.
                let mut key = [0u8; 32];
                let _ = hex::decode_to_slice(&r.person_index, &mut key);
                let recipient = Recipient {
                    person: PersonKey(key),
                    programme: r.programme,
                    monthly_amount_fen: r.monthly_amount_fen,
                    since: r.renewed_on,
                };
                let same_county = |county: &str| {
                    county
                        .parse::<County>()
                        .is_ok_and(|c| c.id() == r.county.as_str())
                };
                let found = reverify(
                    &recipient,
                    person_at.get(&recipient.person).map(|&i| &persons[i]),
                    household_of.get(&recipient.person).map(|&i| &households[i]),
                    &window,
                    &standards,
                    coverage,
                    &same_county,
                );
                (r.id, found)
            })
            .collect::<Vec<(i64, Reverified)>>()
    })
    .await
    .map_err(|e| RunError::Stopped(e.to_string()))?;
    for (_, found) in &findings {
        summary.count.add(found);
    }
    summary.seconds[1] = started.elapsed().as_secs_f64();

    let started = Instant::now();
    progress.stage("write", 0, findings.len() as u64);
    store
        .save_reverify_findings(run, &month.to_string(), &findings, by)
        .await?;
    summary.seconds[2] = started.elapsed().as_secs_f64();
    Ok(summary)
}

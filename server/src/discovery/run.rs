//! A screening run: every record read and opened (on every core), people grouped into the
//! register's households as of today, each household built and screened with today's standards,
//! and the candidates kept as visit tasks.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Arc;
use std::time::Instant;

use casework::Actor;
use discovery::{
    assemble, build, screen, Kind, KindSet, NotCandidate, Person, PersonKey, Sourced, Window,
};
use rayon::prelude::*;
use store::discovery::{NoticeSettings, RunSummary};
use store::Store;

/// Records read from the store at a time.
const PAGE: i64 = 50_000;

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error("a run is already going on")]
    AlreadyRunning,
    #[error("the run stopped: {0}")]
    Stopped(String),
}

/// How a run is going: its stage, and how far.
pub trait RunProgress: Send + Sync {
    fn stage(&self, stage: &str, done: u64, total: u64);
}

impl RunProgress for () {
    fn stage(&self, _: &str, _: u64, _: u64) {}
}

/// Reads and opens every stored department record, grouped by person: several readers at once
/// (each a database connection, and on PostgreSQL a server process), each over its own kinds,
/// opening every page on every core while it reads the next one. Answers the people and how
/// many records there were; `progress` hears (records read, records in all).
pub async fn read_people(
    store: &Store,
    progress: &(dyn Fn(u64, u64) + Send + Sync),
) -> Result<(HashMap<PersonKey, Vec<Sourced>>, u64), RunError> {
    let counts = store.discovery_record_counts().await?;
    let total: u64 = counts.iter().map(|(_, n)| n).sum();
    let (pages, mut opened_pages) =
        tokio::sync::mpsc::channel::<Result<Vec<(PersonKey, Sourced)>, RunError>>(2);
    let readers: Vec<_> = share_out(counts, store.bulk_readers())
        .into_iter()
        .map(|kinds| {
            let store = store.clone();
            let pages = pages.clone();
            tokio::spawn(async move {
                if let Err(e) = read_kinds(&store, &kinds, &pages).await {
                    let _ = pages.send(Err(e)).await;
                }
            })
        })
        .collect();
    drop(pages);
    let mut by_person: HashMap<PersonKey, Vec<Sourced>> = HashMap::new();
    let mut records = 0;
    while let Some(opened) = opened_pages.recv().await {
        let opened = opened?;
        records += opened.len() as u64;
        for (key, record) in opened {
            by_person.entry(key).or_default().push(record);
        }
        progress(records, total);
    }
    for reader in readers {
        reader.await.map_err(|e| RunError::Stopped(e.to_string()))?;
    }
    Ok((by_person, records))
}

/// The people read, each with their records in one order (whichever reader brought them first).
pub fn people_of(by_person: HashMap<PersonKey, Vec<Sourced>>) -> Vec<Person> {
    by_person
        .into_par_iter()
        .map(|(key, mut records)| {
            records.sort_unstable_by(|a, b| {
                (a.kind.as_str(), &a.record_id).cmp(&(b.kind.as_str(), &b.record_id))
            });
            Person { key, records }
        })
        .collect()
}

/// Shares the kinds out among `readers`, each kind whole, the largest first to the reader with the
/// fewest records so far.
fn share_out(mut counts: Vec<(Kind, u64)>, readers: usize) -> Vec<Vec<Kind>> {
    counts.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    let mut shares: Vec<(u64, Vec<Kind>)> = vec![(0, Vec::new()); readers.max(1)];
    for (kind, n) in counts {
        if let Some(share) = shares.iter_mut().min_by_key(|(records, _)| *records) {
            share.0 += n;
            share.1.push(kind);
        }
    }
    shares
        .into_iter()
        .map(|(_, kinds)| kinds)
        .filter(|kinds| !kinds.is_empty())
        .collect()
}

/// Reads every record of `kinds`, page by page, and sends each page opened.
async fn read_kinds(
    store: &Store,
    kinds: &[Kind],
    pages: &tokio::sync::mpsc::Sender<Result<Vec<(PersonKey, Sourced)>, RunError>>,
) -> Result<(), RunError> {
    let seal = store.record_seal();
    for &kind in kinds {
        let mut page = store.discovery_records_page(kind, None, PAGE).await?;
        while let Some(last) = page.last() {
            let after = last.record_id.clone();
            let seal = seal.clone();
            // The next page is read while this one is opened.
            let opening = tokio::task::spawn_blocking(move || {
                page.par_iter()
                    .map(|raw| seal.open(raw))
                    .collect::<Result<Vec<_>, _>>()
            });
            let next = store
                .discovery_records_page(kind, Some(&after), PAGE)
                .await?;
            let opened = opening
                .await
                .map_err(|e| RunError::Stopped(e.to_string()))??;
            if pages.send(Ok(opened)).await.is_err() {
                return Ok(());
            }
            page = next;
        }
    }
    Ok(())
}

/// Starts a run and carries it through; answers its id and summary.
pub async fn run(
    store: &Store,
    by: &Actor,
    settings: &NoticeSettings,
    progress: &dyn RunProgress,
) -> Result<(i64, RunSummary), RunError> {
    let id = store
        .begin_discovery_run(by)
        .await?
        .ok_or(RunError::AlreadyRunning)?;
    Ok((id, carry_run(store, id, settings, progress).await?))
}

/// Carries a run begun with [`Store::begin_discovery_run`] through, and records its end.
pub async fn carry_run(
    store: &Store,
    id: i64,
    settings: &NoticeSettings,
    progress: &dyn RunProgress,
) -> Result<RunSummary, RunError> {
    match carry(store, id, settings, progress).await {
        Ok(summary) => {
            store.finish_discovery_run(id, &summary, false).await?;
            Ok(summary)
        }
        Err(e) => {
            store
                .finish_discovery_run(id, &RunSummary::default(), true)
                .await?;
            Err(e)
        }
    }
}

async fn carry(
    store: &Store,
    id: i64,
    settings: &NoticeSettings,
    progress: &dyn RunProgress,
) -> Result<RunSummary, RunError> {
    let day = super::today();
    let mut summary = RunSummary {
        screened_on: day.to_string(),
        ..RunSummary::default()
    };
    let started = Instant::now();
    // The page's progress (and the run's heartbeat) is written every second while reading.
    let read = Arc::new((AtomicU64::new(0), AtomicU64::new(0)));
    let ticker = {
        let (store, read) = (store.clone(), read.clone());
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                let (done, total) = (read.0.load(Relaxed), read.1.load(Relaxed));
                let _ = store.discovery_run_progress(id, "read", done, total).await;
            }
        })
    };
    let people = read_people(store, &|done, total| {
        read.0.store(done, Relaxed);
        read.1.store(total, Relaxed);
        progress.stage("read", done, total);
    })
    .await;
    ticker.abort();
    let (by_person, records) = people?;
    summary.records = records;
    summary
        .seconds
        .insert("read".into(), started.elapsed().as_secs_f64());

    // Households.
    let started = Instant::now();
    let persons = people_of(by_person);
    let mut by_kind: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    let mut coverage = KindSet::default();
    for person in &persons {
        let registered = person.registration().is_some();
        for record in &person.records {
            coverage.insert(record.kind);
            let entry = by_kind.entry(record.kind.as_str().to_owned()).or_default();
            entry.0 += 1;
            entry.1 += u64::from(registered);
        }
    }
    summary.records_by_kind = by_kind;
    let known = store.discovery_known_persons().await?;
    let standards = *store.standards().on(day);
    let window = Window::before(day);
    progress.stage("households", 0, persons.len() as u64);
    store
        .discovery_run_progress(id, "households", 0, persons.len() as u64)
        .await?;
    let (count, candidates, already_known) = tokio::task::spawn_blocking(move || {
        let (households, count) = assemble(&persons, day);
        let already_known = std::sync::atomic::AtomicU64::new(0);
        // Only the candidates are kept: a household the rules find nothing for is dropped at once.
        let candidates: Vec<discovery::Candidate> = households
            .par_iter()
            .filter_map(|household| {
                let built = build(household, &window, &standards, coverage);
                match screen(&standards, household, built, &window, &known) {
                    Ok(candidate) => Some(candidate),
                    Err(NotCandidate::AlreadyKnown) => {
                        already_known.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        None
                    }
                    Err(NotCandidate::NothingLikely) => None,
                }
            })
            .collect();
        (count, candidates, already_known.into_inner())
    })
    .await
    .map_err(|e| RunError::Stopped(e.to_string()))?;
    summary.persons = count.persons;
    summary.without_household = count.without_household;
    summary.died = count.died;
    summary.households = count.households;
    summary.already_known = already_known;
    summary.likely = candidates.len() as u64;
    summary
        .seconds
        .insert("screen".into(), started.elapsed().as_secs_f64());

    // Keep.
    let started = Instant::now();
    progress.stage("write", 0, candidates.len() as u64);
    store
        .discovery_run_progress(id, "write", 0, candidates.len() as u64)
        .await?;
    summary.saved = store
        .save_discovery_candidates(id, &candidates, settings)
        .await?;
    summary
        .seconds
        .insert("write".into(), started.elapsed().as_secs_f64());
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_shared_out_whole_and_evenly() {
        let counts = vec![
            (Kind::Deaths, 8_000),
            (Kind::HouseholdRegister, 1_000_000),
            (Kind::RealEstate, 410_000),
            (Kind::MedicalCosts, 290_000),
            (Kind::Pensions, 270_000),
            (Kind::Wages, 200_000),
        ];
        let shares = share_out(counts.clone(), 2);
        assert_eq!(shares.len(), 2);
        // The register alone is nearly half; the small files go to whoever has fewer.
        assert_eq!(shares[0], vec![Kind::HouseholdRegister, Kind::Deaths]);
        assert_eq!(shares[1].len(), 4);
        let mut all: Vec<Kind> = shares.concat();
        all.sort_by_key(|k| k.index());
        let mut expected: Vec<Kind> = counts.iter().map(|(k, _)| *k).collect();
        expected.sort_by_key(|k| k.index());
        assert_eq!(all, expected, "every kind is read once");
        // One reader, or more readers than kinds, still reads every kind once.
        assert_eq!(share_out(counts.clone(), 1).concat().len(), 6);
        assert_eq!(share_out(counts, 10).len(), 6);
        assert!(share_out(Vec::new(), 2).is_empty());
    }
}

//! Importing one department file: read in batches on one thread, each batch's rows checked and
//! sealed on every core, then written in one transaction. A bad row is reported with its line
//! and reason and never stops the import; a record already held unchanged is not written again.

use std::collections::HashSet;
use std::path::Path;

use casework::Actor;
use discovery::{read_row, Header, Kind, Problem, ProblemCode};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use store::discovery::{ImportReport, NewImport, SealedRecord};
use store::Store;

use super::file::{read_rows, FileError};

/// Rows read, checked and sealed together.
const BATCH: usize = 20_000;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error("the file cannot be read: {0}")]
    Io(#[from] std::io::Error),
}

/// How an import is going, for a progress bar or a page.
pub trait Progress: Send + Sync {
    fn rows(&self, read: u64);
}

impl Progress for () {
    fn rows(&self, _: u64) {}
}

fn sha256_of(path: &Path) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    std::io::copy(&mut file, &mut hasher)?;
    Ok(hex::encode(hasher.finalize()))
}

type Batch = (Vec<String>, Vec<(u64, Vec<discovery::Cell>)>);

/// Imports `path` (named `file_name`, .csv or .xlsx) as a file of `kind`, by `by`. Answers the
/// import's id and report; a file that cannot be read at all is a failed import with its reason.
pub async fn import_file(
    store: &Store,
    kind: Kind,
    path: &Path,
    file_name: &str,
    by: Actor,
    progress: &dyn Progress,
) -> Result<(i64, ImportReport), ImportError> {
    let id = start_import(store, kind, path, file_name, by).await?;
    let report = carry_import(store, id, kind, path, file_name, progress).await?;
    Ok((id, report))
}

/// Records the start of an import of `path` (its name and SHA-256), by `by`; answers its id.
pub async fn start_import(
    store: &Store,
    kind: Kind,
    path: &Path,
    file_name: &str,
    by: Actor,
) -> Result<i64, ImportError> {
    let sha = {
        let path = path.to_owned();
        tokio::task::spawn_blocking(move || sha256_of(&path))
            .await
            .map_err(|e| std::io::Error::other(e.to_string()))??
    };
    Ok(store
        .begin_discovery_import(&NewImport {
            kind,
            file_name: file_name.to_owned(),
            file_sha256: sha,
            by,
        })
        .await?)
}

/// The counts a heartbeat records, without the refused lines.
fn progress_of(report: &ImportReport) -> ImportReport {
    ImportReport {
        rows_read: report.rows_read,
        accepted: report.accepted,
        refused: report.refused,
        ..ImportReport::default()
    }
}

/// Reads, checks and writes the rows of an import started with [`start_import`].
pub async fn carry_import(
    store: &Store,
    id: i64,
    kind: Kind,
    path: &Path,
    file_name: &str,
    progress: &dyn Progress,
) -> Result<ImportReport, ImportError> {
    let (sender, mut batches) = tokio::sync::mpsc::channel::<Batch>(2);
    let reader = {
        let path = path.to_owned();
        let name = file_name.to_owned();
        tokio::task::spawn_blocking(move || {
            read_rows(&path, &name, BATCH, |header, rows| {
                sender.blocking_send((header, rows)).is_ok()
            })
        })
    };
    // Checking and sealing the next batch (on every core) goes on while this one is written.
    type Checked = Vec<(u64, Result<(SealedRecord, bool), Vec<Problem>>)>;
    let (checked_sender, mut checked_batches) =
        tokio::sync::mpsc::channel::<Result<Checked, String>>(1);
    let seal = store.record_seal();
    let file_date = super::today();
    let checker = tokio::spawn(async move {
        let mut header: Option<Header> = None;
        while let Some((names, rows)) = batches.recv().await {
            if header.is_none() {
                match Header::read(kind, &names) {
                    Ok(read) => header = Some(read),
                    Err(e) => {
                        let _ = checked_sender.send(Err(e.to_string())).await;
                        return false;
                    }
                }
            }
            let Some(header) = header.clone() else { break };
            let seal = seal.clone();
            let checked = tokio::task::spawn_blocking(move || {
                rows.into_par_iter()
                    .filter(|(_, cells)| !cells.iter().all(discovery::Cell::is_empty))
                    .map(|(line, cells)| {
                        let checked = read_row(&header, &cells, file_date).and_then(|row| {
                            let sealed = seal.seal(kind, &row).map_err(|_| {
                                vec![Problem {
                                    field: String::new(),
                                    code: ProblemCode::Format,
                                }]
                            })?;
                            Ok((sealed, row.repair.is_some()))
                        });
                        (line, checked)
                    })
                    .collect::<Checked>()
            })
            .await
            .map_err(|e| e.to_string());
            if checked_sender.send(checked).await.is_err() {
                break;
            }
        }
        header.is_some()
    });
    // The writes go on in their own task, a whole transaction's rows at a time, while the next
    // rows are checked: waiting for each commit left a core idle (measured: 1.1 of 2 cores busy).
    // PostgreSQL writes on several connections at once (one server process each); SQLite has
    // one writer.
    let (writers, rows_per_transaction) = store.bulk_writes();
    let (write_sender, write_batches) =
        tokio::sync::mpsc::channel::<(Vec<SealedRecord>, ImportReport)>(writers);
    let write_batches = std::sync::Arc::new(tokio::sync::Mutex::new(write_batches));
    let writer = (0..writers)
        .map(|_| {
            let store = store.clone();
            let write_batches = write_batches.clone();
            tokio::spawn(async move {
                let mut total = store::discovery::WriteCount::default();
                loop {
                    let next = write_batches.lock().await.recv().await;
                    let Some((records, so_far)) = next else { break };
                    let written = store.write_discovery_records(id, &records, &so_far).await?;
                    total.changed += written.changed;
                    total.matched += written.matched;
                }
                Ok::<_, store::StoreError>(total)
            })
        })
        .collect::<Vec<_>>();
    let mut report = ImportReport::default();
    let mut seen: HashSet<String> = HashSet::new();
    let mut failed = None;
    let mut pending: Vec<SealedRecord> = Vec::new();
    while let Some(checked) = checked_batches.recv().await {
        let checked = match checked {
            Ok(checked) => checked,
            Err(e) => {
                failed = Some(e);
                break;
            }
        };
        for (line, outcome) in checked {
            report.rows_read += 1;
            match outcome {
                Ok((sealed, repaired)) => {
                    if !seen.insert(sealed.record_id.clone()) {
                        report.refuse(
                            line,
                            &[Problem {
                                field: "record_id".into(),
                                code: ProblemCode::DuplicateRecord,
                            }],
                        );
                        continue;
                    }
                    report.accepted += 1;
                    report.repaired += u64::from(repaired);
                    pending.push(sealed);
                }
                Err(problems) => report.refuse(line, &problems),
            }
        }
        if pending.len() >= rows_per_transaction {
            let records = std::mem::take(&mut pending);
            if write_sender
                .send((records, progress_of(&report)))
                .await
                .is_err()
            {
                // The writer stopped on an error, which it answers below.
                break;
            }
        }
        progress.rows(report.rows_read);
    }
    if !pending.is_empty() {
        let _ = write_sender.send((pending, progress_of(&report))).await;
    }
    drop(write_sender);
    for writer in writer {
        let written = writer
            .await
            .map_err(|e| ImportError::Io(std::io::Error::other(e.to_string())))??;
        report.changed += written.changed;
        report.matched += written.matched;
    }
    drop(checked_batches);
    let had_header = checker.await.unwrap_or(false);
    match reader.await {
        Ok(Err(e)) => failed = failed.or(Some(e.to_string())),
        Err(e) => failed = failed.or(Some(e.to_string())),
        Ok(Ok(())) => {}
    }
    if !had_header && failed.is_none() {
        failed = Some(FileError::Empty.to_string());
    }
    report.file_problem = failed;
    store.finish_discovery_import(id, &report).await?;
    Ok(report)
}

//! Imports of department files and the records they bring.

use discovery::{Kind, PersonKey, Row, Sourced};
use serde::{Deserialize, Serialize};
use sqlx::Row as _;

use crate::db::{Backend, Store};
use crate::error::StoreError;
use crate::sealed::DataKey;
use casework::Actor;

use super::{day_number, from_day_number, STALLED_AFTER_SECONDS};

/// A file about to be imported.
#[derive(Debug, Clone)]
pub struct NewImport {
    pub kind: Kind,
    pub file_name: String,
    pub file_sha256: String,
    pub by: Actor,
}

/// What an import found, for the department: no personal data, only counts, codes and lines.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ImportReport {
    pub rows_read: u64,
    pub accepted: u64,
    pub refused: u64,
    /// New or changed records (the rest were already held as they are).
    pub changed: u64,
    /// Accepted rows whose person is in the household register.
    pub matched: u64,
    /// ID numbers put right (15-digit upgraded, check digit restored).
    pub repaired: u64,
    /// Refused rows by problem code.
    pub refused_by_reason: std::collections::BTreeMap<String, u64>,
    /// The first refused rows: (line, column, problem code).
    pub refused_lines: Vec<(u64, String, String)>,
    /// A file that could not be read at all: why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_problem: Option<String>,
}

/// How many refused lines a report lists (every refusal is counted by reason).
pub const REPORT_LINES: usize = 1_000;

impl ImportReport {
    pub fn refuse(&mut self, line: u64, problems: &[discovery::Problem]) {
        self.refused += 1;
        let mut reasons: Vec<&str> = problems.iter().map(|p| p.code.as_str()).collect();
        reasons.dedup();
        for reason in reasons {
            *self.refused_by_reason.entry(reason.to_owned()).or_default() += 1;
        }
        for problem in problems {
            if self.refused_lines.len() < REPORT_LINES {
                self.refused_lines.push((
                    line,
                    problem.field.clone(),
                    problem.code.as_str().to_owned(),
                ));
            }
        }
    }

    /// Share of accepted rows whose person the household register knows.
    pub fn id_match_rate(&self) -> f64 {
        if self.accepted == 0 {
            0.0
        } else {
            self.matched as f64 / self.accepted as f64
        }
    }
}

/// An import as the pages list it.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportSummary {
    pub id: i64,
    pub kind: Kind,
    pub file_name: String,
    pub started_by: String,
    pub started_at: i64,
    pub finished_at: Option<i64>,
    /// `running`, `done`, `failed`, or `interrupted` (running, but its heartbeat stopped).
    pub state: String,
    pub report: ImportReport,
}

/// A record ready to write: indexed and sealed.
#[derive(Debug, Clone)]
pub struct SealedRecord {
    pub kind: Kind,
    pub record_id: String,
    pub person_index: String,
    pub observed_on: i64,
    pub content_index: String,
    pub fact_sealed: String,
}

/// A record as stored, still sealed.
#[derive(Debug, Clone)]
pub struct RawRecord {
    pub kind: Kind,
    pub record_id: String,
    pub person_index: String,
    pub observed_on: i64,
    pub fact_sealed: String,
}

/// What a batch changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteCount {
    pub changed: u64,
    pub matched: u64,
}

/// Seals records and opens them, on any thread (the server seals on every core).
#[derive(Clone)]
pub struct RecordSeal {
    key: DataKey,
}

impl RecordSeal {
    /// The keyed hash a person is found by: the same as an application's ID number look-up.
    pub fn person_index(&self, id: &identity::IdNumber) -> String {
        self.key.index(id.as_str())
    }

    pub fn seal(&self, kind: Kind, row: &Row) -> Result<SealedRecord, StoreError> {
        let fact = serde_json::to_string(&row.fact)
            .map_err(|e| StoreError::Corrupt(format!("a fact does not serialize: {e}")))?;
        let person_index = self.person_index(&row.id);
        // 128 bits of the keyed hash are plenty to tell a changed record from the same one.
        let mut content_index = self.key.index(&format!(
            "discovery record\u{1f}{kind}\u{1f}{}\u{1f}{person_index}\u{1f}{fact}",
            row.record_id
        ));
        content_index.truncate(32);
        Ok(SealedRecord {
            kind,
            record_id: row.record_id.clone(),
            person_index,
            observed_on: day_number(row.observed_on),
            content_index,
            fact_sealed: self.key.seal(&fact)?,
        })
    }

    /// Opens a stored record: the person's key and the record.
    pub fn open(&self, raw: &RawRecord) -> Result<(PersonKey, Sourced), StoreError> {
        let kind = raw.kind;
        let mut key = [0u8; 32];
        hex::decode_to_slice(&raw.person_index, &mut key)
            .map_err(|_| StoreError::Corrupt("a person index is not hex".into()))?;
        let fact = serde_json::from_str(&self.key.open(&raw.fact_sealed)?)
            .map_err(|e| StoreError::Corrupt(format!("a sealed fact does not read: {e}")))?;
        Ok((
            PersonKey(key),
            Sourced {
                kind,
                record_id: raw.record_id.clone(),
                observed_on: from_day_number(raw.observed_on).unwrap_or(time::Date::MIN),
                fact,
            },
        ))
    }
}

/// Rows per INSERT statement. A statement carries its rows as one JSON array, which the database
/// unpacks (`json_each`, `json_to_recordset`): binding each value apiece cost more than the
/// insert itself (measured: the database thread spent half its time copying and binding, and
/// SQLite finds a numbered parameter by walking the statement's list of them).
const ROWS_PER_STATEMENT: usize = 2_000;

/// SQLite's page cache while a batch of records is written (KiB). A batch touches pages all over
/// the table and the register's person index; with the usual cache, SQLite wrote pages out and
/// read them back within one transaction (measured: half a large import's time in the kernel).
const BULK_CACHE_KIB: u32 = 256 * 1024;

/// A record as the JSON rows of an insert carry it.
#[derive(Serialize)]
struct JsonRow<'a> {
    k: &'a str,
    r: &'a str,
    p: &'a str,
    o: i64,
    c: &'a str,
    f: &'a str,
}

fn json_rows(records: &[SealedRecord]) -> Result<String, StoreError> {
    serde_json::to_string(
        &records
            .iter()
            .map(|r| JsonRow {
                k: r.kind.as_str(),
                r: &r.record_id,
                p: &r.person_index,
                o: r.observed_on,
                c: &r.content_index,
                f: &r.fact_sealed,
            })
            .collect::<Vec<_>>(),
    )
    .map_err(|e| StoreError::Corrupt(format!("records as JSON: {e}")))
}

fn state_of(state: String, heartbeat_at: i64, now: i64) -> String {
    if state == "running" && now - heartbeat_at > STALLED_AFTER_SECONDS {
        "interrupted".into()
    } else {
        state
    }
}

impl Store {
    /// How many batches of records may be written at once, and how many records a batch (one
    /// transaction) holds.
    /// - PostgreSQL gives each connection its own process: with one, that process was the whole
    ///   import's bottleneck and the other core idle (measured). Its batches are smaller so that
    ///   files of a few hundred thousand rows are written on both.
    /// - SQLite has one writer. The register's person index takes keyed hashes, which land
    ///   anywhere, so every commit rewrites most of that index's pages: measured, commits of
    ///   20,000 rows spent most of a million-row import writing the same pages again.
    pub fn bulk_writes(&self) -> (usize, usize) {
        match self.backend() {
            Backend::Sqlite => (1, 250_000),
            Backend::Postgres => (2, 50_000),
        }
    }

    /// How many readers a whole-table read (a screening run) uses at once: one per core the
    /// database can use.
    pub fn bulk_readers(&self) -> usize {
        self.bulk_writes().0.max(2)
    }

    pub fn record_seal(&self) -> RecordSeal {
        RecordSeal {
            key: self.data_key().clone(),
        }
    }

    /// Records the start of an import and answers its id.
    pub async fn begin_discovery_import(&self, new: &NewImport) -> Result<i64, StoreError> {
        let now = self.now_unix();
        let mut tx = self.write_tx().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO discovery_imports (kind, file_name, file_sha256, started_by, started_at, heartbeat_at, state) \
             VALUES ($1, $2, $3, $4, $5, $5, 'running') RETURNING id",
        )
        .bind(new.kind.as_str())
        .bind(&new.file_name)
        .bind(&new.file_sha256)
        .bind(new.by.to_string())
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        let detail = serde_json::json!({ "kind": new.kind, "file": new.file_name, "sha256": new.file_sha256 })
            .to_string();
        self.append_audit(
            &mut tx,
            crate::audit::AuditEntry {
                actor: new.by.clone(),
                action: "discovery.import",
                subject: &format!("discovery_import:{id}"),
                detail: &detail,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Writes a batch of records in one transaction: new ones inserted, changed ones replaced,
    /// unchanged ones left as they are. Also counts how many of the batch's people the register
    /// knows, and records the import's progress.
    pub async fn write_discovery_records(
        &self,
        import_id: i64,
        records: &[SealedRecord],
        report: &ImportReport,
    ) -> Result<WriteCount, StoreError> {
        let backend = self.backend();
        let mut connection = self.pool().acquire().await?;
        if backend == Backend::Sqlite {
            sqlx::query(&format!("PRAGMA cache_size = -{BULK_CACHE_KIB}"))
                .execute(&mut *connection)
                .await?;
        }
        let written = self
            .write_records_on(&mut connection, import_id, records, report)
            .await;
        if backend == Backend::Sqlite {
            // The connection goes back to the pool with the usual cache.
            sqlx::query(&format!(
                "PRAGMA cache_size = -{}",
                crate::db::SQLITE_CACHE_KIB
            ))
            .execute(&mut *connection)
            .await?;
        }
        written
    }

    async fn write_records_on(
        &self,
        connection: &mut sqlx::pool::PoolConnection<sqlx::Any>,
        import_id: i64,
        records: &[SealedRecord],
        report: &ImportReport,
    ) -> Result<WriteCount, StoreError> {
        use sqlx::Connection as _;
        let now = self.now_unix();
        let mut count = WriteCount::default();
        let backend = self.backend();
        let mut tx = match backend {
            Backend::Sqlite => connection.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => connection.begin().await?,
        };
        for chunk in records.chunks(ROWS_PER_STATEMENT) {
            let rows = json_rows(chunk)?;
            let insert = match backend {
                Backend::Sqlite => {
                    "INSERT INTO discovery_records (kind, record_id, person_index, import_id, observed_on, arrived_at, content_index, fact_sealed) \
                     SELECT j.value ->> 'k', j.value ->> 'r', j.value ->> 'p', $1, j.value ->> 'o', $2, j.value ->> 'c', j.value ->> 'f' \
                     FROM json_each($3) AS j WHERE true"
                }
                Backend::Postgres => {
                    "INSERT INTO discovery_records (kind, record_id, person_index, import_id, observed_on, arrived_at, content_index, fact_sealed) \
                     SELECT x.k, x.r, x.p, $1, x.o, $2, x.c, x.f \
                     FROM json_to_recordset($3::json) AS x(k text, r text, p text, o bigint, c text, f text)"
                }
            };
            let sql = format!(
                "{insert} ON CONFLICT (kind, record_id) DO UPDATE SET person_index = excluded.person_index, \
                 import_id = excluded.import_id, observed_on = excluded.observed_on, arrived_at = excluded.arrived_at, \
                 content_index = excluded.content_index, fact_sealed = excluded.fact_sealed \
                 WHERE discovery_records.content_index <> excluded.content_index"
            );
            count.changed += sqlx::query(&sql)
                .bind(import_id)
                .bind(now)
                .bind(&rows)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            // Whom the register knows: the register's own rows always.
            if chunk.iter().all(|r| r.kind == Kind::HouseholdRegister) {
                count.matched += chunk.len() as u64;
                continue;
            }
            let people = serde_json::to_string(
                &chunk
                    .iter()
                    .map(|r| r.person_index.as_str())
                    .collect::<Vec<_>>(),
            )
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
            // Counted in the database, one answer per batch (rows handed over one by one cost a
            // thread switch each).
            let matched_sql = match backend {
                Backend::Sqlite => {
                    "SELECT COUNT(*) FROM json_each($1) AS j WHERE EXISTS (SELECT 1 FROM discovery_records \
                     WHERE kind = 'household_register' AND person_index = j.value)"
                }
                Backend::Postgres => {
                    "SELECT COUNT(*) FROM json_array_elements_text($1::json) AS j(p) WHERE EXISTS (SELECT 1 FROM discovery_records \
                     WHERE kind = 'household_register' AND person_index = j.p)"
                }
            };
            let matched: i64 = sqlx::query_scalar(matched_sql)
                .bind(&people)
                .fetch_one(&mut *tx)
                .await?;
            count.matched += matched as u64;
        }
        // Batches may commit out of order (several writers): the counts only go up.
        let greatest = match backend {
            Backend::Sqlite => "MAX",
            Backend::Postgres => "GREATEST",
        };
        sqlx::query(&format!(
            "UPDATE discovery_imports SET heartbeat_at = $1, rows_read = {greatest}(rows_read, $2), \
             accepted = {greatest}(accepted, $3), refused = {greatest}(refused, $4) WHERE id = $5"
        ))
        .bind(now)
        .bind(report.rows_read as i64)
        .bind(report.accepted as i64)
        .bind(report.refused as i64)
        .bind(import_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(count)
    }

    /// Records the end of an import with its report (`done`, or `failed` with the file problem).
    pub async fn finish_discovery_import(
        &self,
        import_id: i64,
        report: &ImportReport,
    ) -> Result<(), StoreError> {
        let state = if report.file_problem.is_some() {
            "failed"
        } else {
            "done"
        };
        let json = serde_json::to_string(report)
            .map_err(|e| StoreError::Corrupt(format!("an import report: {e}")))?;
        let now = self.now_unix();
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "UPDATE discovery_imports SET state = $1, finished_at = $2, heartbeat_at = $2, rows_read = $3, accepted = $4, \
             refused = $5, changed = $6, matched = $7, repaired = $8, report = $9 WHERE id = $10",
        )
        .bind(state)
        .bind(now)
        .bind(report.rows_read as i64)
        .bind(report.accepted as i64)
        .bind(report.refused as i64)
        .bind(report.changed as i64)
        .bind(report.matched as i64)
        .bind(report.repaired as i64)
        .bind(json)
        .bind(import_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The latest imports, newest first.
    pub async fn discovery_imports(&self, limit: i64) -> Result<Vec<ImportSummary>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, kind, file_name, started_by, started_at, heartbeat_at, finished_at, state, rows_read, accepted, refused, report \
             FROM discovery_imports ORDER BY id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(|row| self.import_summary(row)).collect()
    }

    /// One import with its whole report.
    pub async fn discovery_import(&self, id: i64) -> Result<Option<ImportSummary>, StoreError> {
        let row = sqlx::query(
            "SELECT id, kind, file_name, started_by, started_at, heartbeat_at, finished_at, state, rows_read, accepted, refused, report \
             FROM discovery_imports WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        row.map(|row| self.import_summary(&row)).transpose()
    }

    fn import_summary(&self, row: &sqlx::any::AnyRow) -> Result<ImportSummary, StoreError> {
        let kind: String = row.try_get("kind")?;
        let report: String = row.try_get("report")?;
        let mut parsed: ImportReport = serde_json::from_str(&report)
            .map_err(|e| StoreError::Corrupt(format!("an import report: {e}")))?;
        let state: String = row.try_get("state")?;
        if state == "running" {
            parsed.rows_read = row.try_get::<i64, _>("rows_read")? as u64;
            parsed.accepted = row.try_get::<i64, _>("accepted")? as u64;
            parsed.refused = row.try_get::<i64, _>("refused")? as u64;
        }
        Ok(ImportSummary {
            id: row.try_get("id")?,
            kind: Kind::parse(&kind)
                .ok_or_else(|| StoreError::Corrupt(format!("an unknown kind {kind}")))?,
            file_name: row.try_get("file_name")?,
            started_by: row.try_get("started_by")?,
            started_at: row.try_get("started_at")?,
            finished_at: row.try_get("finished_at")?,
            state: state_of(state, row.try_get("heartbeat_at")?, self.now_unix()),
            report: parsed,
        })
    }

    /// A page of the stored records of one kind, in record order after `after` (a record id).
    /// The page comes out of the database as one text, a line per record and its four values
    /// apart by spaces, which none of them holds (record ids are `[0-9A-Za-z_-]`, the person
    /// index hex, the day a number, the sealed fact base64). Handing a million rows over one by
    /// one cost more than reading them, and as JSON the database spent three times as long
    /// writing the page (measured: 450 against 140 ms for 50,000 records on PostgreSQL).
    pub async fn discovery_records_page(
        &self,
        kind: Kind,
        after: Option<&str>,
        limit: i64,
    ) -> Result<Vec<RawRecord>, StoreError> {
        let page =
            "SELECT record_id, person_index, observed_on, fact_sealed FROM discovery_records \
                    WHERE kind = $1 AND record_id > $2 ORDER BY record_id LIMIT $3";
        let line = "record_id || ' ' || person_index || ' ' || observed_on || ' ' || fact_sealed";
        let sql = match self.backend() {
            Backend::Sqlite => format!(
                "SELECT COALESCE(group_concat({line}, char(10) ORDER BY record_id), '') FROM ({page})"
            ),
            Backend::Postgres => format!(
                "SELECT COALESCE(string_agg({line}, E'\\n' ORDER BY record_id), '') FROM ({page}) AS page"
            ),
        };
        let text: String = sqlx::query_scalar(&sql)
            .bind(kind.as_str())
            .bind(after.unwrap_or_default())
            .bind(limit)
            .fetch_one(self.pool())
            .await?;
        text.lines()
            .map(|line| {
                let mut values = line.split(' ');
                let (
                    Some(record_id),
                    Some(person_index),
                    Some(observed_on),
                    Some(fact_sealed),
                    None,
                ) = (
                    values.next(),
                    values.next(),
                    values.next(),
                    values.next(),
                    values.next(),
                )
                else {
                    return Err(StoreError::Corrupt("a stored record does not read".into()));
                };
                Ok(RawRecord {
                    kind,
                    record_id: record_id.to_owned(),
                    person_index: person_index.to_owned(),
                    observed_on: observed_on
                        .parse()
                        .map_err(|_| StoreError::Corrupt("a stored record's day".into()))?,
                    fact_sealed: fact_sealed.to_owned(),
                })
            })
            .collect()
    }

    /// How many records each kind has.
    pub async fn discovery_record_counts(&self) -> Result<Vec<(Kind, u64)>, StoreError> {
        let rows = sqlx::query("SELECT kind, COUNT(*) AS n FROM discovery_records GROUP BY kind")
            .fetch_all(self.pool())
            .await?;
        let mut counts = Vec::new();
        for row in rows {
            let kind: String = row.try_get("kind")?;
            if let Some(kind) = Kind::parse(&kind) {
                counts.push((kind, row.try_get::<i64, _>("n")? as u64));
            }
        }
        Ok(counts)
    }
}

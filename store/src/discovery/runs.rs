//! Screening runs and the candidates they keep.

use std::collections::{HashMap, HashSet};

use casework::Actor;
use discovery::{Candidate, PersonKey};
use serde::{Deserialize, Serialize};
use sqlx::Row as _;

use crate::db::Store;
use crate::error::StoreError;

use super::notices::NoticeSettings;
use super::STALLED_AFTER_SECONDS;

/// What a run found, kept as its summary.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RunSummary {
    pub screened_on: String,
    pub records: u64,
    /// Records by kind, and of them those whose person the register knows.
    pub records_by_kind: std::collections::BTreeMap<String, (u64, u64)>,
    pub persons: u64,
    pub without_household: u64,
    pub died: u64,
    pub households: u64,
    pub already_known: u64,
    pub likely: u64,
    pub saved: SaveCount,
    /// Seconds per stage (read, households, screen, write).
    pub seconds: std::collections::BTreeMap<String, f64>,
}

/// What saving a run's candidates did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaveCount {
    /// New visit tasks.
    pub new: u64,
    /// Households already waiting for a visit: their evidence brought up to date.
    pub refreshed: u64,
    /// Households a visit found not eligible, or that declined, in the last year: not raised again.
    pub suppressed: u64,
    /// 主动告知 text messages queued.
    pub notified: u64,
}

/// A run as the pages show it.
#[derive(Debug, Clone, PartialEq)]
pub struct RunLine {
    pub id: i64,
    pub started_by: String,
    pub started_at: i64,
    pub finished_at: Option<i64>,
    pub state: String,
    pub stage: String,
    pub progress: u64,
    pub total: u64,
    pub summary: RunSummary,
}

/// A household not raised again for this long after a visit found it not eligible or it declined.
const SUPPRESSED_FOR_SECONDS: i64 = 365 * 24 * 3600;
/// Candidates per INSERT statement (12 values each; see `imports::ROWS_PER_STATEMENT`).
const CANDIDATES_PER_STATEMENT: usize = 32;

impl Store {
    /// Starts a run, unless one is running (answers `None` then).
    pub async fn begin_discovery_run(&self, by: &Actor) -> Result<Option<i64>, StoreError> {
        let now = self.now_unix();
        let mut tx = self.write_tx().await?;
        let running: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM discovery_runs WHERE state = 'running' AND heartbeat_at > $1",
        )
        .bind(now - STALLED_AFTER_SECONDS)
        .fetch_one(&mut *tx)
        .await?;
        if running > 0 {
            return Ok(None);
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO discovery_runs (started_by, started_at, heartbeat_at, state, stage) VALUES ($1, $2, $2, 'running', 'read') RETURNING id",
        )
        .bind(by.to_string())
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        self.append_audit(
            &mut tx,
            crate::audit::AuditEntry {
                actor: by.clone(),
                action: "discovery.run",
                subject: &format!("discovery_run:{id}"),
                detail: "{}",
            },
        )
        .await?;
        tx.commit().await?;
        Ok(Some(id))
    }

    /// Records a run's stage and progress (also its heartbeat).
    pub async fn discovery_run_progress(
        &self,
        id: i64,
        stage: &str,
        progress: u64,
        total: u64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE discovery_runs SET stage = $1, progress = $2, total = $3, heartbeat_at = $4 WHERE id = $5",
        )
        .bind(stage)
        .bind(progress as i64)
        .bind(total as i64)
        .bind(self.now_unix())
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Ends a run (`done`, or `failed`).
    pub async fn finish_discovery_run(
        &self,
        id: i64,
        summary: &RunSummary,
        failed: bool,
    ) -> Result<(), StoreError> {
        let json = serde_json::to_string(summary)
            .map_err(|e| StoreError::Corrupt(format!("a run summary: {e}")))?;
        sqlx::query(
            "UPDATE discovery_runs SET state = $1, stage = 'done', finished_at = $2, heartbeat_at = $2, summary = $3 WHERE id = $4",
        )
        .bind(if failed { "failed" } else { "done" })
        .bind(self.now_unix())
        .bind(json)
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The latest runs, newest first.
    pub async fn discovery_runs(&self, limit: i64) -> Result<Vec<RunLine>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, started_by, started_at, heartbeat_at, finished_at, state, stage, progress, total, summary \
             FROM discovery_runs ORDER BY id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        let now = self.now_unix();
        rows.iter()
            .map(|row| {
                let summary: String = row.try_get("summary")?;
                let state: String = row.try_get("state")?;
                let heartbeat: i64 = row.try_get("heartbeat_at")?;
                Ok(RunLine {
                    id: row.try_get("id")?,
                    started_by: row.try_get("started_by")?,
                    started_at: row.try_get("started_at")?,
                    finished_at: row.try_get("finished_at")?,
                    state: if state == "running" && now - heartbeat > STALLED_AFTER_SECONDS {
                        "interrupted".into()
                    } else {
                        state
                    },
                    stage: row.try_get("stage")?,
                    progress: row.try_get::<i64, _>("progress")? as u64,
                    total: row.try_get::<i64, _>("total")? as u64,
                    summary: serde_json::from_str(&summary).unwrap_or_default(),
                })
            })
            .collect()
    }

    /// The people who must never be candidates: applicants of a case that is open or approved
    /// (any state but rejected, withdrawn or closed), by the keyed hash of their ID number.
    pub async fn discovery_known_persons(&self) -> Result<HashSet<PersonKey>, StoreError> {
        let indexes: Vec<String> = sqlx::query_scalar(
            "SELECT DISTINCT id_number_index FROM applications WHERE status NOT IN ('rejected', 'withdrawn', 'closed')",
        )
        .fetch_all(self.pool())
        .await?;
        let mut known = HashSet::with_capacity(indexes.len());
        for index in indexes {
            let mut key = [0u8; 32];
            if hex::decode_to_slice(&index, &mut key).is_ok() {
                known.insert(PersonKey(key));
            }
        }
        Ok(known)
    }

    /// Keeps a run's candidates as visit tasks: a household already waiting for a visit gets its
    /// evidence brought up to date; one a visit found not eligible, or that declined, in the last
    /// year is not raised again; every other one becomes a new task due `settings.visit_days`
    /// working days from now, and (when the bureau has it on) its head is told by SMS.
    pub async fn save_discovery_candidates(
        &self,
        run_id: i64,
        candidates: &[Candidate],
        settings: &NoticeSettings,
    ) -> Result<SaveCount, StoreError> {
        let now = self.now_unix();
        let key = self.data_key();
        let mut count = SaveCount::default();
        let open: HashMap<String, i64> = sqlx::query(
            "SELECT household_index, id FROM discovery_candidates WHERE outcome IS NULL",
        )
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|row| Ok((row.try_get("household_index")?, row.try_get("id")?)))
        .collect::<Result<_, StoreError>>()?;
        let suppressed: HashSet<String> = sqlx::query_scalar(
            "SELECT household_index FROM discovery_candidates WHERE outcome IN ('not_eligible', 'declined') AND outcome_at > $1",
        )
        .bind(now - SUPPRESSED_FOR_SECONDS)
        .fetch_all(self.pool())
        .await?
        .into_iter()
        .collect();
        let due_at = self
            .workflow_limits()
            .add_working_days(self.clock().now(), settings.visit_days)
            .unix_timestamp();
        struct Prepared<'a> {
            candidate: &'a Candidate,
            household_index: String,
            name_sealed: String,
            evidence_sealed: String,
        }
        let mut fresh = Vec::new();
        let mut refreshes = Vec::new();
        for candidate in candidates {
            let household_index = household_index(key, &candidate.household_no);
            if suppressed.contains(&household_index) {
                count.suppressed += 1;
                continue;
            }
            let evidence = serde_json::to_string(&candidate.evidence)
                .map_err(|e| StoreError::Corrupt(format!("evidence: {e}")))?;
            let name = candidate
                .evidence
                .members
                .first()
                .map(|m| m.name.as_str())
                .unwrap_or_default();
            let prepared = Prepared {
                candidate,
                name_sealed: key.seal(name)?,
                evidence_sealed: key.seal(&evidence)?,
                household_index,
            };
            match open.get(&prepared.household_index) {
                Some(id) => refreshes.push((*id, prepared)),
                None => fresh.push(prepared),
            }
        }
        let mut tx = self.write_tx().await?;
        for (id, p) in &refreshes {
            sqlx::query(
                "UPDATE discovery_candidates SET run_id = $1, programme = $2, eligible = $3, monthly_amount = $4, score = $5, \
                 sources = $6, standards_year = $7, name_sealed = $8, evidence_sealed = $9 WHERE id = $10",
            )
            .bind(run_id)
            .bind(p.candidate.programme.as_str())
            .bind(eligible_text(p.candidate))
            .bind(p.candidate.monthly_amount)
            .bind(i64::from(p.candidate.score))
            .bind(i64::from(p.candidate.sources.0))
            .bind(i64::from(p.candidate.standards_year))
            .bind(&p.name_sealed)
            .bind(&p.evidence_sealed)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            count.refreshed += 1;
        }
        for chunk in fresh.chunks(CANDIDATES_PER_STATEMENT) {
            let mut sql = String::from(
                "INSERT INTO discovery_candidates (run_id, found_at, due_at, household_index, county, township, village, programme, \
                 eligible, monthly_amount, score, sources, standards_year, name_sealed, evidence_sealed) VALUES ",
            );
            for i in 0..chunk.len() {
                let b = 3 + i * 12;
                if i > 0 {
                    sql.push(',');
                }
                sql.push_str("($1, $2, $3");
                for j in 0..12 {
                    sql.push_str(&format!(", ${}", b + j + 1));
                }
                sql.push(')');
            }
            sql.push_str(" RETURNING id, household_index");
            let mut query = sqlx::query(&sql).bind(run_id).bind(now).bind(due_at);
            for p in chunk {
                let county = p
                    .candidate
                    .county
                    .parse::<casework::County>()
                    .map(|c| c.id().to_owned())
                    .unwrap_or_else(|_| p.candidate.county.clone());
                query = query
                    .bind(&p.household_index)
                    .bind(county)
                    .bind(&p.candidate.township)
                    .bind(&p.candidate.village)
                    .bind(p.candidate.programme.as_str())
                    .bind(eligible_text(p.candidate))
                    .bind(p.candidate.monthly_amount)
                    .bind(i64::from(p.candidate.score))
                    .bind(i64::from(p.candidate.sources.0))
                    .bind(i64::from(p.candidate.standards_year))
                    .bind(&p.name_sealed)
                    .bind(&p.evidence_sealed);
            }
            let ids: HashMap<String, i64> = query
                .fetch_all(&mut *tx)
                .await?
                .iter()
                .map(|row| Ok((row.try_get("household_index")?, row.try_get("id")?)))
                .collect::<Result<_, StoreError>>()?;
            let mut members: Vec<(i64, String)> = Vec::new();
            for p in chunk {
                let Some(id) = ids.get(&p.household_index) else {
                    return Err(StoreError::Corrupt("a candidate was not stored".into()));
                };
                for member in &p.candidate.members {
                    members.push((*id, hex::encode(member.0)));
                }
                count.new += 1;
                if self
                    .notify_candidate(&mut tx, *id, p.candidate, settings)
                    .await?
                {
                    count.notified += 1;
                }
            }
            for part in members.chunks(128) {
                let mut sql = String::from(
                    "INSERT INTO discovery_candidate_members (candidate_id, person_index) VALUES ",
                );
                for i in 0..part.len() {
                    if i > 0 {
                        sql.push(',');
                    }
                    sql.push_str(&format!("(${}, ${})", 2 * i + 1, 2 * i + 2));
                }
                sql.push_str(" ON CONFLICT DO NOTHING");
                let mut query = sqlx::query(&sql);
                for (id, person) in part {
                    query = query.bind(id).bind(person);
                }
                query.execute(&mut *tx).await?;
            }
        }
        tx.commit().await?;
        Ok(count)
    }
}

/// The keyed hash a household is found again by, across runs.
pub(crate) fn household_index(key: &crate::sealed::DataKey, household_no: &str) -> String {
    key.index(&format!("household\u{1f}{household_no}"))
}

fn eligible_text(candidate: &Candidate) -> String {
    candidate
        .eligible
        .iter()
        .map(|p| p.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

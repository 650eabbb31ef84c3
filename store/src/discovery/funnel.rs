//! The funnel, from department record to approved assistance, per source and per rule: records
//! imported → matched to the register → candidates → visited → applied → approved, and each
//! rule's precision (the share of visits that confirmed what the data said).

use std::collections::BTreeMap;

use discovery::{Kind, KindSet, VisitOutcome};
use rules::ProgrammeId;
use sqlx::Row as _;

use crate::db::Store;
use crate::error::StoreError;

/// One line of the funnel. `imported` and `matched` are the records of a source (city-wide, as
/// the last run counted them); the rest are candidate households.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FunnelRow {
    pub imported: u64,
    pub matched: u64,
    pub candidates: u64,
    pub visited: u64,
    /// Visits that confirmed the data (applied or declined).
    pub confirmed: u64,
    /// Visits that found the household not eligible.
    pub refuted: u64,
    pub applied: u64,
    pub approved: u64,
}

impl FunnelRow {
    /// Confirmed ÷ (confirmed + refuted); `None` before any such visit.
    pub fn precision(&self) -> Option<f64> {
        let decided = self.confirmed + self.refuted;
        (decided > 0).then(|| self.confirmed as f64 / decided as f64)
    }

    fn add(&mut self, outcome: Option<VisitOutcome>, applied: bool, approved: bool) {
        self.candidates += 1;
        if let Some(outcome) = outcome {
            self.visited += 1;
            match outcome.confirms() {
                Some(true) => self.confirmed += 1,
                Some(false) => self.refuted += 1,
                None => {}
            }
        }
        self.applied += u64::from(applied);
        self.approved += u64::from(approved);
    }
}

/// The whole funnel of a county (or the city, for `None`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Funnel {
    pub total: FunnelRow,
    pub by_source: Vec<(Kind, FunnelRow)>,
    pub by_programme: Vec<(ProgrammeId, FunnelRow)>,
}

impl Store {
    /// The funnel of the county's candidates (all counties with `None`).
    pub async fn discovery_funnel(
        &self,
        county: Option<casework::County>,
    ) -> Result<Funnel, StoreError> {
        let rows = sqlx::query(
            "SELECT c.programme, c.sources, c.outcome, \
             EXISTS (SELECT 1 FROM discovery_candidate_members m JOIN applications a ON a.id_number_index = m.person_index \
                     WHERE m.candidate_id = c.id AND a.submitted_at >= c.found_at) AS applied, \
             EXISTS (SELECT 1 FROM discovery_candidate_members m JOIN applications a ON a.id_number_index = m.person_index \
                     WHERE m.candidate_id = c.id AND a.submitted_at >= c.found_at AND a.status IN ('approved', 'paying', 'closed')) AS approved \
             FROM discovery_candidates c WHERE ($1 = '' OR c.county = $1)",
        )
        .bind(county.map(|c| c.id()).unwrap_or(""))
        .fetch_all(self.pool())
        .await?;
        let mut total = FunnelRow::default();
        let mut by_source: BTreeMap<Kind, FunnelRow> = BTreeMap::new();
        let mut by_programme: BTreeMap<ProgrammeId, FunnelRow> = BTreeMap::new();
        for row in &rows {
            let programme_text: String = row.try_get("programme")?;
            let Some(programme) = ProgrammeId::parse(&programme_text) else {
                continue;
            };
            let sources = KindSet(row.try_get::<i64, _>("sources")? as u32);
            let outcome = row
                .try_get::<Option<String>, _>("outcome")?
                .as_deref()
                .and_then(VisitOutcome::parse);
            let truth = |name: &str| -> Result<bool, StoreError> {
                // SQLite answers EXISTS as an integer, PostgreSQL as a boolean.
                Ok(row
                    .try_get::<bool, _>(name)
                    .or_else(|_| row.try_get::<i64, _>(name).map(|n| n != 0))?)
            };
            let (applied, approved) = (truth("applied")?, truth("approved")?);
            total.add(outcome, applied, approved);
            by_programme
                .entry(programme)
                .or_default()
                .add(outcome, applied, approved);
            for kind in sources.kinds() {
                by_source
                    .entry(kind)
                    .or_default()
                    .add(outcome, applied, approved);
            }
        }
        // Records imported and matched, as the last finished run counted them.
        if let Some(run) = self
            .discovery_runs(20)
            .await?
            .into_iter()
            .find(|r| r.state == "done")
        {
            for (kind_text, (records, matched)) in &run.summary.records_by_kind {
                if let Some(kind) = Kind::parse(kind_text) {
                    let row = by_source.entry(kind).or_default();
                    row.imported = *records;
                    row.matched = *matched;
                    total.imported += records;
                    total.matched += matched;
                }
            }
        }
        Ok(Funnel {
            total,
            by_source: Kind::ALL
                .iter()
                .map(|k| (*k, by_source.get(k).copied().unwrap_or_default()))
                .collect(),
            by_programme: by_programme.into_iter().collect(),
        })
    }
}

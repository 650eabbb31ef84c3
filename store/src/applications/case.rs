//! A case as its applicant sees it, opened with the reference and the access code.

use rules::ProgrammeId;
use serde::Serialize;
use sqlx::Row;
use time::{Duration, OffsetDateTime, Weekday};

use super::model::DocumentKind;
use crate::db::Store;
use crate::error::StoreError;

/// An application is accepted (受理) within this many working days (POLICY.md §4).
pub const ACCEPT_WITHIN_WORKING_DAYS: i64 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseEvent {
    pub state: String,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub note: String,
}

/// What is due next and by when.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Deadline {
    /// `advance` (先行救助 for an emergency) or `accept` (受理).
    pub kind: &'static str,
    #[serde(with = "time::serde::rfc3339")]
    pub due_at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseView {
    pub reference: String,
    pub status: String,
    #[serde(with = "time::serde::rfc3339")]
    pub submitted_at: OffsetDateTime,
    pub programmes: Vec<ProgrammeId>,
    pub timeline: Vec<CaseEvent>,
    pub next_deadline: Option<Deadline>,
    pub missing_documents: Vec<DocumentKind>,
}

impl Store {
    /// The case, when the reference exists and the access code is its own; `None` for either
    /// mistake alike, so a wrong code does not reveal that the reference exists.
    pub async fn find_case(
        &self,
        reference: &str,
        access_code: &str,
    ) -> Result<Option<CaseView>, StoreError> {
        let Some(row) = sqlx::query(
            "SELECT id, access_code_hash, status, submitted_at, advance_due_at, programmes FROM applications WHERE reference = $1",
        )
        .bind(reference.trim().to_ascii_uppercase())
        .fetch_optional(self.pool())
        .await?
        else {
            return Ok(None);
        };
        let expected: String = row.try_get("access_code_hash")?;
        let given = self.data_key().index(access_code.trim());
        if !same(expected.as_bytes(), given.as_bytes()) {
            return Ok(None);
        }
        let id: i64 = row.try_get("id")?;
        let status: String = row.try_get("status")?;
        let submitted_at = timestamp(row.try_get("submitted_at")?)?;
        let advance_due_at = row
            .try_get::<Option<i64>, _>("advance_due_at")?
            .map(timestamp)
            .transpose()?;
        let programmes: Vec<String> =
            serde_json::from_str(&row.try_get::<String, _>("programmes")?)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let timeline = sqlx::query(
            "SELECT state, at, note FROM application_events WHERE application_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            Ok(CaseEvent {
                state: r.try_get("state")?,
                at: timestamp(r.try_get("at")?)?,
                note: r.try_get("note")?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
        let missing_documents = sqlx::query_scalar::<_, String>(
            "SELECT document FROM application_documents WHERE application_id = $1 AND status = 'missing' ORDER BY document",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?
        .iter()
        .filter_map(|d| DocumentKind::parse(d))
        .collect();
        let next_deadline = match (advance_due_at, status.as_str()) {
            (Some(due_at), "submitted" | "accepted") => Some(Deadline {
                kind: "advance",
                due_at,
            }),
            (_, "submitted") => Some(Deadline {
                kind: "accept",
                due_at: add_working_days(submitted_at, ACCEPT_WITHIN_WORKING_DAYS),
            }),
            _ => None,
        };
        Ok(Some(CaseView {
            reference: reference.trim().to_ascii_uppercase(),
            status,
            submitted_at,
            programmes: programmes
                .iter()
                .filter_map(|p| ProgrammeId::parse(p))
                .collect(),
            timeline,
            next_deadline,
            missing_documents,
        }))
    }
}

fn timestamp(seconds: i64) -> Result<OffsetDateTime, StoreError> {
    OffsetDateTime::from_unix_timestamp(seconds).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// Equal, in time that does not depend on where two hashes first differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Working days skip Saturdays and Sundays. Public holidays are not known here yet; a deadline
/// over a holiday comes out early, never late.
pub fn add_working_days(from: OffsetDateTime, days: i64) -> OffsetDateTime {
    let mut at = from;
    let mut left = days;
    while left > 0 {
        at += Duration::days(1);
        if !matches!(at.weekday(), Weekday::Saturday | Weekday::Sunday) {
            left -= 1;
        }
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn working_days_skip_the_weekend() {
        let friday = time::macros::datetime!(2026-12-04 10:00 UTC);
        assert_eq!(
            add_working_days(friday, 1),
            time::macros::datetime!(2026-12-07 10:00 UTC)
        );
        let monday = time::macros::datetime!(2026-12-07 10:00 UTC);
        assert_eq!(
            add_working_days(monday, 1),
            time::macros::datetime!(2026-12-08 10:00 UTC)
        );
    }
}

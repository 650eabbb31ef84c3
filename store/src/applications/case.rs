//! A case as its applicant sees it, opened with the reference and the access code.

use rules::ProgrammeId;
use serde::Serialize;
use sqlx::Row;
use time::{Duration, OffsetDateTime, Weekday};

use super::model::DocumentKind;
use super::supplied::UPLOADED;
use crate::db::Store;
use crate::error::StoreError;
use crate::one_time_codes::PhoneIndex;

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
    /// Documents the resident uploaded from the to-do list, waiting for the caseworker to check.
    pub uploaded_documents: Vec<DocumentKind>,
}

/// What shows that the person asking may see a case.
#[derive(Debug, Clone, Copy)]
pub enum CaseKey<'a> {
    /// The access code of the receipt.
    AccessCode(&'a str),
    /// A phone verified with a one-time code: the applicant's own, or the family member's who
    /// applied for them.
    Phone(&'a PhoneIndex),
    /// The caller vouches for it: this browser opened the case with one of the keys above a
    /// short while ago (the web layer's session remembers that).
    OpenedBefore,
}

impl Store {
    /// The case, when the reference exists and the access code is its own; `None` for either
    /// mistake alike, so a wrong code does not reveal that the reference exists.
    pub async fn find_case(
        &self,
        reference: &str,
        access_code: &str,
    ) -> Result<Option<CaseView>, StoreError> {
        self.open_case(reference, CaseKey::AccessCode(access_code))
            .await
    }

    /// The case, when it is on this (verified) phone; `None` when it is not or does not exist.
    pub async fn find_case_for_phone(
        &self,
        reference: &str,
        phone: &PhoneIndex,
    ) -> Result<Option<CaseView>, StoreError> {
        self.open_case(reference, CaseKey::Phone(phone)).await
    }

    /// The case, when the reference exists and the key opens it; `None` for either mistake alike.
    pub async fn open_case(
        &self,
        reference: &str,
        key: CaseKey<'_>,
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
        let id: i64 = row.try_get("id")?;
        if !self.key_opens(&row, id, key).await? {
            return Ok(None);
        }
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
        let missing_documents = self.documents_with_status(id, "missing").await?;
        let uploaded_documents = self.documents_with_status(id, UPLOADED).await?;
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
            uploaded_documents,
        }))
    }

    async fn key_opens(
        &self,
        row: &sqlx::any::AnyRow,
        id: i64,
        key: CaseKey<'_>,
    ) -> Result<bool, StoreError> {
        Ok(match key {
            CaseKey::AccessCode(code) => {
                let expected: String = row.try_get("access_code_hash")?;
                let given = self.data_key().index(code.trim());
                same(expected.as_bytes(), given.as_bytes())
            }
            CaseKey::Phone(phone) => sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM application_phones WHERE application_id = $1 AND phone_index = $2",
            )
            .bind(id)
            .bind(phone.as_str())
            .fetch_one(self.pool())
            .await?
                > 0,
            CaseKey::OpenedBefore => true,
        })
    }

    async fn documents_with_status(
        &self,
        id: i64,
        status: &str,
    ) -> Result<Vec<DocumentKind>, StoreError> {
        Ok(sqlx::query_scalar::<_, String>(
            "SELECT document FROM application_documents WHERE application_id = $1 AND status = $2 ORDER BY document",
        )
        .bind(id)
        .bind(status)
        .fetch_all(self.pool())
        .await?
        .iter()
        .filter_map(|d| DocumentKind::parse(d))
        .collect())
    }
}

fn timestamp(seconds: i64) -> Result<OffsetDateTime, StoreError> {
    OffsetDateTime::from_unix_timestamp(seconds).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// Equal, in time that does not depend on where two hashes first differ.
pub(crate) fn same(a: &[u8], b: &[u8]) -> bool {
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

//! A case as its applicant sees it, opened with the reference and the access code.

use rules::ProgrammeId;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;
use time::OffsetDateTime;

use super::supplied::UPLOADED;
use crate::db::Store;
use crate::error::StoreError;
use crate::one_time_codes::PhoneIndex;
use casework::CaseState;
use casework::DocumentKind;
use casework::WorkflowLimits;
use casework::{CaseTimes, Deadline, NextActor};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseEvent {
    pub state: CaseState,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub note: String,
}

/// A message from the caseworker to the applicant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseMessage {
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseView {
    pub reference: String,
    /// Where the case is handled: the resident's pages lead to its windows. Not in the JSON.
    #[serde(skip)]
    pub county: Option<casework::County>,
    pub status: CaseState,
    #[serde(with = "time::serde::rfc3339")]
    pub submitted_at: OffsetDateTime,
    pub programmes: Vec<ProgrammeId>,
    pub timeline: Vec<CaseEvent>,
    pub next_deadline: Option<Deadline>,
    /// Who has to act next: `staff`, `supervisor`, `applicant`, `partner`, or null when nobody does.
    pub next_actor: Option<NextActor>,
    /// Whether the deadline being worked to has passed.
    pub overdue: bool,
    pub missing_documents: Vec<DocumentKind>,
    /// Documents the resident uploaded from the to-do list, waiting for the caseworker to check.
    pub uploaded_documents: Vec<DocumentKind>,
    pub messages: Vec<CaseMessage>,
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

/// The columns [`case_times`] reads.
pub(crate) const TIME_COLUMNS: &str =
    "status, submitted_at, advance_due_at, advance_paid_at, decision_due_at, notice_ends_at";

/// A state read from a column of the store's own writing; anything else is corruption.
pub(crate) fn state_column(row: &AnyRow, column: &str) -> Result<CaseState, StoreError> {
    let text: String = row.try_get(column)?;
    CaseState::parse(&text)
        .ok_or_else(|| StoreError::Corrupt(format!("unknown case state {text:?}")))
}

/// A case's state and the times its deadlines follow from, from a row with [`TIME_COLUMNS`].
pub(crate) fn case_times(row: &AnyRow, limits: &WorkflowLimits) -> Result<CaseTimes, StoreError> {
    let optional = |column: &str| -> Result<Option<OffsetDateTime>, StoreError> {
        row.try_get::<Option<i64>, _>(column)?
            .map(timestamp)
            .transpose()
    };
    let status = state_column(row, "status")?;
    let submitted_at = timestamp(row.try_get("submitted_at")?)?;
    Ok(CaseTimes {
        state: status,
        submitted_at,
        accept_due_at: limits.accept_due(submitted_at),
        advance_due_at: optional("advance_due_at")?,
        advance_paid_at: optional("advance_paid_at")?,
        decision_due_at: optional("decision_due_at")?,
        notice_ends_at: optional("notice_ends_at")?,
    })
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
        let reference = reference.trim().to_ascii_uppercase();
        let Some(row) = sqlx::query(&format!(
            "SELECT id, access_code_hash, programmes, county, {TIME_COLUMNS} FROM applications WHERE reference = $1"
        ))
        .bind(&reference)
        .fetch_optional(self.pool())
        .await?
        else {
            return Ok(None);
        };
        let id: i64 = row.try_get("id")?;
        if !self.key_opens(&row, id, key).await? {
            return Ok(None);
        }
        let times = case_times(&row, self.workflow_limits())?;
        let programmes: Vec<String> =
            serde_json::from_str(&row.try_get::<String, _>("programmes")?)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let timeline = self
            .case_events(id)
            .await?
            .into_iter()
            .map(|e| CaseEvent {
                state: e.state,
                at: e.at,
                note: e.note,
            })
            .collect();
        let documents = self.case_documents(id).await?;
        let with_status = |wanted: &str| {
            documents
                .iter()
                .filter(|(_, status)| status == wanted)
                .map(|(document, _)| *document)
                .collect::<Vec<_>>()
        };
        let messages = self
            .case_messages(id)
            .await?
            .into_iter()
            .map(|m| CaseMessage {
                at: m.at,
                text: m.text,
            })
            .collect();
        let next = times.next_step();
        Ok(Some(CaseView {
            reference,
            county: row.try_get::<String, _>("county")?.parse().ok(),
            status: times.state,
            submitted_at: times.submitted_at,
            programmes: programmes
                .iter()
                .filter_map(|p| ProgrammeId::parse(p))
                .collect(),
            timeline,
            next_deadline: next.deadline,
            next_actor: next.actor,
            overdue: times.overdue(self.clock().now()),
            missing_documents: with_status("missing"),
            uploaded_documents: with_status(UPLOADED),
            messages,
        }))
    }

    pub(super) async fn key_opens(
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
}

pub(crate) fn timestamp(seconds: i64) -> Result<OffsetDateTime, StoreError> {
    OffsetDateTime::from_unix_timestamp(seconds).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// Equal, in time that does not depend on where two hashes first differ.
pub(crate) fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

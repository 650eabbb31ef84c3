//! Aid applications (POLICY.md §4 and §6): checked on the way in, stored with their consents,
//! missing documents, first timeline entry and SMS in one transaction, answered only once that
//! transaction is durable, and never stored twice for one idempotency key.

mod act;
mod advances;
mod case;
mod case_file;
mod dashboard;
mod names;
mod phones;
mod queue;
mod supplied;

use sqlx::Row;
use time::OffsetDateTime;

// The casework types cases are kept with, where callers of the store expect them.
pub use act::{ActError, CaseStep, WithdrawError, APPLICANT_ACTOR, WITHDRAW_REASON_MAX_CHARS};
pub use advances::{advance_cap_yuan, case_assessment, AdvanceRecord};
pub(crate) use case::{case_times, state_column, timestamp};
pub use case::{CaseEvent, CaseKey, CaseMessage, CaseView};
pub use case_file::{
    CaseFile, ConsentRecord, MessageError, ReferralRecord, StaffEvent, StaffMessage,
    MESSAGE_MAX_CHARS,
};
use casework::{AccessCode, IdempotencyKey, NewApplication, Receipt, Reference, SubmittedBy};
pub use dashboard::{Compliance, Dashboard, DashboardError, Figures, Period};
pub(crate) use names::name_index_under;
pub use names::normalise_name;
pub(crate) use phones::phones_of;
pub use phones::PhoneApplication;
pub use queue::{QueueError, QueueItem, QueuePage, QueueSearch, SearchProblem, QUEUE_PAGE};
pub use supplied::{CaseUpload, Supplied, UPLOADED};

use crate::audit::AuditEntry;
use crate::db::Store;
use crate::drafts::DraftToken;
use crate::error::StoreError;
use crate::outbox::OutboxMessage;
use casework::Actor;

/// What became of a submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Submitted {
    /// Stored now.
    New(Receipt),
    /// This key was used before for the same request: the first answer again, nothing new.
    Replayed(Receipt),
}

#[derive(Debug, thiserror::Error)]
pub enum SubmitError {
    #[error("this idempotency key was used for a different request")]
    KeyReused,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What is stored with an application in its transaction, beside what every one gets.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Linked<'a> {
    Nothing,
    /// A finished draft: its uploads are linked to the application.
    Draft(&'a DraftToken),
    /// A volunteer's synced record: its photos are linked, and the record is kept.
    Outreach(&'a crate::outreach_sync::OutreachRecord),
}

/// The status every application starts in.
const SUBMITTED: &str = "submitted";

impl Store {
    /// Stores an application. `fingerprint` identifies the request's content (a hash of its
    /// canonical form), so a repeat with the same key is recognised as the same request.
    pub async fn submit_application(
        &self,
        application: &NewApplication,
        key: &IdempotencyKey,
        fingerprint: &str,
    ) -> Result<Submitted, SubmitError> {
        self.submit_application_as(application, key, fingerprint, &Actor::Applicant)
            .await
    }

    /// [`Store::submit_application`] for someone other than the applicant, such as a partner
    /// system with its API key: the audit entry names `actor`.
    pub async fn submit_application_as(
        &self,
        application: &NewApplication,
        key: &IdempotencyKey,
        fingerprint: &str,
        actor: &Actor,
    ) -> Result<Submitted, SubmitError> {
        self.submit(application, key, fingerprint, Linked::Nothing, actor)
            .await
    }

    /// Stores the application of a finished draft, as [`Store::submit_application`], with the
    /// files uploaded to the draft linked to it in the same transaction: either the application
    /// is stored with its files, or nothing is and the draft can be sent again.
    pub async fn submit_draft_application(
        &self,
        application: &NewApplication,
        key: &IdempotencyKey,
        fingerprint: &str,
        draft: &DraftToken,
    ) -> Result<Submitted, SubmitError> {
        let submitted = self
            .submit(
                application,
                key,
                fingerprint,
                Linked::Draft(draft),
                &Actor::Applicant,
            )
            .await?;
        if let Submitted::Replayed(receipt) = &submitted {
            // A file recorded while the first submission was under way.
            self.attach_uploads(draft, receipt.reference.as_str())
                .await?;
        }
        Ok(submitted)
    }

    pub(crate) async fn submit(
        &self,
        application: &NewApplication,
        key: &IdempotencyKey,
        fingerprint: &str,
        linked: Linked<'_>,
        actor: &Actor,
    ) -> Result<Submitted, SubmitError> {
        if let Some(earlier) = self.earlier_submission(key, fingerprint).await? {
            return Ok(Submitted::Replayed(earlier));
        }
        match self
            .insert_application(application, key, fingerprint, linked, actor)
            .await
        {
            Ok(receipt) => Ok(Submitted::New(receipt)),
            // Two requests with one key raced: the other one committed first.
            Err(StoreError::Database(e)) if is_unique_violation(&e) => self
                .earlier_submission(key, fingerprint)
                .await?
                .map(Submitted::Replayed)
                .ok_or(SubmitError::Store(StoreError::Database(e))),
            Err(e) => Err(e.into()),
        }
    }

    /// The first answer for this key, when the same request was stored under it before: a
    /// replay, which limits on submissions must not count.
    pub async fn earlier_submission(
        &self,
        key: &IdempotencyKey,
        fingerprint: &str,
    ) -> Result<Option<Receipt>, SubmitError> {
        let row = sqlx::query(
            "SELECT request_hash, response_sealed FROM applications WHERE idempotency_key = $1",
        )
        .bind(key.as_str())
        .fetch_optional(self.pool())
        .await
        .map_err(StoreError::from)?;
        let Some(row) = row else {
            return Ok(None);
        };
        let hash: String = row.try_get("request_hash").map_err(StoreError::from)?;
        if hash != fingerprint {
            return Err(SubmitError::KeyReused);
        }
        let sealed: String = row.try_get("response_sealed").map_err(StoreError::from)?;
        let receipt = serde_json::from_str(&self.data_key().open(&sealed)?)
            .map_err(|e| StoreError::Corrupt(format!("a stored receipt: {e}")))?;
        Ok(Some(receipt))
    }

    async fn insert_application(
        &self,
        application: &NewApplication,
        key: &IdempotencyKey,
        fingerprint: &str,
        linked: Linked<'_>,
        actor: &Actor,
    ) -> Result<Receipt, StoreError> {
        let seal = |text: &str| self.data_key().seal(text);
        let now = self.clock().now();
        let submitted_at = now.unix_timestamp();
        let access_code = AccessCode::generate(&mut rand::thread_rng());
        let advance_due_at = application
            .emergency
            .map(|e| self.workflow_limits().advance_due(now, e.urgency));
        let applicant = &application.applicant;
        let household = serde_json::to_string(&application.household)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let submitted_by = serde_json::to_string(&application.submitted_by)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let programmes: Vec<&str> = application.programmes.iter().map(|p| p.as_str()).collect();
        let programmes =
            serde_json::to_string(&programmes).map_err(|e| StoreError::Corrupt(e.to_string()))?;

        let mut tx = self.write_tx().await?;
        let number: i64 = sqlx::query_scalar(
            "INSERT INTO reference_counters (year, last) VALUES ($1, 1) \
             ON CONFLICT (year) DO UPDATE SET last = reference_counters.last + 1 RETURNING last",
        )
        .bind(i64::from(now.year()))
        .fetch_one(&mut *tx)
        .await?;
        let reference = Reference::new(now.year(), number);
        let receipt = Receipt {
            reference: reference.clone(),
            access_code: access_code.clone(),
            status: SUBMITTED.to_owned(),
            advance_due_at,
        };
        let response =
            serde_json::to_string(&receipt).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        // A volunteer's and an event's codes name no resident: kept plain, so the volunteer's
        // workspace and the event's count can find them.
        let volunteer_codes = match &application.submitted_by {
            SubmittedBy::Volunteer {
                volunteer_code,
                event_code,
            } => Some((volunteer_code.as_str(), event_code.as_str())),
            _ => None,
        };
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO applications (reference, access_code_hash, idempotency_key, request_hash, \
             response_sealed, county, applicant_name_sealed, id_number_sealed, id_number_index, phone_sealed, \
             address_sealed, submitted_by, submitted_by_detail_sealed, household_sealed, programmes, \
             emergency_kind, emergency_urgency, advance_due_at, status, submitted_at, name_index, \
             volunteer_code, event_code) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23) \
             RETURNING id",
        )
        .bind(reference.as_str())
        .bind(self.data_key().index(access_code.as_str()))
        .bind(key.as_str())
        .bind(fingerprint)
        .bind(seal(&response)?)
        .bind(applicant.county.id())
        .bind(seal(&applicant.name)?)
        .bind(seal(applicant.id_number.as_str())?)
        .bind(self.data_key().index(applicant.id_number.as_str()))
        .bind(seal(applicant.phone.as_str())?)
        .bind(seal(&applicant.address)?)
        .bind(application.submitted_by.kind())
        .bind(seal(&submitted_by)?)
        .bind(seal(&household)?)
        .bind(&programmes)
        .bind(application.emergency.map(|e| e.kind.as_str()))
        .bind(application.emergency.map(|e| e.urgency.as_str()))
        .bind(advance_due_at.map(OffsetDateTime::unix_timestamp))
        .bind(SUBMITTED)
        .bind(submitted_at)
        .bind(self.name_index(&applicant.name))
        .bind(volunteer_codes.map(|(volunteer, _)| volunteer))
        .bind(volunteer_codes.map(|(_, event)| event))
        .fetch_one(&mut *tx)
        .await?;
        self.index_application_phones(&mut tx, id, application)
            .await?;
        let given_by = application.submitted_by.kind();
        for consent in &application.consents {
            sqlx::query(
                "INSERT INTO application_consents (application_id, kind, member, text_version, given_by, given_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(consent.kind.as_str())
            .bind(consent.member.map(|m| m as i64))
            .bind(consent.text_version())
            .bind(given_by)
            .bind(consent.given_at(now).unix_timestamp())
            .execute(&mut *tx)
            .await?;
        }
        match linked {
            Linked::Nothing => {}
            Linked::Draft(draft) => {
                sqlx::query(
                    "UPDATE uploads SET application_reference = $1 WHERE draft_token_index = $2",
                )
                .bind(reference.as_str())
                .bind(self.data_key().index(draft.as_str()))
                .execute(&mut *tx)
                .await?;
            }
            // After the application's own audit entry, below.
            Linked::Outreach(_) => {}
        }
        for document in &application.missing_documents {
            sqlx::query(
                "INSERT INTO application_documents (application_id, document, status, updated_at) VALUES ($1, $2, 'missing', $3)",
            )
            .bind(id)
            .bind(document.as_str())
            .bind(submitted_at)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(
            "INSERT INTO application_events (application_id, state, at, note, actor, acted_by) VALUES ($1, $2, $3, '', $4, $5)",
        )
        .bind(id)
        .bind(SUBMITTED)
        .bind(submitted_at)
        .bind(given_by)
        .bind(actor.to_string())
        .execute(&mut *tx)
        .await?;
        let sms = OutboxMessage::ApplicationReceived {
            reference: reference.as_str().to_owned(),
            access_code: access_code.as_str().to_owned(),
            advance_due_at: advance_due_at.map(OffsetDateTime::unix_timestamp),
        };
        self.queue_message(&mut tx, applicant.phone.as_str(), &sms)
            .await?;
        if let (Some(emergency), Some(due_at)) = (application.emergency, advance_due_at) {
            self.alert_duty(
                &mut tx,
                id,
                reference.as_str(),
                applicant.county,
                emergency.urgency,
                due_at,
            )
            .await?;
        }
        let detail =
            serde_json::json!({ "submitted_by": given_by, "county": applicant.county.id() })
                .to_string();
        self.append_audit(
            &mut tx,
            AuditEntry {
                actor: actor.clone(),
                action: "application.submit",
                subject: reference.as_str(),
                detail: &detail,
            },
        )
        .await?;
        if let Linked::Outreach(record) = linked {
            self.keep_outreach_record(&mut tx, record, id, reference.as_str(), submitted_at)
                .await?;
        }
        tx.commit().await?;
        Ok(receipt)
    }

    /// Every stored reference, oldest first.
    pub async fn application_references(&self) -> Result<Vec<String>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT reference FROM applications ORDER BY id")
                .fetch_all(self.pool())
                .await?,
        )
    }
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .is_some_and(|d| d.is_unique_violation())
}

/// A random access code's digits; kept here so tests can make them predictable.
/// Two keyed hashes are equal, compared in constant time.
pub(crate) fn same_hash(a: &str, b: &str) -> bool {
    case::same(a.as_bytes(), b.as_bytes())
}

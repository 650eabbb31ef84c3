//! The volunteers' offline outreach sync: a record sealed on a phone without signal and sent
//! later becomes an application through the same submission as any other, once per client id.
//!
//! Exactly once, whatever fails in between: the record's photos are cleaned and kept first, each
//! recorded as an upload under the record's group (`outreach:{client id}:{fingerprint}`) and its
//! place in the record, at most once per place; then one transaction stores the application,
//! links the group's photos to it (as a draft's uploads are linked), and writes the record's row
//! and its audit entry. A phone that sends the record again after a failure finds the photos
//! already kept and keeps only the missing ones; after the commit it gets the first receipt.

use casework::{Actor, IdempotencyKey, NewApplication};
use sqlx::{Any, Row, Transaction};
use time::OffsetDateTime;

use crate::applications::{Linked, SubmitError, Submitted};
use crate::audit::AuditEntry;
use crate::db::Store;
use crate::drafts::{StoredFile, DRAFT_LIFETIME_DAYS};
use crate::error::StoreError;

/// A decrypted record, as the store keeps it beside its application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutreachRecord {
    /// The phone's UUID v4 for the record, lower case.
    pub client_id: String,
    /// The fingerprint of the record's whole plaintext.
    pub fingerprint: String,
    /// The volunteer account that sent it (signed in on the phone).
    pub sent_by_staff_id: i64,
    /// That account's badge code (`V-00012`).
    pub sent_by_code: String,
    /// The phone's times of each consent and of finishing the record, as JSON.
    pub taken_at: String,
    /// How many photos the record holds.
    pub photos: usize,
}

impl OutreachRecord {
    /// Who sent it, as the timeline and the audit log name them.
    pub fn sender(&self) -> Actor {
        Actor::Volunteer {
            device: self.sent_by_code.clone(),
        }
    }

    /// What the record's photos are recorded under until its application links them.
    pub fn photo_group(&self) -> String {
        format!("outreach:{}:{}", self.client_id, self.fingerprint)
    }

    /// The idempotency key of its application: the client id in a namespace of its own.
    pub fn idempotency_key(&self) -> Result<IdempotencyKey, casework::InvalidIdempotencyKey> {
        format!("outreach-{}", self.client_id).parse()
    }
}

/// The first answer to a record: what its application's receipt says, and when the server
/// stored it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutreachReceipt {
    pub reference: String,
    pub received_at: OffsetDateTime,
}

/// A synced record as kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncedRecord {
    pub client_id: String,
    pub reference: String,
    pub sent_by: Actor,
    pub sent_by_staff_id: i64,
    pub taken_at: String,
    pub photos: i64,
    pub received_at: OffsetDateTime,
}

impl Store {
    /// The first receipt of the record with this client id, when it was stored before with the
    /// same fingerprint; [`SubmitError::KeyReused`] when another record was stored under it.
    pub async fn outreach_receipt(
        &self,
        client_id: &str,
        fingerprint: &str,
    ) -> Result<Option<OutreachReceipt>, SubmitError> {
        let row = sqlx::query(
            "SELECT r.fingerprint, r.received_at, a.reference FROM outreach_records r \
             JOIN applications a ON a.id = r.application_id WHERE r.client_id = $1",
        )
        .bind(client_id)
        .fetch_optional(self.pool())
        .await
        .map_err(StoreError::from)?;
        let Some(row) = row else {
            return Ok(None);
        };
        let kept: String = row.try_get("fingerprint").map_err(StoreError::from)?;
        if kept != fingerprint {
            return Err(SubmitError::KeyReused);
        }
        Ok(Some(OutreachReceipt {
            reference: row.try_get("reference").map_err(StoreError::from)?,
            received_at: crate::applications::timestamp(
                row.try_get("received_at").map_err(StoreError::from)?,
            )?,
        }))
    }

    /// Whether the record's photo at `position` is kept already (by an earlier attempt).
    pub async fn outreach_photo_kept(
        &self,
        record: &OutreachRecord,
        position: usize,
    ) -> Result<bool, StoreError> {
        let found = sqlx::query(
            "SELECT 1 FROM uploads WHERE draft_token_index = $1 AND outreach_position = $2",
        )
        .bind(record.photo_group())
        .bind(position_of(position))
        .fetch_optional(self.pool())
        .await?;
        Ok(found.is_some())
    }

    /// Records a photo of the record, cleaned and kept in the file store, at its place; `false`
    /// when that place was recorded meanwhile (a second attempt at once), and this file is not
    /// needed.
    pub async fn record_outreach_photo(
        &self,
        record: &OutreachRecord,
        position: usize,
        file: StoredFile<'_>,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO uploads (draft_token_index, outreach_position, document, storage_key, content_type, size, sha256, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (draft_token_index, outreach_position) DO NOTHING",
        )
        .bind(record.photo_group())
        .bind(position_of(position))
        .bind(file.document)
        .bind(file.storage_key)
        .bind(file.content_type)
        .bind(file.size)
        .bind(file.sha256)
        .bind(self.now_unix())
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Stores the record's application, as [`Store::submit_application`], named as sent by the
    /// volunteer; in the same transaction its photos (all kept before) are linked to it and the
    /// record is kept with an `outreach.sync` audit entry. A repeat of the record answers the
    /// first receipt and stores nothing.
    pub async fn submit_outreach_application(
        &self,
        application: &NewApplication,
        record: &OutreachRecord,
    ) -> Result<Submitted, SubmitError> {
        let key = record
            .idempotency_key()
            .map_err(|e| StoreError::Corrupt(format!("an outreach client id: {e}")))?;
        self.submit(
            application,
            &key,
            &record.fingerprint,
            Linked::Outreach(record),
            &record.sender(),
        )
        .await
    }

    /// The record's part of its application's transaction.
    pub(crate) async fn keep_outreach_record(
        &self,
        tx: &mut Transaction<'static, Any>,
        record: &OutreachRecord,
        application_id: i64,
        reference: &str,
        received_at: i64,
    ) -> Result<(), StoreError> {
        let linked = sqlx::query(
            "UPDATE uploads SET application_reference = $1 \
             WHERE draft_token_index = $2 AND outreach_position IS NOT NULL",
        )
        .bind(reference)
        .bind(record.photo_group())
        .execute(&mut **tx)
        .await?
        .rows_affected();
        if linked != record.photos as u64 {
            // Only when a kept photo's row went away between keeping and storing (housekeeping
            // after a month): nothing is stored, and the phone's next attempt keeps it again.
            return Err(StoreError::Corrupt(format!(
                "an outreach record has {} photos, {linked} of them kept",
                record.photos
            )));
        }
        sqlx::query(
            "INSERT INTO outreach_records (client_id, application_id, sent_by, sent_by_staff_id, \
             fingerprint, taken_at, photos, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&record.client_id)
        .bind(application_id)
        .bind(record.sender().to_string())
        .bind(record.sent_by_staff_id)
        .bind(&record.fingerprint)
        .bind(&record.taken_at)
        .bind(position_of(record.photos))
        .bind(received_at)
        .execute(&mut **tx)
        .await?;
        // The volunteer and the record's id, no resident's data.
        let detail = serde_json::json!({
            "client_id": record.client_id,
            "staff_id": record.sent_by_staff_id,
            "photos": record.photos,
        })
        .to_string();
        self.append_audit(
            tx,
            AuditEntry {
                actor: record.sender(),
                action: "outreach.sync",
                subject: reference,
                detail: &detail,
            },
        )
        .await
    }

    /// The record kept under this client id.
    pub async fn synced_record(&self, client_id: &str) -> Result<Option<SyncedRecord>, StoreError> {
        let Some(row) = sqlx::query(
            "SELECT r.client_id, a.reference, r.sent_by, r.sent_by_staff_id, r.taken_at, r.photos, \
             r.received_at FROM outreach_records r JOIN applications a ON a.id = r.application_id \
             WHERE r.client_id = $1",
        )
        .bind(client_id)
        .fetch_optional(self.pool())
        .await?
        else {
            return Ok(None);
        };
        let sent_by: String = row.try_get("sent_by")?;
        Ok(Some(SyncedRecord {
            client_id: row.try_get("client_id")?,
            reference: row.try_get("reference")?,
            sent_by: sent_by
                .parse()
                .map_err(|e: casework::ActorError| StoreError::Corrupt(e.to_string()))?,
            sent_by_staff_id: row.try_get("sent_by_staff_id")?,
            taken_at: row.try_get("taken_at")?,
            photos: row.try_get("photos")?,
            received_at: crate::applications::timestamp(row.try_get("received_at")?)?,
        }))
    }

    /// Removes the photos of records that never became an application (a photo refused after
    /// others were kept, a record replaced on the phone) once they are as old as an unsent
    /// draft may get, queuing their files for deletion in the same transaction. Returns how
    /// many.
    pub async fn remove_stale_outreach_photos(&self) -> Result<u64, StoreError> {
        let now = self.now_unix();
        let cutoff = now - DRAFT_LIFETIME_DAYS * 24 * 3600;
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "INSERT INTO file_deletions (storage_key, queued_at) \
             SELECT storage_key, $1 FROM uploads \
             WHERE outreach_position IS NOT NULL AND application_reference IS NULL AND created_at < $2 \
             ON CONFLICT (storage_key) DO NOTHING",
        )
        .bind(now)
        .bind(cutoff)
        .execute(&mut *tx)
        .await?;
        let done = sqlx::query(
            "DELETE FROM uploads \
             WHERE outreach_position IS NOT NULL AND application_reference IS NULL AND created_at < $1",
        )
        .bind(cutoff)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(done)
    }
}

fn position_of(position: usize) -> i64 {
    i64::try_from(position).unwrap_or(i64::MAX)
}

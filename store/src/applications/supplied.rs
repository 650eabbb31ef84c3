//! Documents supplied after the application (容缺): a resident uploads a missing one from the
//! tracking page's to-do list, and the caseworker sees it with the case.

use sqlx::Row;
use time::OffsetDateTime;

use crate::audit::AuditEntry;
use crate::db::Store;
use crate::drafts::{Room, StoredFile, UploadAllowance};
use crate::error::StoreError;
use casework::Actor;
use casework::DocumentKind;

/// The to-do status of a document the resident uploaded: supplied, waiting for the caseworker to
/// check it (who then marks the documents `supplied`, or asks again).
pub const UPLOADED: &str = "uploaded";

/// What became of a document uploaded from the to-do list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Supplied {
    Recorded,
    /// The case does not exist, or this document is not on its to-do list: nothing was stored.
    NotOnTheList,
    /// The to-do list holds as many files as it may ([`UploadAllowance::max_files`]).
    TooManyFiles,
    /// The file would take the list's stored bytes over [`UploadAllowance::max_bytes`].
    OverQuota,
}

/// One file uploaded for an application, from the draft or from the to-do list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseUpload {
    pub document: Option<DocumentKind>,
    pub content_type: String,
    pub size: i64,
    /// Where the file store keeps it.
    pub storage_key: String,
    pub uploaded_at: OffsetDateTime,
}

impl Store {
    /// Records a file (already cleaned and kept in the file store) as the case's copy of a
    /// document on its to-do list, and marks that entry uploaded; one transaction with its audit
    /// entry. The timeline is left alone: the case has not moved.
    ///
    /// Files supplied this way are limited per case like a draft's ([`UploadAllowance`]): the
    /// case's row is held while they are counted, so parallel uploads are counted in turn.
    pub async fn supply_document(
        &self,
        reference: &str,
        file: StoredFile<'_>,
        allowance: UploadAllowance,
    ) -> Result<Supplied, StoreError> {
        let reference = reference.trim().to_ascii_uppercase();
        let now = self.now_unix();
        let mut tx = self.write_tx().await?;
        let Some(id) =
            sqlx::query_scalar::<_, i64>("SELECT id FROM applications WHERE reference = $1")
                .bind(&reference)
                .fetch_optional(&mut *tx)
                .await?
        else {
            return Ok(Supplied::NotOnTheList);
        };
        // A write that changes nothing, to take the case's row lock on PostgreSQL (SQLite's
        // write transaction is alone already) before counting.
        sqlx::query("UPDATE applications SET status = status WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        match self
            .supplied_room(&mut tx, &reference, file.size, allowance)
            .await?
        {
            Room::TooManyFiles => return Ok(Supplied::TooManyFiles),
            Room::OverQuota => return Ok(Supplied::OverQuota),
            Room::Fits | Room::NoDraft => {}
        }
        let marked = sqlx::query(
            "UPDATE application_documents SET status = $1, updated_at = $2 \
             WHERE application_id = $3 AND document = $4 AND status IN ('missing', $1)",
        )
        .bind(UPLOADED)
        .bind(now)
        .bind(id)
        .bind(file.document)
        .execute(&mut *tx)
        .await?;
        if marked.rows_affected() != 1 {
            return Ok(Supplied::NotOnTheList);
        }
        // No draft: the empty index matches none (a keyed hash is never empty).
        sqlx::query(
            "INSERT INTO uploads (draft_token_index, application_reference, document, storage_key, content_type, size, sha256, created_at) \
             VALUES ('', $1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&reference)
        .bind(file.document)
        .bind(file.storage_key)
        .bind(file.content_type)
        .bind(file.size)
        .bind(file.sha256)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let detail = serde_json::json!({
            "document": file.document,
            "content_type": file.content_type,
            "size": file.size,
        })
        .to_string();
        self.append_audit(
            &mut tx,
            AuditEntry {
                actor: Actor::Applicant,
                action: "application.document_uploaded",
                subject: &reference,
                detail: &detail,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(Supplied::Recorded)
    }

    /// Whether the case's to-do list has room for a file of `size` bytes (0: for any file),
    /// before the file is read and decoded; [`Store::supply_document`] checks again.
    pub async fn case_upload_room(
        &self,
        reference: &str,
        size: i64,
        allowance: UploadAllowance,
    ) -> Result<Room, StoreError> {
        let reference = reference.trim().to_ascii_uppercase();
        let mut connection = self.pool().acquire().await?;
        self.supplied_room(&mut connection, &reference, size, allowance)
            .await
    }

    /// Counts the files supplied from the to-do list (not those sent with the draft).
    async fn supplied_room(
        &self,
        connection: &mut sqlx::AnyConnection,
        reference: &str,
        size: i64,
        allowance: UploadAllowance,
    ) -> Result<Room, StoreError> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS files, CAST(COALESCE(SUM(size), 0) AS BIGINT) AS bytes \
             FROM uploads WHERE application_reference = $1 AND draft_token_index = ''",
        )
        .bind(reference)
        .fetch_one(&mut *connection)
        .await?;
        Ok(Room::of(
            row.try_get("files")?,
            row.try_get("bytes")?,
            size,
            allowance,
        ))
    }

    /// Every file uploaded for an application, oldest first.
    pub async fn case_uploads(&self, reference: &str) -> Result<Vec<CaseUpload>, StoreError> {
        let rows = sqlx::query(
            "SELECT document, content_type, size, storage_key, created_at FROM uploads \
             WHERE application_reference = $1 ORDER BY id",
        )
        .bind(reference.trim().to_ascii_uppercase())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(CaseUpload {
                    document: DocumentKind::parse(&row.try_get::<String, _>("document")?),
                    content_type: row.try_get("content_type")?,
                    size: row.try_get("size")?,
                    storage_key: row.try_get("storage_key")?,
                    uploaded_at: OffsetDateTime::from_unix_timestamp(row.try_get("created_at")?)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                })
            })
            .collect()
    }
}

//! Applications being filled in. The draft's token is the secret in its link; the store keeps
//! only a keyed hash of it, and the draft's contents sealed.

use std::fmt;
use std::str::FromStr;

use rand::RngCore;

use crate::db::Store;
use crate::error::StoreError;

/// Drafts untouched for this long are removed by housekeeping.
pub const DRAFT_LIFETIME_DAYS: i64 = 30;

/// The secret part of a draft's link: 128 random bits as 32 hex digits.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct DraftToken(String);

impl DraftToken {
    pub fn generate() -> DraftToken {
        let mut bytes = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        DraftToken(hex::encode(bytes))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for DraftToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DraftToken({}…)", &self.0[..4])
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a draft token")]
pub struct NotADraftToken;

impl FromStr for DraftToken {
    type Err = NotADraftToken;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if text.len() == 32
            && text
                .chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        {
            Ok(DraftToken(text.to_owned()))
        } else {
            Err(NotADraftToken)
        }
    }
}

impl Store {
    /// Starts a draft with its first contents (JSON).
    pub async fn create_draft(&self, data: &str) -> Result<DraftToken, StoreError> {
        let token = DraftToken::generate();
        let now = self.now_unix();
        sqlx::query(
            "INSERT INTO application_drafts (token_index, data_sealed, created_at, updated_at) VALUES ($1, $2, $3, $3)",
        )
        .bind(self.data_key().index(token.as_str()))
        .bind(self.data_key().seal(data)?)
        .bind(now)
        .execute(self.pool())
        .await?;
        Ok(token)
    }

    pub async fn load_draft(&self, token: &DraftToken) -> Result<Option<String>, StoreError> {
        let sealed: Option<String> =
            sqlx::query_scalar("SELECT data_sealed FROM application_drafts WHERE token_index = $1")
                .bind(self.data_key().index(token.as_str()))
                .fetch_optional(self.pool())
                .await?;
        sealed.map(|s| self.data_key().open(&s)).transpose()
    }

    pub async fn save_draft(&self, token: &DraftToken, data: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE application_drafts SET data_sealed = $1, updated_at = $2 WHERE token_index = $3")
            .bind(self.data_key().seal(data)?)
            .bind(self.now_unix())
            .bind(self.data_key().index(token.as_str()))
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Removes drafts nobody has touched for [`DRAFT_LIFETIME_DAYS`]; returns how many.
    ///
    /// The files uploaded with them and never sent go too: their rows are removed and their
    /// storage keys queued for deletion from the file store ([`Store::files_to_delete`]), in the
    /// same transaction, so no file outlives its draft unnoticed whatever fails afterwards.
    pub async fn remove_stale_drafts(&self) -> Result<u64, StoreError> {
        let now = self.now_unix();
        let cutoff = now - DRAFT_LIFETIME_DAYS * 24 * 3600;
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "INSERT INTO file_deletions (storage_key, queued_at) \
             SELECT u.storage_key, $1 FROM uploads u \
             JOIN application_drafts d ON d.token_index = u.draft_token_index \
             WHERE d.updated_at < $2 AND u.application_reference IS NULL \
             ON CONFLICT (storage_key) DO NOTHING",
        )
        .bind(now)
        .bind(cutoff)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "DELETE FROM uploads WHERE application_reference IS NULL AND draft_token_index IN \
             (SELECT token_index FROM application_drafts WHERE updated_at < $1)",
        )
        .bind(cutoff)
        .execute(&mut *tx)
        .await?;
        let done = sqlx::query("DELETE FROM application_drafts WHERE updated_at < $1")
            .bind(cutoff)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if done > 0 {
            // Residents' data removed by the retention rule is on the record, by the job.
            let detail =
                serde_json::json!({ "drafts": done, "lifetime_days": DRAFT_LIFETIME_DAYS })
                    .to_string();
            self.append_audit(
                &mut tx,
                crate::audit::AuditEntry {
                    actor: casework::Actor::system(casework::Actor::HOUSEKEEPING),
                    action: "drafts.expire",
                    subject: "",
                    detail: &detail,
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(done)
    }
}

/// A document uploaded with a draft, as its pages list it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftUpload {
    pub document: String,
    pub content_type: String,
    pub size: i64,
}

/// Where an uploaded file is kept and what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile<'a> {
    pub document: &'a str,
    pub storage_key: &'a str,
    pub content_type: &'a str,
    pub size: i64,
    pub sha256: &'a str,
}

/// How many files, and how many stored bytes, one draft (or one case's to-do list) may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadAllowance {
    pub max_files: i64,
    pub max_bytes: i64,
}

impl Default for UploadAllowance {
    /// 20 files and 30 MiB: a household's documents, photographed page by page and shrunk by
    /// the browser to well under 1 MB each, with room to spare.
    fn default() -> Self {
        Self {
            max_files: 20,
            max_bytes: 30 * 1024 * 1024,
        }
    }
}

/// Whether one more file fits, and why not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Room {
    /// It fits (the file was recorded, when recording).
    Fits,
    /// The draft or list holds `max_files` already.
    TooManyFiles,
    /// The file would take the stored bytes over `max_bytes`.
    OverQuota,
    /// There is no such draft (any more).
    NoDraft,
}

impl Room {
    pub(crate) fn of(count: i64, bytes: i64, adding: i64, allowance: UploadAllowance) -> Room {
        if count >= allowance.max_files {
            Room::TooManyFiles
        } else if bytes.saturating_add(adding) > allowance.max_bytes {
            Room::OverQuota
        } else {
            Room::Fits
        }
    }
}

impl Store {
    /// Whether a draft has room for a file of `size` bytes (0: for any file at all), before the
    /// file is read and decoded. [`Store::record_upload`] checks again when it records.
    pub async fn draft_upload_room(
        &self,
        token: &DraftToken,
        size: i64,
        allowance: UploadAllowance,
    ) -> Result<Room, StoreError> {
        use sqlx::Row;
        let row = sqlx::query(
            "SELECT COUNT(*) AS files, CAST(COALESCE(SUM(size), 0) AS BIGINT) AS bytes \
             FROM uploads WHERE draft_token_index = $1",
        )
        .bind(self.data_key().index(token.as_str()))
        .fetch_one(self.pool())
        .await?;
        Ok(Room::of(
            row.try_get("files")?,
            row.try_get("bytes")?,
            size,
            allowance,
        ))
    }

    /// Records a file kept in the file store as one of the draft's uploads, when the draft has
    /// room for it; one transaction that holds the draft's row, so parallel uploads to one draft
    /// are counted one after the other on either database.
    pub async fn record_upload(
        &self,
        token: &DraftToken,
        file: StoredFile<'_>,
        allowance: UploadAllowance,
    ) -> Result<Room, StoreError> {
        use sqlx::Row;
        let index = self.data_key().index(token.as_str());
        let now = self.now_unix();
        let mut tx = self.write_tx().await?;
        // Takes the draft's row lock on PostgreSQL (SQLite's write transaction is already
        // alone); an upload is also activity that keeps the draft alive.
        let touched =
            sqlx::query("UPDATE application_drafts SET updated_at = $1 WHERE token_index = $2")
                .bind(now)
                .bind(&index)
                .execute(&mut *tx)
                .await?;
        if touched.rows_affected() != 1 {
            return Ok(Room::NoDraft);
        }
        let row = sqlx::query(
            "SELECT COUNT(*) AS files, CAST(COALESCE(SUM(size), 0) AS BIGINT) AS bytes \
             FROM uploads WHERE draft_token_index = $1",
        )
        .bind(&index)
        .fetch_one(&mut *tx)
        .await?;
        let room = Room::of(
            row.try_get("files")?,
            row.try_get("bytes")?,
            file.size,
            allowance,
        );
        if room != Room::Fits {
            return Ok(room);
        }
        sqlx::query(
            "INSERT INTO uploads (draft_token_index, document, storage_key, content_type, size, sha256, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&index)
        .bind(file.document)
        .bind(file.storage_key)
        .bind(file.content_type)
        .bind(file.size)
        .bind(file.sha256)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Room::Fits)
    }

    pub async fn draft_uploads(&self, token: &DraftToken) -> Result<Vec<DraftUpload>, StoreError> {
        use sqlx::Row;
        let rows = sqlx::query(
            "SELECT document, content_type, size FROM uploads WHERE draft_token_index = $1 ORDER BY id",
        )
        .bind(self.data_key().index(token.as_str()))
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(DraftUpload {
                    document: r.try_get("document")?,
                    content_type: r.try_get("content_type")?,
                    size: r.try_get("size")?,
                })
            })
            .collect()
    }

    /// Links a sent draft's uploads to its application. Safe to repeat. Submitting a draft
    /// (`Store::submit_draft_application`) links them in its own transaction; this is for
    /// a file recorded while that submission was under way.
    pub async fn attach_uploads(
        &self,
        token: &DraftToken,
        reference: &str,
    ) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "UPDATE uploads SET application_reference = $1 WHERE draft_token_index = $2",
        )
        .bind(reference)
        .bind(self.data_key().index(token.as_str()))
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected())
    }
}

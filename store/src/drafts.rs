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
    pub async fn remove_stale_drafts(&self) -> Result<u64, StoreError> {
        let cutoff = self.now_unix() - DRAFT_LIFETIME_DAYS * 24 * 3600;
        let done = sqlx::query("DELETE FROM application_drafts WHERE updated_at < $1")
            .bind(cutoff)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected())
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

impl Store {
    pub async fn record_upload(
        &self,
        token: &DraftToken,
        file: StoredFile<'_>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO uploads (draft_token_index, document, storage_key, content_type, size, sha256, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(self.data_key().index(token.as_str()))
        .bind(file.document)
        .bind(file.storage_key)
        .bind(file.content_type)
        .bind(file.size)
        .bind(file.sha256)
        .bind(self.now_unix())
        .execute(self.pool())
        .await?;
        Ok(())
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

    /// Links a sent draft's uploads to its application. Safe to repeat.
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

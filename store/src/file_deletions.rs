//! The queue of stored files to delete once their rows are gone (the uploads of drafts never
//! sent). The per-client count of uploads is one of the shared limits (`rate_limits`).

use crate::db::Store;
use crate::error::StoreError;

impl Store {
    /// The storage key of every uploaded file the database knows of, oldest first (a key
    /// rotation moves each of them to the new key).
    pub async fn stored_file_keys(&self) -> Result<Vec<String>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT storage_key FROM uploads ORDER BY id")
                .fetch_all(self.pool())
                .await?,
        )
    }

    /// Storage keys of files to delete from the file store, oldest first, at most `limit`.
    pub async fn files_to_delete(&self, limit: i64) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT storage_key FROM file_deletions ORDER BY queued_at, storage_key LIMIT $1",
        )
        .bind(limit)
        .fetch_all(self.pool())
        .await?)
    }

    /// The file is gone from the file store: its entry in the queue goes too.
    pub async fn file_deleted(&self, storage_key: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM file_deletions WHERE storage_key = $1")
            .bind(storage_key)
            .execute(self.pool())
            .await?;
        Ok(())
    }
}

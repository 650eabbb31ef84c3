//! What bounds uploads across every instance: the hourly count of uploads begun per client,
//! and the queue of stored files to delete once their rows are gone.

use crate::db::Store;
use crate::error::StoreError;

/// The window of the per-client upload limit.
pub const UPLOAD_WINDOW_SECONDS: i64 = 3600;

impl Store {
    /// Counts an upload begun by `client` (its address, or whatever the caller keys clients
    /// by; only a keyed hash is stored) when it has begun fewer than `per_hour` in the last hour;
    /// `false`, and nothing counted, when it has not. Refused uploads count too: the limit bounds
    /// the work a client can cause, not what it keeps.
    pub async fn count_upload_attempt(
        &self,
        client: &str,
        per_hour: u32,
    ) -> Result<bool, StoreError> {
        let now = self.now_unix();
        let done = sqlx::query(
            "INSERT INTO upload_attempts (client_index, at) SELECT $1, $2 \
             WHERE (SELECT COUNT(*) FROM upload_attempts WHERE client_index = $1 AND at > $3) < $4",
        )
        .bind(self.data_key().index(&format!("upload client:{client}")))
        .bind(now)
        .bind(now - UPLOAD_WINDOW_SECONDS)
        .bind(i64::from(per_hour))
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Forgets upload attempts older than the window; returns how many.
    pub async fn forget_old_upload_attempts(&self) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM upload_attempts WHERE at <= $1")
            .bind(self.now_unix() - UPLOAD_WINDOW_SECONDS)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected())
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

//! Server-side session records. The web layer owns the cookie; this is only their persistence.

use sqlx::Row;

use crate::db::Store;
use crate::error::StoreError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub id: String,
    /// Opaque to the store: the web layer's serialized session data.
    pub data: String,
    pub expires_at: i64,
}

impl Store {
    pub async fn save_session(&self, record: &SessionRecord) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sessions (id, data, expires_at) VALUES ($1, $2, $3) \
             ON CONFLICT (id) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at",
        )
        .bind(&record.id)
        .bind(&record.data)
        .bind(record.expires_at)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Inserts a new session; `false` when the id already exists (the caller draws another).
    pub async fn create_session(&self, record: &SessionRecord) -> Result<bool, StoreError> {
        let result = sqlx::query(
            "INSERT INTO sessions (id, data, expires_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING",
        )
        .bind(&record.id)
        .bind(&record.data)
        .bind(record.expires_at)
        .execute(self.pool())
        .await?;
        Ok(result.rows_affected() == 1)
    }

    /// A session that has not expired by the store's clock.
    pub async fn load_session(&self, id: &str) -> Result<Option<SessionRecord>, StoreError> {
        let row = sqlx::query(
            "SELECT id, data, expires_at FROM sessions WHERE id = $1 AND expires_at > $2",
        )
        .bind(id)
        .bind(self.now_unix())
        .fetch_optional(self.pool())
        .await?;
        row.map(|row| {
            Ok(SessionRecord {
                id: row.try_get("id")?,
                data: row.try_get("data")?,
                expires_at: row.try_get("expires_at")?,
            })
        })
        .transpose()
    }

    pub async fn delete_session(&self, id: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Removes expired sessions; returns how many.
    pub async fn delete_expired_sessions(&self) -> Result<u64, StoreError> {
        let result = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(self.now_unix())
            .execute(self.pool())
            .await?;
        Ok(result.rows_affected())
    }
}

//! Messages to people (SMS), queued in the same transaction as the change they announce and sent
//! afterwards by a dispatcher, so a message is never lost when the provider is down and never
//! announces something that was rolled back.

use sqlx::{Any, Row, Transaction};

use crate::db::Store;
use crate::error::StoreError;

/// A message waiting to be sent, opened for the dispatcher.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingMessage {
    pub id: i64,
    pub channel: String,
    pub recipient: String,
    /// JSON: a template name and its values; the dispatcher renders the text.
    pub body: String,
    pub attempts: i64,
}

pub const SMS: &str = "sms";

impl Store {
    pub(crate) async fn queue_message(
        &self,
        tx: &mut Transaction<'static, Any>,
        recipient: &str,
        body: &str,
    ) -> Result<(), StoreError> {
        let now = self.now_unix();
        sqlx::query(
            "INSERT INTO outbox (channel, recipient_sealed, body_sealed, created_at, next_attempt_at) VALUES ($1, $2, $3, $4, $4)",
        )
        .bind(SMS)
        .bind(self.data_key().seal(recipient)?)
        .bind(self.data_key().seal(body)?)
        .bind(now)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// Messages due for a (first or next) attempt, oldest first.
    pub async fn due_messages(&self, limit: i64) -> Result<Vec<PendingMessage>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, channel, recipient_sealed, body_sealed, attempts FROM outbox \
             WHERE sent_at IS NULL AND next_attempt_at <= $1 ORDER BY id LIMIT $2",
        )
        .bind(self.now_unix())
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(PendingMessage {
                    id: row.try_get("id")?,
                    channel: row.try_get("channel")?,
                    recipient: self
                        .data_key()
                        .open(&row.try_get::<String, _>("recipient_sealed")?)?,
                    body: self
                        .data_key()
                        .open(&row.try_get::<String, _>("body_sealed")?)?,
                    attempts: row.try_get("attempts")?,
                })
            })
            .collect()
    }

    pub async fn mark_message_sent(&self, id: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE outbox SET sent_at = $1, attempts = attempts + 1, last_error = NULL WHERE id = $2")
            .bind(self.now_unix())
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Records a failed attempt; the message is tried again after `retry_in_seconds`.
    pub async fn mark_message_failed(
        &self,
        id: i64,
        error: &str,
        retry_in_seconds: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE outbox SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2 WHERE id = $3",
        )
        .bind(error)
        .bind(self.now_unix() + retry_in_seconds)
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(())
    }
}

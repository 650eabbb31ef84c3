//! Messages to people (SMS), queued in the same transaction as the change they announce and sent
//! afterwards by a dispatcher, so a message is never lost when the provider is down and never
//! announces something that was rolled back.

use casework::CaseState;
use sqlx::{Any, Row, Transaction};

use crate::db::{Backend, Store};
use crate::error::StoreError;

/// What a queued message says: a template and its values, kept (sealed) as JSON with the
/// template's name in `template`. The dispatcher renders the text when it sends, so a message
/// goes out in the wording of the day it is sent.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "template", rename_all = "snake_case")]
pub enum OutboxMessage {
    /// The receipt of a new application: its reference and access code, and, for an emergency,
    /// when the advance assistance is due (Unix seconds).
    ApplicationReceived {
        reference: String,
        access_code: String,
        advance_due_at: Option<i64>,
    },
    /// A case moved to a new state.
    CaseState { reference: String, state: CaseState },
    /// Staff wrote to the applicant about the case.
    CaseMessage { reference: String },
    /// A code for tracking by phone.
    OneTimeCode { code: String },
    /// 主动告知: department data suggest the household may get a programme; how to check and
    /// apply, and the code that stops these messages.
    DiscoveryNotice {
        programme: rules::ProgrammeId,
        stop_code: String,
    },
    /// A person decided on the month's re-check of the household's assistance: what, and (for
    /// an adjustment) the new monthly amount in fen; the text gives the way to object.
    RecipientDecision {
        reference: String,
        decision: casework::Decision,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        amount_fen: Option<i64>,
    },
    /// To staff on duty: a new emergency in their county, and when its advance is due.
    DutyAlert {
        reference: String,
        urgency: rules::Urgency,
        advance_due_at: i64,
    },
    /// To the county's supervisors: an emergency nobody has accepted for this many minutes.
    DutyEscalation { reference: String, minutes: i64 },
    /// To the resident: the partner a case was referred to answered (helped or not); the
    /// tracking page says what and why.
    ReferralOutcome { reference: String, helped: bool },
    /// To the referring caseworker, then to the supervisors: a referral's answer is overdue.
    ReferralOverdue {
        reference: String,
        partner: String,
        escalated: bool,
    },
    /// The monthly re-check offers a direct transfer: where to answer it.
    TransferOffer {
        reference: String,
        programme: rules::ProgrammeId,
    },
}

/// A message waiting to be sent, opened for the dispatcher.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingMessage {
    pub id: i64,
    pub channel: String,
    pub recipient: String,
    /// JSON of an [`OutboxMessage`]; read it with [`PendingMessage::message`].
    pub body: String,
    pub attempts: i64,
}

impl PendingMessage {
    /// What the message says; an error for a body that is not an [`OutboxMessage`] (an unknown
    /// template, a value missing or of the wrong kind).
    pub fn message(&self) -> Result<OutboxMessage, serde_json::Error> {
        serde_json::from_str(&self.body)
    }
}

pub const SMS: &str = "sms";

impl Store {
    pub(crate) async fn queue_message(
        &self,
        tx: &mut Transaction<'static, Any>,
        recipient: &str,
        message: &OutboxMessage,
    ) -> Result<(), StoreError> {
        let body = serde_json::to_string(message)
            .map_err(|e| StoreError::Corrupt(format!("an outbox message: {e}")))?;
        let body = body.as_str();
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

    /// Messages due for a (first or next) attempt, oldest first, read without claiming them (for
    /// tests and inspection; dispatchers use [`Store::claim_due_messages`]).
    pub async fn due_messages(&self, limit: i64) -> Result<Vec<PendingMessage>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, channel, recipient_sealed, body_sealed, attempts FROM outbox \
             WHERE sent_at IS NULL AND quarantined_at IS NULL AND next_attempt_at <= $1 ORDER BY id LIMIT $2",
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

    /// Claims up to `limit` messages due for a (first or next) attempt, oldest first, for
    /// `lease_seconds`: no other dispatcher takes them until the lease runs out (then the claimer
    /// is taken to have died, and they can be claimed again). On PostgreSQL rows another instance is
    /// claiming at this moment are skipped, not waited for (`FOR UPDATE SKIP LOCKED`); on SQLite the
    /// write lock of `BEGIN IMMEDIATE` lets one claimer through at a time.
    ///
    /// A row that does not open with the data key is quarantined here, with the reason, and left
    /// out: it never stops the others.
    pub async fn claim_due_messages(
        &self,
        instance: &InstanceId,
        limit: i64,
        lease_seconds: i64,
    ) -> Result<Vec<PendingMessage>, StoreError> {
        let now = self.now_unix();
        let due = "SELECT id FROM outbox WHERE sent_at IS NULL AND quarantined_at IS NULL \
                   AND next_attempt_at <= $3 AND (lease_until IS NULL OR lease_until <= $3) \
                   ORDER BY id LIMIT $4";
        let skip_locked = match self.backend() {
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let claim = format!(
            "UPDATE outbox SET claimed_by = $1, lease_until = $2 WHERE id IN ({due}{skip_locked}) \
             RETURNING id, channel, recipient_sealed, body_sealed, attempts"
        );
        let mut tx = self.write_tx().await?;
        let rows = sqlx::query(&claim)
            .bind(instance.as_str())
            .bind(now + lease_seconds)
            .bind(now)
            .bind(limit)
            .fetch_all(&mut *tx)
            .await?;
        tx.commit().await?;
        let mut claimed = Vec::with_capacity(rows.len());
        for row in &rows {
            let id: i64 = row.try_get("id")?;
            let opened = (|| -> Result<PendingMessage, StoreError> {
                Ok(PendingMessage {
                    id,
                    channel: row.try_get("channel")?,
                    recipient: self
                        .data_key()
                        .open(&row.try_get::<String, _>("recipient_sealed")?)?,
                    body: self
                        .data_key()
                        .open(&row.try_get::<String, _>("body_sealed")?)?,
                    attempts: row.try_get("attempts")?,
                })
            })();
            match opened {
                Ok(message) => claimed.push(message),
                Err(e) => {
                    tracing::error!(id, error = %e, "an outbox message cannot be opened; set aside");
                    self.quarantine_message(id, instance, &e.to_string())
                        .await?;
                }
            }
        }
        claimed.sort_by_key(|m| m.id);
        Ok(claimed)
    }

    /// Marks a claimed message delivered. `false` when this instance no longer holds the claim
    /// (its lease ran out and another instance took the message).
    pub async fn mark_message_sent(
        &self,
        id: i64,
        instance: &InstanceId,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE outbox SET sent_at = $1, attempts = attempts + 1, last_error = NULL, \
             claimed_by = NULL, lease_until = NULL WHERE id = $2 AND claimed_by = $3 AND sent_at IS NULL",
        )
        .bind(self.now_unix())
        .bind(id)
        .bind(instance.as_str())
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Records a failed attempt and gives up the claim; the message is tried again after
    /// `retry_in_seconds`, by whichever instance claims it then.
    pub async fn mark_message_failed(
        &self,
        id: i64,
        instance: &InstanceId,
        error: &str,
        retry_in_seconds: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE outbox SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2, \
             claimed_by = NULL, lease_until = NULL WHERE id = $3 AND claimed_by = $4",
        )
        .bind(error)
        .bind(self.now_unix() + retry_in_seconds)
        .bind(id)
        .bind(instance.as_str())
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Gives a claimed message back unsent and untried (its batch ran out of lease time): any
    /// instance may claim it again at once.
    pub async fn release_message(&self, id: i64, instance: &InstanceId) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE outbox SET claimed_by = NULL, lease_until = NULL \
             WHERE id = $1 AND claimed_by = $2 AND sent_at IS NULL",
        )
        .bind(id)
        .bind(instance.as_str())
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Sets a message aside for good, with the reason (it cannot be opened or has no text): it
    /// is never claimed again, an operator finds it by `quarantined_at`, and the audit log
    /// records it by the dispatcher.
    pub async fn quarantine_message(
        &self,
        id: i64,
        instance: &InstanceId,
        reason: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.write_tx().await?;
        let set_aside = sqlx::query(
            "UPDATE outbox SET quarantined_at = $1, last_error = $2, claimed_by = NULL, \
             lease_until = NULL WHERE id = $3 AND claimed_by = $4",
        )
        .bind(self.now_unix())
        .bind(reason)
        .bind(id)
        .bind(instance.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if set_aside > 0 {
            // A message that will never be sent is on the record, by the dispatcher.
            let detail = serde_json::json!({ "reason": reason }).to_string();
            self.append_audit(
                &mut tx,
                crate::audit::AuditEntry {
                    actor: casework::Actor::system(casework::Actor::SMS_DISPATCHER),
                    action: "sms.quarantine",
                    subject: &id.to_string(),
                    detail: &detail,
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The messages set aside: (id, reason), oldest first.
    pub async fn quarantined_messages(&self) -> Result<Vec<(i64, String)>, StoreError> {
        sqlx::query(
            "SELECT id, last_error FROM outbox WHERE quarantined_at IS NOT NULL ORDER BY id",
        )
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|row| {
            Ok((
                row.try_get("id")?,
                row.try_get::<Option<String>, _>("last_error")?
                    .unwrap_or_default(),
            ))
        })
        .collect()
    }
}

/// Who holds a claim on outbox rows: one running instance of the portal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceId(String);

impl InstanceId {
    /// A new id for this process: its host name (when known), process id and a random part,
    /// so an operator can tell from `claimed_by` which machine holds a message.
    pub fn for_this_process() -> Self {
        let host = std::env::var("HOSTNAME")
            .ok()
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| "portal".to_owned());
        let mut random = [0u8; 4];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut random);
        Self(format!(
            "{host}-{}-{}",
            std::process::id(),
            hex::encode(random)
        ))
    }

    /// A given id (tests, or an operator's naming).
    pub fn named(name: &str) -> Self {
        Self(name.to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pending(body: &str) -> PendingMessage {
        PendingMessage {
            id: 1,
            channel: SMS.into(),
            recipient: "13800138000".into(),
            body: body.into(),
            attempts: 0,
        }
    }

    #[test]
    fn bodies_queued_before_the_typed_messages_still_read() {
        // As `serde_json::json!` wrote them: keys in alphabetical order.
        let cases = [
            (
                r#"{"access_code":"12345678","advance_due_at":1767225600,"reference":"JSJ-2026-000001","template":"application_received"}"#,
                OutboxMessage::ApplicationReceived {
                    reference: "JSJ-2026-000001".into(),
                    access_code: "12345678".into(),
                    advance_due_at: Some(1_767_225_600),
                },
            ),
            (
                r#"{"access_code":"12345678","advance_due_at":null,"reference":"JSJ-2026-000001","template":"application_received"}"#,
                OutboxMessage::ApplicationReceived {
                    reference: "JSJ-2026-000001".into(),
                    access_code: "12345678".into(),
                    advance_due_at: None,
                },
            ),
            (
                r#"{"reference":"JSJ-2026-000001","state":"home_visit","template":"case_state"}"#,
                OutboxMessage::CaseState {
                    reference: "JSJ-2026-000001".into(),
                    state: CaseState::HomeVisit,
                },
            ),
            (
                r#"{"reference":"JSJ-2026-000001","template":"case_message"}"#,
                OutboxMessage::CaseMessage {
                    reference: "JSJ-2026-000001".into(),
                },
            ),
            (
                r#"{"code":"012345","template":"one_time_code"}"#,
                OutboxMessage::OneTimeCode {
                    code: "012345".into(),
                },
            ),
        ];
        for (body, expected) in cases {
            assert_eq!(
                pending(body).message().ok(),
                Some(expected.clone()),
                "{body}"
            );
            let written = serde_json::to_string(&expected).expect("JSON");
            let as_before: serde_json::Value = serde_json::from_str(body).expect("JSON");
            assert_eq!(
                serde_json::from_str::<serde_json::Value>(&written).expect("JSON"),
                as_before,
                "the same JSON as before"
            );
        }
    }

    #[test]
    fn a_body_that_is_no_message_is_an_error() {
        for body in [
            r#"{"template":"nope"}"#,
            r#"{"reference":"JSJ-2026-000001"}"#,
            r#"{"template":"case_state","reference":"JSJ-2026-000001"}"#,
            r#"{"template":"case_state","reference":"JSJ-2026-000001","state":"lost"}"#,
            r#"{"template":"one_time_code","code":123456}"#,
            "not JSON",
        ] {
            assert!(pending(body).message().is_err(), "{body}");
        }
    }
}

//! 主动告知 by SMS: a candidate household's head is told what help may exist and how to apply,
//! once a year at most, with a code that stops these messages; a number that stopped them gets
//! none again.

use discovery::Candidate;
use rand::Rng;
use sqlx::{Any, Transaction};

use crate::db::Store;
use crate::error::StoreError;
use crate::outbox::OutboxMessage;

/// The bureau's settings for new candidates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoticeSettings {
    /// Tell candidates by SMS (the bureau's choice; off unless set).
    pub sms: bool,
    /// Working days a visit is due within.
    pub visit_days: i64,
}

/// A number is told at most once in this long.
const NOTICE_EVERY_SECONDS: i64 = 365 * 24 * 3600;
/// Stop codes: 8 characters a person can type from a text message (no 0/O, 1/I).
const STOP_CODE_CHARS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// A stop code as typed: upper-cased, spaces and dashes left out.
pub fn normalise_stop_code(text: &str) -> Option<String> {
    let code: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (code.len() == 8 && code.bytes().all(|b| STOP_CODE_CHARS.contains(&b))).then_some(code)
}

/// The keyed hash a stop code is found by.
pub(crate) fn stop_code_index(key: &crate::sealed::DataKey, code: &str) -> String {
    key.index(&format!("stop code\u{1f}{code}"))
}

impl Store {
    /// Queues the notice for a new candidate when the settings, the head's number and the
    /// number's history allow; answers whether it did.
    pub(super) async fn notify_candidate(
        &self,
        tx: &mut Transaction<'static, Any>,
        candidate_id: i64,
        candidate: &Candidate,
        settings: &NoticeSettings,
    ) -> Result<bool, StoreError> {
        if !settings.sms {
            return Ok(false);
        }
        let Some(phone) = candidate
            .evidence
            .members
            .iter()
            .find_map(|m| m.phone.as_deref())
            .and_then(|p| p.parse::<identity::MobileNumber>().ok())
        else {
            return Ok(false);
        };
        let phone_index = self.phone_index(&phone);
        let now = self.now_unix();
        let (opted_out, told): (i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM discovery_opt_outs WHERE phone_index = $1), \
             (SELECT COUNT(*) FROM discovery_stop_codes WHERE phone_index = $1 AND created_at > $2)",
        )
        .bind(phone_index.as_str())
        .bind(now - NOTICE_EVERY_SECONDS)
        .fetch_one(&mut **tx)
        .await?;
        if opted_out > 0 || told > 0 {
            return Ok(false);
        }
        let code: String = {
            let mut rng = rand::thread_rng();
            (0..8)
                .map(|_| STOP_CODE_CHARS[rng.gen_range(0..STOP_CODE_CHARS.len())] as char)
                .collect()
        };
        sqlx::query(
            "INSERT INTO discovery_stop_codes (code_index, code_sealed, phone_index, phone_sealed, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(stop_code_index(self.data_key(), &code))
        .bind(self.data_key().seal(&code)?)
        .bind(phone_index.as_str())
        .bind(self.data_key().seal(phone.as_str())?)
        .bind(now)
        .execute(&mut **tx)
        .await?;
        self.queue_message(
            tx,
            phone.as_str(),
            &OutboxMessage::DiscoveryNotice {
                programme: candidate.programme,
                stop_code: code,
            },
        )
        .await?;
        sqlx::query("UPDATE discovery_candidates SET notified_at = $1 WHERE id = $2")
            .bind(now)
            .bind(candidate_id)
            .execute(&mut **tx)
            .await?;
        Ok(true)
    }

    /// Stops the notices to the number a code was sent to. Answers false for a code never sent.
    pub async fn discovery_opt_out(&self, code: &str) -> Result<bool, StoreError> {
        let Some(code) = normalise_stop_code(code) else {
            return Ok(false);
        };
        let mut tx = self.write_tx().await?;
        let phone: Option<(String, String)> = sqlx::query_as(
            "SELECT phone_index, phone_sealed FROM discovery_stop_codes WHERE code_index = $1",
        )
        .bind(stop_code_index(self.data_key(), &code))
        .fetch_optional(&mut *tx)
        .await?;
        let Some((phone_index, phone_sealed)) = phone else {
            return Ok(false);
        };
        sqlx::query(
            "INSERT INTO discovery_opt_outs (phone_index, phone_sealed, opted_out_at) VALUES ($1, $2, $3) ON CONFLICT (phone_index) DO NOTHING",
        )
        .bind(&phone_index)
        .bind(&phone_sealed)
        .bind(self.now_unix())
        .execute(&mut *tx)
        .await?;
        self.append_audit(
            &mut tx,
            crate::audit::AuditEntry {
                actor: casework::Actor::Applicant,
                action: "discovery.opt_out",
                subject: "discovery_notice",
                detail: "{}",
            },
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }
}

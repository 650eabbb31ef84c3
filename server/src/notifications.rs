//! Sends the messages the store queued in its outbox (SMS), through a provider: the log provider
//! by default, which writes each message's reference to the log instead of sending it, for
//! machines with no SMS gateway. A failed send is retried later with growing pauses; nothing is
//! dropped.

use std::sync::Arc;
use std::time::Duration;

use app::i18n::{tr, Lang};
use store::outbox::PendingMessage;
use store::Store;

/// Where messages go.
#[async_trait::async_trait]
pub trait SmsProvider: Send + Sync {
    async fn send(&self, to: &str, text: &str) -> Result<(), String>;
}

/// Logs that a message would be sent, with the number masked and without the text (which holds
/// an access code).
pub struct LogProvider;

#[async_trait::async_trait]
impl SmsProvider for LogProvider {
    async fn send(&self, to: &str, text: &str) -> Result<(), String> {
        let masked = to
            .parse::<identity::MobileNumber>()
            .map(|m| m.masked())
            .unwrap_or_else(|_| "***".to_owned());
        tracing::info!(to = %masked, chars = text.chars().count(), "SMS (log provider: not sent)");
        Ok(())
    }
}

/// How often the outbox is looked at.
const POLL: Duration = Duration::from_secs(2);
const BATCH: i64 = 50;

/// Runs for the life of the process.
pub fn spawn_dispatcher(store: Store, provider: Arc<dyn SmsProvider>) {
    tokio::spawn(async move {
        loop {
            if let Err(e) = dispatch_due(&store, provider.as_ref()).await {
                tracing::warn!(error = %e, "could not read the outbox");
            }
            tokio::time::sleep(POLL).await;
        }
    });
}

/// Sends every message due now; returns how many were sent.
pub async fn dispatch_due(
    store: &Store,
    provider: &dyn SmsProvider,
) -> Result<usize, store::StoreError> {
    let mut sent = 0;
    for message in store.due_messages(BATCH).await? {
        let Some(text) = render(Lang::Zh, &message) else {
            tracing::error!(
                id = message.id,
                "an outbox message with an unknown template"
            );
            store
                .mark_message_failed(message.id, "unknown template", 24 * 3600)
                .await?;
            continue;
        };
        match provider.send(&message.recipient, &text).await {
            Ok(()) => {
                store.mark_message_sent(message.id).await?;
                sent += 1;
            }
            Err(e) => {
                tracing::warn!(id = message.id, error = %e, "SMS not sent; will retry");
                store
                    .mark_message_failed(message.id, &e, retry_pause(message.attempts))
                    .await?;
            }
        }
    }
    Ok(sent)
}

/// 30 s, 2 min, 4.5 min, … up to an hour between attempts.
fn retry_pause(attempts: i64) -> i64 {
    (30 * (attempts + 1).pow(2)).min(3600)
}

/// The text of a queued message. SMS go out in Chinese: the recipient's language is not known
/// when the message is queued.
pub fn render(lang: Lang, message: &PendingMessage) -> Option<String> {
    let body: serde_json::Value = serde_json::from_str(&message.body).ok()?;
    match body["template"].as_str()? {
        "application_received" => {
            let reference = body["reference"].as_str()?;
            let code = body["access_code"].as_str()?;
            let text = tr::sms_application_received(lang, reference, code);
            Some(if body["advance_due_at"].is_number() {
                format!("{text}{}", tr::sms_advance_soon(lang))
            } else {
                text
            })
        }
        "case_state" => {
            let reference = body["reference"].as_str()?;
            let state = app::track::status_label(lang, body["state"].as_str()?);
            Some(tr::sms_case_state(lang, reference, state))
        }
        "one_time_code" => Some(tr::resident_sms_one_time_code(lang, body["code"].as_str()?)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(body: serde_json::Value) -> PendingMessage {
        PendingMessage {
            id: 1,
            channel: "sms".into(),
            recipient: "13800138000".into(),
            body: body.to_string(),
            attempts: 0,
        }
    }

    #[test]
    fn the_receipt_sms_carries_the_reference_and_code() {
        let text = render(
            Lang::Zh,
            &message(
                serde_json::json!({"template":"application_received","reference":"JSJ-2026-000001",
                "access_code":"12345678","advance_due_at":null}),
            ),
        )
        .unwrap_or_default();
        assert!(
            text.contains("JSJ-2026-000001") && text.contains("12345678"),
            "{text}"
        );
        assert!(render(Lang::Zh, &message(serde_json::json!({"template":"nope"}))).is_none());
        let step = render(
            Lang::Zh,
            &message(serde_json::json!({"template":"case_state","reference":"JSJ-2026-000001","state":"accepted"})),
        )
        .unwrap_or_default();
        assert!(
            step.contains("JSJ-2026-000001") && step.contains("已受理"),
            "{step}"
        );
    }

    #[test]
    fn the_one_time_code_sms_carries_the_code() {
        let text = render(
            Lang::Zh,
            &message(serde_json::json!({"template":"one_time_code","code":"123456"})),
        )
        .unwrap_or_default();
        assert!(text.contains("验证码：123456"), "{text}");
    }

    #[test]
    fn retries_slow_down_but_keep_going() {
        assert_eq!(retry_pause(0), 30);
        assert_eq!(retry_pause(1), 120);
        assert_eq!(retry_pause(100), 3600);
    }
}

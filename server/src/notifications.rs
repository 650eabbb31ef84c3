//! Sends the messages the store queued in its outbox (SMS), through a provider: the HTTP webhook
//! of a real SMS gateway when one is configured, else the log provider, which writes each
//! message's reference to the log instead of sending it, for machines with no SMS gateway. A
//! failed send is retried later with growing pauses; nothing is dropped.

use std::sync::Arc;
use std::time::Duration;

use app::i18n::{tr, Lang};
use axum::http::HeaderValue;
use casework::Decision;
use futures::stream::{self, StreamExt};
use store::outbox::{InstanceId, OutboxMessage, PendingMessage};
use store::Store;

/// One message to send. `id` is its outbox row, the same on every retry, so a gateway can drop
/// a duplicate (say, when the answer to a delivered message was lost).
#[derive(Clone, Copy)]
pub struct Sms<'a> {
    pub id: i64,
    pub to: &'a str,
    pub text: &'a str,
}

/// Why a message was not sent; it is tried again later. Never holds the message text.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    #[error("the SMS gateway answered HTTP {0}")]
    Refused(u16),
    #[error("the SMS gateway could not be reached: {0}")]
    Unreachable(String),
    #[error("{0}")]
    Failed(String),
}

/// Where messages go.
#[async_trait::async_trait]
pub trait SmsProvider: Send + Sync {
    async fn send(&self, sms: &Sms<'_>) -> Result<(), SendError>;
}

/// Logs that a message would be sent, with the number masked and without the text (which holds
/// an access code).
pub struct LogProvider;

#[async_trait::async_trait]
impl SmsProvider for LogProvider {
    async fn send(&self, sms: &Sms<'_>) -> Result<(), SendError> {
        tracing::info!(id = sms.id, to = %masked(sms.to), chars = sms.text.chars().count(), "SMS (log provider: not sent)");
        Ok(())
    }
}

fn masked(to: &str) -> String {
    to.parse::<identity::MobileNumber>()
        .map(|m| m.masked())
        .unwrap_or_else(|_| "***".to_owned())
}

/// The address of the SMS gateway's webhook: an absolute `http://` or `https://` URL with a host.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookUrl(reqwest::Url);

/// Scheme and host only: a gateway may take a key in the path or query.
impl std::fmt::Debug for WebhookUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "WebhookUrl({}://{}/…)",
            self.0.scheme(),
            self.0.host_str().unwrap_or_default()
        )
    }
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum WebhookUrlError {
    #[error("not a URL ({0}); expected e.g. https://sms.example.gov.cn/send")]
    Malformed(String),
    #[error("the SMS webhook must be an http:// or https:// address")]
    Scheme,
    #[error("the SMS webhook address has no host")]
    NoHost,
}

impl std::str::FromStr for WebhookUrl {
    type Err = WebhookUrlError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let url =
            reqwest::Url::parse(s.trim()).map_err(|e| WebhookUrlError::Malformed(e.to_string()))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(WebhookUrlError::Scheme);
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(WebhookUrlError::NoHost);
        }
        Ok(Self(url))
    }
}

impl WebhookUrl {
    /// Plain http to another machine: the texts (with access codes) would cross the network
    /// unencrypted.
    pub fn is_plain_http_off_machine(&self) -> bool {
        let host = self.0.host_str().unwrap_or_default();
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let loopback = host == "localhost"
            || host
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback());
        self.0.scheme() == "http" && !loopback
    }
}

#[derive(Debug, thiserror::Error)]
pub enum WebhookSetupError {
    #[error("PORTAL_SMS_WEBHOOK_TOKEN is not usable in an HTTP header (control characters or non-ASCII)")]
    Token,
    #[error("cannot set up the HTTP client for the SMS webhook: {0}")]
    Client(String),
}

/// Posts each message as JSON `{"to":…,"text":…,"id":…}` to the gateway's webhook, with the
/// configured bearer token. A 2xx answer means delivered; any other answer, a timeout (10 s) or a
/// network error means failed, and the dispatcher tries again later.
pub struct WebhookProvider {
    client: reqwest::Client,
    url: WebhookUrl,
    authorization: Option<HeaderValue>,
}

pub const WEBHOOK_TIMEOUT: Duration = Duration::from_secs(10);

impl WebhookProvider {
    pub fn new(url: WebhookUrl, token: Option<&str>) -> Result<Self, WebhookSetupError> {
        let authorization = token
            .map(|token| {
                let mut value = HeaderValue::from_str(&format!("Bearer {}", token.trim()))
                    .map_err(|_| WebhookSetupError::Token)?;
                value.set_sensitive(true);
                Ok(value)
            })
            .transpose()?;
        let client = reqwest::Client::builder()
            .timeout(WEBHOOK_TIMEOUT)
            // A redirect is not a delivery; following it would also carry the text elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| WebhookSetupError::Client(e.to_string()))?;
        Ok(Self {
            client,
            url,
            authorization,
        })
    }
}

#[derive(serde::Serialize)]
struct WebhookBody<'a> {
    to: &'a str,
    text: &'a str,
    id: i64,
}

#[async_trait::async_trait]
impl SmsProvider for WebhookProvider {
    async fn send(&self, sms: &Sms<'_>) -> Result<(), SendError> {
        let mut request = self.client.post(self.url.0.clone()).json(&WebhookBody {
            to: sms.to,
            text: sms.text,
            id: sms.id,
        });
        if let Some(authorization) = &self.authorization {
            request = request.header(reqwest::header::AUTHORIZATION, authorization.clone());
        }
        // The error and the gateway's answer are never logged with the URL or the body: either may
        // echo the text or a key.
        let response = request
            .send()
            .await
            .map_err(|e| SendError::Unreachable(network_reason(&e)))?;
        let status = response.status();
        if status.is_success() {
            tracing::info!(id = sms.id, to = %masked(sms.to), "SMS handed to the gateway");
            Ok(())
        } else {
            Err(SendError::Refused(status.as_u16()))
        }
    }
}

/// Why a request got no answer, with the causes (refused, reset, DNS…) but without the URL.
fn network_reason(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        return format!("no answer within {} s", WEBHOOK_TIMEOUT.as_secs());
    }
    let mut reason = String::from(if error.is_connect() {
        "cannot connect"
    } else {
        "the request failed"
    });
    let mut cause = std::error::Error::source(error);
    while let Some(e) = cause {
        reason.push_str(": ");
        reason.push_str(&e.to_string());
        cause = e.source();
    }
    reason
}

/// The webhook provider when a gateway is configured, else the log provider.
pub fn provider_from(config: &crate::Config) -> Result<Arc<dyn SmsProvider>, WebhookSetupError> {
    let Some(url) = &config.sms_webhook_url else {
        tracing::info!(
            "no SMS gateway configured (PORTAL_SMS_WEBHOOK_URL): messages are logged, not sent"
        );
        return Ok(Arc::new(LogProvider));
    };
    if url.is_plain_http_off_machine() {
        tracing::warn!("the SMS webhook is plain http to another machine: message texts cross the network unencrypted");
    }
    let token = config.sms_webhook_token.as_ref().map(|t| t.0.as_str());
    Ok(Arc::new(WebhookProvider::new(url.clone(), token)?))
}

/// How often the outbox is looked at.
const POLL: Duration = Duration::from_secs(2);
/// Messages claimed at a time.
const BATCH: i64 = 50;
const BATCH_SIZE: usize = BATCH as usize;
/// Messages sent at the same time: enough to keep a slow gateway busy, few enough not to flood it.
pub const PARALLEL_SENDS: usize = 4;
/// How long a claim holds by default (`PORTAL_SMS_LEASE_SECONDS`). After it, the messages of a
/// dispatcher that died are claimed again by another instance. A live dispatcher starts no new send
/// from its batch once half the lease has gone and gives the rest back, so with a lease of at least
/// twice the webhook's timeout it never loses a claim mid-send.
pub const LEASE_SECONDS: i64 = 300;

/// Runs until the returned handle is aborted: for the life of the portal
/// ([`crate::application::Application`] stops it when it stops).
pub fn spawn_dispatcher(
    store: Store,
    provider: Arc<dyn SmsProvider>,
    lease_seconds: i64,
) -> tokio::task::JoinHandle<()> {
    let instance = InstanceId::for_this_process();
    tracing::info!(instance = instance.as_str(), "sending SMS from the outbox");
    tokio::spawn(async move {
        loop {
            match dispatch_claimed_for(&store, provider.as_ref(), &instance, lease_seconds).await {
                // A whole batch went out: more may be waiting (a burst of applications), so the
                // next batch is claimed at once instead of after the pause.
                Ok(sent) if sent >= BATCH_SIZE => continue,
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "could not read the outbox"),
            }
            tokio::time::sleep(POLL).await;
        }
    })
}

/// [`dispatch_due_as`] under this process's instance id.
pub async fn dispatch_due(
    store: &Store,
    provider: &dyn SmsProvider,
) -> Result<usize, store::StoreError> {
    static INSTANCE: std::sync::OnceLock<InstanceId> = std::sync::OnceLock::new();
    dispatch_due_as(
        store,
        provider,
        INSTANCE.get_or_init(InstanceId::for_this_process),
    )
    .await
}

/// Claims the messages due now (one batch) and sends them, [`PARALLEL_SENDS`] at a time; returns
/// how many were delivered. A message that has no text (unknown template, missing values) is
/// quarantined with the reason; one the gateway refuses is tried again later.
pub async fn dispatch_due_as(
    store: &Store,
    provider: &dyn SmsProvider,
    instance: &InstanceId,
) -> Result<usize, store::StoreError> {
    dispatch_claimed_for(store, provider, instance, LEASE_SECONDS).await
}

/// [`dispatch_due_as`] with a lease of `lease_seconds`: once half of it has gone, the messages of
/// the batch not yet started are given back instead of sent, so no send outlives the claim.
pub async fn dispatch_claimed_for(
    store: &Store,
    provider: &dyn SmsProvider,
    instance: &InstanceId,
    lease_seconds: i64,
) -> Result<usize, store::StoreError> {
    let claimed = store
        .claim_due_messages(instance, BATCH, lease_seconds)
        .await?;
    let half_lease = Duration::from_secs(u64::try_from(lease_seconds / 2).unwrap_or(1).max(1));
    let stop_starting = tokio::time::Instant::now() + half_lease;
    let outcomes: Vec<Result<bool, store::StoreError>> = stream::iter(claimed)
        .map(|message| async move {
            if tokio::time::Instant::now() >= stop_starting {
                store.release_message(message.id, instance).await?;
                return Ok(false);
            }
            send_one(store, provider, instance, message).await
        })
        .buffer_unordered(PARALLEL_SENDS)
        .collect()
        .await;
    let mut sent = 0;
    for outcome in outcomes {
        if outcome? {
            sent += 1;
        }
    }
    Ok(sent)
}

/// Sends one claimed message and records what happened; `true` when it was delivered.
async fn send_one(
    store: &Store,
    provider: &dyn SmsProvider,
    instance: &InstanceId,
    message: PendingMessage,
) -> Result<bool, store::StoreError> {
    let Some(text) = render(Lang::Zh, &message) else {
        tracing::error!(
            id = message.id,
            "an outbox message with an unknown template or missing values; set aside"
        );
        store
            .quarantine_message(
                message.id,
                instance,
                "no text: unknown template or missing values",
            )
            .await?;
        return Ok(false);
    };
    let sms = Sms {
        id: message.id,
        to: &message.recipient,
        text: &text,
    };
    match provider.send(&sms).await {
        Ok(()) => {
            if !store.mark_message_sent(message.id, instance).await? {
                tracing::warn!(
                    id = message.id,
                    "sent after this instance's claim ran out; another instance may send it too"
                );
            }
            Ok(true)
        }
        Err(e) => {
            tracing::warn!(id = message.id, error = %e, "SMS not sent; will retry");
            store
                .mark_message_failed(
                    message.id,
                    instance,
                    &e.to_string(),
                    retry_pause(message.attempts),
                )
                .await?;
            Ok(false)
        }
    }
}

/// 30 s, 2 min, 4.5 min, … up to an hour between attempts.
fn retry_pause(attempts: i64) -> i64 {
    (30 * (attempts + 1).pow(2)).min(3600)
}

/// The text of a queued message, `None` when its body is not an [`OutboxMessage`] (an unknown
/// template, a value missing). SMS go out in Chinese: the recipient's language is not known when
/// the message is queued.
pub fn render(lang: Lang, message: &PendingMessage) -> Option<String> {
    message.message().ok().map(|m| text_of(lang, &m))
}

/// The text of a message.
pub fn text_of(lang: Lang, message: &OutboxMessage) -> String {
    match message {
        OutboxMessage::ApplicationReceived {
            reference,
            access_code,
            advance_due_at,
        } => {
            let text = tr::sms_application_received(lang, reference, access_code);
            match advance_due_at {
                Some(_) => format!("{text}{}", tr::sms_advance_soon(lang)),
                None => text,
            }
        }
        OutboxMessage::CaseState { reference, state } => {
            tr::sms_case_state(lang, reference, app::track::status_label(lang, *state))
        }
        OutboxMessage::CaseMessage { reference } => tr::sms_case_message_text(lang, reference),
        OutboxMessage::OneTimeCode { code } => tr::resident_sms_one_time_code(lang, code),
        OutboxMessage::DiscoveryNotice {
            programme,
            stop_code,
        } => tr::sms_discovery_notice(lang, app::programme_name(lang, *programme), stop_code),
        OutboxMessage::RecipientDecision {
            reference,
            decision,
            amount_fen,
        } => match decision {
            Decision::Continue => tr::sms_recipient_continue(lang, reference),
            Decision::Adjust => tr::sms_recipient_adjust(
                lang,
                reference,
                app::i18n::format_yuan(amount_fen.unwrap_or(0) as f64 / 100.0),
            ),
            Decision::Suspend => tr::sms_recipient_suspend(lang, reference),
            Decision::Stop => tr::sms_recipient_stop(lang, reference),
        },
        OutboxMessage::TransferOffer {
            reference,
            programme,
        } => tr::sms_transfer_offer(lang, app::programme_name(lang, *programme), reference),
        OutboxMessage::DutyAlert {
            reference,
            urgency,
            advance_due_at,
        } => {
            let due = app::i18n::format_date_time(lang, *advance_due_at);
            match urgency {
                rules::Urgency::Critical => tr::sms_duty_alert_critical(lang, reference, due),
                rules::Urgency::Urgent => tr::sms_duty_alert_urgent(lang, reference, due),
            }
        }
        OutboxMessage::DutyEscalation { reference, minutes } => {
            tr::sms_duty_escalation(lang, reference, minutes)
        }
        OutboxMessage::ReferralOutcome { reference, helped } => {
            if *helped {
                tr::sms_referral_helped(lang, reference)
            } else {
                tr::sms_referral_declined(lang, reference)
            }
        }
        OutboxMessage::ReferralOverdue {
            reference,
            partner,
            escalated,
        } => {
            if *escalated {
                tr::sms_referral_escalated(lang, reference, partner)
            } else {
                tr::sms_referral_reminder(lang, reference, partner)
            }
        }
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
    fn a_webhook_address_is_an_http_url_with_a_host() {
        let url: WebhookUrl = "https://sms.example.gov.cn/send?key=k"
            .parse()
            .expect("https");
        assert!(!url.is_plain_http_off_machine());
        assert!(!format!("{url:?}").contains("key"), "{url:?}");
        let local: WebhookUrl = "http://127.0.0.1:3218/sms".parse().expect("local http");
        assert!(!local.is_plain_http_off_machine());
        assert!("http://[::1]:9/sms"
            .parse::<WebhookUrl>()
            .is_ok_and(|u| !u.is_plain_http_off_machine()));
        assert!("http://relay.internal/sms"
            .parse::<WebhookUrl>()
            .is_ok_and(|u| u.is_plain_http_off_machine()));
        assert_eq!(
            "ftp://sms.example/send".parse::<WebhookUrl>(),
            Err(WebhookUrlError::Scheme)
        );
        assert!(matches!(
            "sms.example/send".parse::<WebhookUrl>(),
            Err(WebhookUrlError::Malformed(_))
        ));
    }

    #[test]
    fn a_token_that_cannot_be_a_header_stops_the_start() {
        let url: WebhookUrl = "http://127.0.0.1:9/sms".parse().expect("url");
        assert!(matches!(
            WebhookProvider::new(url.clone(), Some("bad\ntoken")),
            Err(WebhookSetupError::Token)
        ));
        assert!(WebhookProvider::new(url, Some("good-token")).is_ok());
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
    fn every_message_the_store_queues_has_a_text() {
        let reference = "JSJ-2026-000007".to_owned();
        let messages = [
            OutboxMessage::ApplicationReceived {
                reference: reference.clone(),
                access_code: "87654321".into(),
                advance_due_at: None,
            },
            OutboxMessage::CaseState {
                reference: reference.clone(),
                state: casework::CaseState::Approved,
            },
            OutboxMessage::CaseMessage {
                reference: reference.clone(),
            },
        ];
        for message in &messages {
            let text = text_of(Lang::Zh, message);
            assert!(text.contains(&reference), "{text}");
        }
        let plain = text_of(Lang::Zh, &messages[0]);
        let with_advance = text_of(
            Lang::Zh,
            &OutboxMessage::ApplicationReceived {
                reference: reference.clone(),
                access_code: "87654321".into(),
                advance_due_at: Some(1_767_225_600),
            },
        );
        assert!(
            with_advance.starts_with(&plain) && with_advance.len() > plain.len(),
            "{with_advance}"
        );
        // A body in the typed form renders as the one written by hand did.
        let typed = serde_json::to_value(&messages[1]).expect("JSON");
        assert_eq!(
            render(Lang::Zh, &message(typed)),
            Some(text_of(Lang::Zh, &messages[1]))
        );
    }

    #[test]
    fn retries_slow_down_but_keep_going() {
        assert_eq!(retry_pause(0), 30);
        assert_eq!(retry_pause(1), 120);
        assert_eq!(retry_pause(100), 3600);
    }
}

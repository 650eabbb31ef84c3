//! The webhook SMS provider against a local gateway that fails once, then accepts.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Json;
use serde_json::Value;
use server::notifications::{dispatch_due, SendError, Sms, SmsProvider, WebhookProvider};
use store::on_both_databases;
use store::testing::TestDatabase;

use crate::common::{full_example, TestServer};

const TOKEN: &str = "gateway-token-2026";

/// One request to the gateway: its Authorization header and its JSON body.
type Received = (Option<String>, Value);

/// What the gateway was sent.
#[derive(Clone, Default)]
struct Sink {
    received: Arc<Mutex<Vec<Received>>>,
    answered: Arc<AtomicUsize>,
}

impl Sink {
    /// Listens on a free port; answers 500 to the first request and 200 after.
    async fn start(&self) -> String {
        let sink = self.clone();
        let app = axum::Router::new().route(
            "/sms",
            post(move |headers: HeaderMap, Json(body): Json<Value>| {
                let sink = sink.clone();
                async move {
                    let authorization = headers
                        .get("authorization")
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned);
                    sink.received
                        .lock()
                        .expect("lock")
                        .push((authorization, body));
                    if sink.answered.fetch_add(1, Ordering::SeqCst) == 0 {
                        StatusCode::INTERNAL_SERVER_ERROR
                    } else {
                        StatusCode::OK
                    }
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let address = listener.local_addr().expect("address");
        tokio::spawn(async move { axum::serve(listener, app).await });
        format!("http://{address}/sms")
    }

    fn received(&self) -> Vec<Received> {
        self.received.lock().expect("lock").clone()
    }
}

async fn the_receipt_reaches_the_gateway_once_after_a_failure(db: TestDatabase) {
    let server = TestServer::start(db).await;
    let sink = Sink::default();
    let url = sink.start().await;
    let receipt: Value = server
        .client
        .post(server.url("/api/v1/applications"))
        .header("idempotency-key", "0b6e1f5c-3f0e-4c59-9d8e-2f0c2b7c9a11")
        .header("content-type", "application/json")
        .body(full_example().to_string())
        .send()
        .await
        .expect("POST")
        .json()
        .await
        .expect("a receipt");
    let reference = receipt["reference"].as_str().expect("a reference");
    let code = receipt["access_code"].as_str().expect("an access code");

    let provider = WebhookProvider::new(url.parse().expect("a webhook URL"), Some(TOKEN))
        .expect("the provider");
    let dispatch = || dispatch_due(&server.store, &provider);
    assert_eq!(dispatch().await.expect("outbox"), 0, "the gateway failed");
    assert_eq!(sink.received().len(), 1);
    assert_eq!(dispatch().await.expect("outbox"), 0, "not before the pause");
    assert_eq!(sink.received().len(), 1);
    server.clock.advance(time::Duration::seconds(31));
    assert_eq!(dispatch().await.expect("outbox"), 1, "sent on the retry");
    server.clock.advance(time::Duration::hours(2));
    assert_eq!(dispatch().await.expect("outbox"), 0, "marked sent");

    let received = sink.received();
    assert_eq!(received.len(), 2, "one failed attempt, one delivery");
    let id = received[0].1["id"].as_i64().expect("the outbox id");
    for (authorization, body) in &received {
        assert_eq!(authorization.as_deref(), Some("Bearer gateway-token-2026"));
        assert_eq!(body["to"], "13800138000");
        assert_eq!(body["id"].as_i64(), Some(id), "the same id on a retry");
        let text = body["text"].as_str().unwrap_or_default();
        assert!(text.contains(reference) && text.contains(code), "{text}");
        assert_eq!(body.as_object().map(|o| o.len()), Some(3), "{body}");
    }
}

on_both_databases!(
    webhook_sqlite,
    webhook_postgres,
    the_receipt_reaches_the_gateway_once_after_a_failure
);

#[tokio::test]
async fn an_unreachable_gateway_is_a_failure_to_retry() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("address");
    drop(listener);
    let provider = WebhookProvider::new(
        format!("http://{address}/sms").parse().expect("a URL"),
        None,
    )
    .expect("the provider");
    let sent = provider
        .send(&Sms {
            id: 1,
            to: "13800138000",
            text: "访问码 12345678",
        })
        .await;
    match sent {
        Err(SendError::Unreachable(reason)) => {
            assert!(!reason.contains("12345678"), "{reason}")
        }
        other => panic!("expected a network failure, got {other:?}"),
    }
}

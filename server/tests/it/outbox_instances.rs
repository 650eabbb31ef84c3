//! Two dispatchers over one outbox, as two instances of the portal run them: every message is
//! delivered exactly once, and a row that cannot be opened or rendered is set aside while the
//! others still go.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use casework::{read_application, IdempotencyKey};
use server::notifications::{dispatch_due_as, SendError, Sms, SmsProvider};
use store::on_both_databases;
use store::outbox::InstanceId;
use store::testing::{example_application, test_data_key, TestDatabase};
use store::Store;

/// Counts deliveries per outbox id, and lets other tasks run mid-send, as a network call would.
#[derive(Default)]
struct CountingProvider {
    delivered: Mutex<HashMap<i64, u32>>,
}

#[async_trait::async_trait]
impl SmsProvider for CountingProvider {
    async fn send(&self, sms: &Sms<'_>) -> Result<(), SendError> {
        tokio::task::yield_now().await;
        *self
            .delivered
            .lock()
            .map_err(|e| SendError::Failed(e.to_string()))?
            .entry(sms.id)
            .or_default() += 1;
        tokio::task::yield_now().await;
        Ok(())
    }
}

async fn submit(store: &Store, n: u32) {
    let application =
        read_application(&example_application("13800138000", serde_json::Value::Null))
            .expect("valid");
    let key: IdempotencyKey = format!("00000000-0000-4000-8000-{n:012}")
        .parse()
        .expect("key");
    store
        .submit_application(&application, &key, &n.to_string())
        .await
        .expect("stored");
}

/// Dispatches until the outbox has nothing left to send, at most a bounded number of rounds.
/// A round that claims nothing while messages remain (the other instance holds them) waits a
/// moment for the other to finish.
async fn drain(store: Store, provider: Arc<CountingProvider>, name: &'static str) {
    let me = InstanceId::named(name);
    for _ in 0..2000 {
        dispatch_due_as(&store, provider.as_ref(), &me)
            .await
            .expect("the outbox can be read");
        if store.due_messages(1).await.expect("outbox").is_empty() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("the outbox did not drain");
}

async fn two_instances_deliver_every_message_once(db: TestDatabase) {
    let first = db.store().await;
    let second = db.store().await;
    for n in 1..=60 {
        submit(&first, n).await;
        if n == 20 {
            // A row that does not open with the key, and one whose text cannot be made.
            db.execute_raw(
                "INSERT INTO outbox (channel, recipient_sealed, body_sealed, created_at, next_attempt_at) \
                 VALUES ('sms', 'garbage', 'garbage', 0, 0)",
            )
            .await;
            let key = test_data_key();
            db.execute_raw(&format!(
                "INSERT INTO outbox (channel, recipient_sealed, body_sealed, created_at, next_attempt_at) \
                 VALUES ('sms', '{}', '{}', 0, 0)",
                key.seal("13800138000").expect("seal"),
                key.seal(r#"{"template":"no_such_template"}"#).expect("seal")
            ))
            .await;
        }
    }
    let provider = Arc::new(CountingProvider::default());
    let a = tokio::spawn(drain(first.clone(), provider.clone(), "instance-a"));
    let b = tokio::spawn(drain(second.clone(), provider.clone(), "instance-b"));
    a.await.expect("instance a");
    b.await.expect("instance b");

    let delivered = provider.delivered.lock().expect("lock").clone();
    assert_eq!(delivered.len(), 60, "every receipt SMS went out");
    let twice: Vec<_> = delivered.iter().filter(|(_, n)| **n != 1).collect();
    assert!(twice.is_empty(), "delivered more than once: {twice:?}");
    let quarantined = first.quarantined_messages().await.expect("list");
    assert_eq!(quarantined.len(), 2, "{quarantined:?}");
    assert!(quarantined
        .iter()
        .all(|(id, _)| !delivered.contains_key(id)));
    assert!(
        quarantined[1].1.contains("unknown template"),
        "{quarantined:?}"
    );
}

on_both_databases!(
    exactly_once_sqlite,
    exactly_once_postgres,
    two_instances_deliver_every_message_once
);

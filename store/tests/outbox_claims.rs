//! The SMS outbox over several instances: a message is claimed by one dispatcher at a time, a
//! claim whose lease ran out (its instance died) is taken over, and a row that cannot be opened
//! is set aside with its reason instead of stopping every message behind it.

use std::sync::Arc;

use casework::{read_application, IdempotencyKey};
use store::clock::ManualClock;
use store::on_both_databases;
use store::outbox::InstanceId;
use store::testing::{example_application, TestDatabase};
use store::Store;

const LEASE: i64 = 300;

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

async fn a_claim_holds_until_its_lease_runs_out(db: TestDatabase) {
    let clock = ManualClock::new(time::OffsetDateTime::now_utc());
    let first = db.store_with_clock(Arc::new(clock.clone())).await;
    let second = db.store_with_clock(Arc::new(clock.clone())).await;
    for n in 1..=3 {
        submit(&first, n).await;
    }
    let (a, b) = (InstanceId::named("a"), InstanceId::named("b"));

    let claimed = first
        .claim_due_messages(&a, 10, LEASE)
        .await
        .expect("claim");
    assert_eq!(claimed.len(), 3);
    assert!(
        second
            .claim_due_messages(&b, 10, LEASE)
            .await
            .expect("claim")
            .is_empty(),
        "another instance does not get messages already claimed"
    );

    // Instance a dies without sending; after its lease, b takes the messages over.
    clock.advance(time::Duration::seconds(LEASE + 1));
    let taken = second
        .claim_due_messages(&b, 10, LEASE)
        .await
        .expect("claim");
    assert_eq!(
        taken.iter().map(|m| m.id).collect::<Vec<_>>(),
        claimed.iter().map(|m| m.id).collect::<Vec<_>>()
    );
    assert!(
        !first
            .mark_message_sent(claimed[0].id, &a)
            .await
            .expect("mark"),
        "a claim that ran out no longer counts"
    );
    for message in &taken {
        assert!(second
            .mark_message_sent(message.id, &b)
            .await
            .expect("mark"));
    }
    clock.advance(time::Duration::seconds(LEASE + 1));
    assert!(first
        .claim_due_messages(&a, 10, LEASE)
        .await
        .expect("claim")
        .is_empty());
}

on_both_databases!(
    lease_sqlite,
    lease_postgres,
    a_claim_holds_until_its_lease_runs_out
);

async fn a_row_that_cannot_be_opened_is_set_aside_and_the_rest_go(db: TestDatabase) {
    let store = db.store().await;
    submit(&store, 1).await;
    db.execute_raw(
        "INSERT INTO outbox (channel, recipient_sealed, body_sealed, created_at, next_attempt_at) \
         VALUES ('sms', 'not sealed at all', 'garbage', 0, 0)",
    )
    .await;
    submit(&store, 2).await;
    let me = InstanceId::named("a");

    let claimed = store
        .claim_due_messages(&me, 10, LEASE)
        .await
        .expect("claim");
    assert_eq!(claimed.len(), 2, "both good messages, around the bad one");
    let quarantined = store.quarantined_messages().await.expect("list");
    assert_eq!(quarantined.len(), 1);
    assert!(
        quarantined[0].1.contains("not base64"),
        "the reason is kept: {:?}",
        quarantined[0]
    );
    assert!(claimed.iter().all(|m| m.id != quarantined[0].0));
    let set_aside = store.audit_records(None).await.expect("audit");
    let set_aside = set_aside.last().expect("an entry");
    assert_eq!(
        (
            set_aside.actor.clone(),
            set_aside.action.as_str(),
            set_aside.subject.clone()
        ),
        (
            Some(casework::Actor::system(casework::Actor::SMS_DISPATCHER)),
            "sms.quarantine",
            quarantined[0].0.to_string()
        )
    );
    for message in &claimed {
        assert!(store
            .mark_message_sent(message.id, &me)
            .await
            .expect("mark"));
    }
    assert!(
        store.due_messages(10).await.expect("outbox").is_empty(),
        "the set-aside row is not due any more"
    );
}

on_both_databases!(
    quarantine_sqlite,
    quarantine_postgres,
    a_row_that_cannot_be_opened_is_set_aside_and_the_rest_go
);

async fn a_released_message_is_claimed_again_at_once(db: TestDatabase) {
    let store = db.store().await;
    let other = db.store().await;
    submit(&store, 1).await;
    let (a, b) = (InstanceId::named("a"), InstanceId::named("b"));
    let claimed = store
        .claim_due_messages(&a, 10, LEASE)
        .await
        .expect("claim");
    assert_eq!(claimed.len(), 1);
    // Another instance cannot give back what it does not hold.
    other
        .release_message(claimed[0].id, &b)
        .await
        .expect("release");
    assert!(other
        .claim_due_messages(&b, 10, LEASE)
        .await
        .expect("claim")
        .is_empty());
    // The holder gives it back unsent (its batch ran short of lease): b takes it at once.
    store
        .release_message(claimed[0].id, &a)
        .await
        .expect("release");
    let taken = other
        .claim_due_messages(&b, 10, LEASE)
        .await
        .expect("claim");
    assert_eq!(
        taken.iter().map(|m| m.id).collect::<Vec<_>>(),
        vec![claimed[0].id]
    );
    assert_eq!(taken[0].attempts, 0, "giving back is not an attempt");
}
on_both_databases!(
    released_sqlite,
    released_postgres,
    a_released_message_is_claimed_again_at_once
);

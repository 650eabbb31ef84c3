//! Rate-limit counters in the database and partner API keys, on both backends.

use std::sync::Arc;

use casework::Actor;
use store::api_keys::ApiKeyError;
use store::clock::ManualClock;
use store::on_both_databases;
use store::rate_limits::RateLimit;
use store::testing::TestDatabase;

const LIMIT: RateLimit = RateLimit {
    name: "test",
    allowance: 3,
    window_seconds: 60,
};

async fn hits_count_up_per_subject_and_window(db: TestDatabase) {
    let start = time::OffsetDateTime::from_unix_timestamp(1_800_000_000).expect("a time");
    let clock = ManualClock::new(start);
    let store = db.store_with_clock(Arc::new(clock.clone())).await;
    let mut counts = Vec::new();
    for _ in 0..4 {
        let hit = store.hit_limit(LIMIT, "a").await.expect("hit");
        counts.push((hit.count, hit.allowed()));
    }
    assert_eq!(counts, vec![(1, true), (2, true), (3, true), (4, false)]);
    let other = store.hit_limit(LIMIT, "b").await.expect("hit");
    assert_eq!(other.count, 1, "each subject counts alone");
    let retry = store.hit_limit(LIMIT, "a").await.expect("hit").retry_after;
    assert!((1..=60).contains(&retry), "{retry}");

    // A hit given back no longer counts.
    let hit = store.hit_limit(LIMIT, "c").await.expect("hit");
    store.give_back(&hit).await.expect("give back");
    assert_eq!(store.hit_limit(LIMIT, "c").await.expect("hit").count, 1);

    // A new window starts from nothing; the old one is swept.
    clock.advance(time::Duration::seconds(60));
    assert_eq!(store.hit_limit(LIMIT, "a").await.expect("hit").count, 1);
    assert_eq!(store.sweep_rate_limits().await.expect("sweep"), 3);
    assert_eq!(store.sweep_rate_limits().await.expect("sweep"), 0);
}

on_both_databases!(
    hits_sqlite,
    hits_postgres,
    hits_count_up_per_subject_and_window
);

async fn parallel_hits_are_never_lost(db: TestDatabase) {
    let store = db.store().await;
    let tasks: Vec<_> = (0..40)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move { store.hit_limit(LIMIT, "racer").await.expect("hit").count })
        })
        .collect();
    let mut counts = Vec::new();
    for task in tasks {
        counts.push(task.await.expect("task"));
    }
    counts.sort_unstable();
    assert_eq!(
        counts,
        (1..=40).collect::<Vec<i64>>(),
        "one atomic count each"
    );
}

on_both_databases!(
    parallel_sqlite,
    parallel_postgres,
    parallel_hits_are_never_lost
);

async fn api_keys_are_kept_as_hashes_and_can_be_revoked(db: TestDatabase) {
    let store = db.store().await;
    let cli = Actor::system(Actor::CLI);
    assert!(matches!(
        store.issue_api_key("  ", 5, &cli).await,
        Err(ApiKeyError::EmptyName)
    ));
    let issued = store
        .issue_api_key("12345 热线", 5, &cli)
        .await
        .expect("issue");
    let partner = store
        .partner_for_key(&issued.key)
        .await
        .expect("check")
        .expect("a valid key");
    assert_eq!(
        (partner.name.as_str(), partner.submissions_per_hour),
        ("12345 热线", 5)
    );
    assert_eq!(partner.id, issued.id);
    let stored = db.raw_texts("SELECT key_hash FROM api_keys").await;
    assert!(stored.iter().all(|h| !h.contains(&issued.key)));
    let forged = issued.key.replace(&issued.id, "000000000000");
    assert_eq!(store.partner_for_key(&forged).await.expect("check"), None);
    assert_eq!(
        store.partner_for_key("nonsense").await.expect("check"),
        None
    );
    store
        .revoke_api_key(&issued.id, &cli)
        .await
        .expect("revoke");
    assert_eq!(
        store.partner_for_key(&issued.key).await.expect("check"),
        None
    );
    assert!(matches!(
        store.revoke_api_key(&issued.id, &cli).await,
        Err(ApiKeyError::AlreadyRevoked(_))
    ));
    assert!(matches!(
        store.revoke_api_key("nope", &cli).await,
        Err(ApiKeyError::NotFound(_))
    ));
    let listed = store.api_keys().await.expect("list");
    assert_eq!(listed.len(), 1);
    assert!(listed[0].revoked_at.is_some());
    let actions = db
        .raw_texts("SELECT action FROM audit_log ORDER BY id")
        .await;
    assert_eq!(actions, vec!["api_key.issue", "api_key.revoke"]);
}

on_both_databases!(
    api_keys_sqlite,
    api_keys_postgres,
    api_keys_are_kept_as_hashes_and_can_be_revoked
);

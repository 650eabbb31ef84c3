use std::sync::Arc;

use casework::County;
use store::clock::ManualClock;
use store::on_both_databases;
use store::sessions::SessionRecord;
use store::staff::{Client, CreateStaffError, LoginError, NewStaffUser, Role, MAX_FAILED_LOGINS};
use store::testing::TestDatabase;

fn caseworker(username: &str) -> NewStaffUser {
    NewStaffUser {
        username: username.parse().unwrap(),
        display_name: "王丽".into(),
        role: Role::Caseworker,
        county: County::Qufu,
        password: "correct horse battery".parse().unwrap(),
    }
}

async fn accounts_sign_in_and_lock_after_repeated_failures(db: TestDatabase) {
    let clock = ManualClock::new(time::macros::datetime!(2026-12-01 09:00 UTC));
    let store = db.store_with_clock(Arc::new(clock.clone())).await;
    let created = store
        .create_staff_user(caseworker("wang.li"))
        .await
        .unwrap();
    assert_eq!(
        (created.role, created.county),
        (Role::Caseworker, County::Qufu)
    );
    assert!(matches!(
        store.create_staff_user(caseworker("wang.li")).await,
        Err(CreateStaffError::UsernameTaken(_))
    ));

    let client = Client::new("203.0.113.7", "test browser");
    let signed_in = store
        .check_password("wang.li", "correct horse battery", &client)
        .await
        .unwrap();
    assert_eq!(signed_in.user, created);
    assert!(!signed_in.enrolled, "no app is set up yet");
    assert!(matches!(
        store
            .check_password("nobody", "whatever it is", &client)
            .await,
        Err(LoginError::InvalidCredentials)
    ));

    for _ in 1..MAX_FAILED_LOGINS {
        assert!(matches!(
            store.check_password("wang.li", "wrong", &client).await,
            Err(LoginError::InvalidCredentials)
        ));
    }
    assert!(matches!(
        store.check_password("wang.li", "wrong", &client).await,
        Err(LoginError::LockedOut { .. })
    ));
    // Locked: even the right password is refused until the lockout ends.
    assert!(matches!(
        store
            .check_password("wang.li", "correct horse battery", &client)
            .await,
        Err(LoginError::LockedOut { .. })
    ));
    clock.advance(time::Duration::minutes(16));
    assert!(store
        .check_password("wang.li", "correct horse battery", &client)
        .await
        .is_ok());
}
on_both_databases!(
    accounts_on_sqlite,
    accounts_on_postgres,
    accounts_sign_in_and_lock_after_repeated_failures
);

async fn sessions_expire_by_the_clock(db: TestDatabase) {
    let clock = ManualClock::new(time::macros::datetime!(2026-12-01 09:00 UTC));
    let store = db.store_with_clock(Arc::new(clock.clone())).await;
    let now = clock.now_unix();
    let record = SessionRecord {
        id: "abc".into(),
        data: "{}".into(),
        expires_at: now + 900,
    };
    assert!(store.create_session(&record).await.unwrap());
    assert!(
        !store.create_session(&record).await.unwrap(),
        "a second create with the same id is refused"
    );
    assert_eq!(
        store.load_session("abc").await.unwrap(),
        Some(record.clone())
    );

    let extended = SessionRecord {
        data: r#"{"staff":1}"#.into(),
        expires_at: now + 1800,
        ..record
    };
    store.save_session(&extended).await.unwrap();
    assert_eq!(store.load_session("abc").await.unwrap(), Some(extended));

    clock.advance(time::Duration::minutes(31));
    assert_eq!(store.load_session("abc").await.unwrap(), None);
    assert_eq!(store.delete_expired_sessions().await.unwrap(), 1);
}
on_both_databases!(
    sessions_on_sqlite,
    sessions_on_postgres,
    sessions_expire_by_the_clock
);

trait UnixNow {
    fn now_unix(&self) -> i64;
}
impl UnixNow for ManualClock {
    fn now_unix(&self) -> i64 {
        store::Clock::now(self).unix_timestamp()
    }
}

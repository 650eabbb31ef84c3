//! The audit chain written by several instances at once stays one chain, and its head row makes
//! entries removed from the end visible.

use casework::County;
use store::audit::{AuditHead, AuditVerification};
use store::staff::{NewStaffUser, Role, StaffUser};
use store::testing::TestDatabase;
use store::{on_both_databases, Backend, Store};

async fn staff(store: &Store) -> StaffUser {
    store
        .create_staff_user(NewStaffUser {
            username: "caseworker.li".parse().unwrap(),
            display_name: "李经办".into(),
            role: Role::Caseworker,
            county: County::Rencheng,
            password: "a long caseworker passphrase".parse().unwrap(),
        })
        .await
        .unwrap()
}

async fn two_instances_appending_at_once_keep_one_chain(db: TestDatabase) {
    let first = db.store().await;
    let second = db.store().await;
    let user = staff(&first).await;
    // SQLite lets one writer in at a time and the others wait on its busy timeout: fewer
    // writers there, so a loaded test machine does not run them past it.
    let (writers, entries) = match first.backend() {
        Backend::Postgres => (4, 200),
        Backend::Sqlite => (2, 100),
    };
    let mut tasks = Vec::new();
    for (n, store) in [first.clone(), second.clone()].into_iter().enumerate() {
        for task in 0..writers {
            let store = store.clone();
            let user = user.clone();
            tasks.push(tokio::spawn(async move {
                for i in 0..25 {
                    store
                        .record_staff_read(&user, "case.read", &format!("{n}-{task}-{i}"))
                        .await
                        .expect("appended");
                }
            }));
        }
    }
    for task in tasks {
        task.await.expect("the appender finished");
    }
    assert_eq!(
        second.verify_audit_log().await.expect("verify"),
        AuditVerification::Intact { entries }
    );
    let head = first.audit_head().await.expect("head");
    assert_eq!(head.entries, entries);
    assert_eq!(
        first
            .verify_audit_log_against(Some(&head))
            .await
            .expect("verify"),
        AuditVerification::Intact { entries }
    );
}

on_both_databases!(
    concurrent_sqlite,
    concurrent_postgres,
    two_instances_appending_at_once_keep_one_chain
);

async fn entries_removed_from_the_end_are_found(db: TestDatabase) {
    let store = db.store().await;
    let user = staff(&store).await;
    assert_eq!(
        store.audit_head().await.expect("head").to_string(),
        "0:genesis"
    );
    for i in 0..3 {
        store
            .record_staff_read(&user, "case.read", &i.to_string())
            .await
            .expect("appended");
    }
    let anchored = store.audit_head().await.expect("head");
    let parsed: AuditHead = anchored.to_string().parse().expect("COUNT:HASH");
    assert_eq!(parsed, anchored);

    let remove_last = match store.backend() {
        Backend::Sqlite => {
            "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log)"
        }
        Backend::Postgres => {
            "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only; \
             DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log)"
        }
    };
    db.execute_raw(remove_last).await;
    let AuditVerification::HeadMismatch { recorded, found } =
        store.verify_audit_log().await.expect("verify")
    else {
        panic!("a shortened log is not intact")
    };
    assert_eq!((recorded.entries, found.entries), (3, 2));

    // Someone who also rewinds the head row is caught by the head kept outside the database.
    db.execute_raw(&format!(
        "UPDATE audit_head SET entries = 2, hash = '{}' WHERE id = 1",
        found.hash
    ))
    .await;
    assert_eq!(
        store.verify_audit_log().await.expect("verify"),
        AuditVerification::Intact { entries: 2 }
    );
    assert!(matches!(
        store
            .verify_audit_log_against(Some(&anchored))
            .await
            .expect("verify"),
        AuditVerification::AnchorMismatch { .. }
    ));
}

on_both_databases!(
    truncated_sqlite,
    truncated_postgres,
    entries_removed_from_the_end_are_found
);

#[test]
fn an_anchored_head_is_parsed_strictly() {
    assert!("3:genesis".parse::<AuditHead>().is_err());
    assert!("0:genesis".parse::<AuditHead>().is_ok());
    assert!("x:ab".parse::<AuditHead>().is_err());
    assert!(format!("2:{}", "a".repeat(64)).parse::<AuditHead>().is_ok());
    assert!(format!("2:{}", "g".repeat(64))
        .parse::<AuditHead>()
        .is_err());
}

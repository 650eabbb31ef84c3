use casework::County;
use store::audit::AuditVerification;
use store::staff::{NewStaffUser, Role};
use store::testing::TestDatabase;
use store::{on_both_databases, Backend};

async fn edits_are_versioned_and_every_save_is_in_an_intact_audit_chain(db: TestDatabase) {
    let store = db.store().await;
    let admin = store
        .create_staff_user(NewStaffUser {
            username: "admin.zhang".parse().unwrap(),
            display_name: "张管理".into(),
            role: Role::Admin,
            county: County::Rencheng,
            password: "a long admin passphrase".parse().unwrap(),
        })
        .await
        .unwrap();
    assert_eq!(
        store.verify_audit_log().await.unwrap(),
        AuditVerification::Intact { entries: 0 }
    );

    assert_eq!(
        store
            .save_policy_version_from("dibao", 0, r#"{"v":1}"#, "first", &admin)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        store
            .save_policy_version_from("dibao", 1, r#"{"v":2}"#, "second", &admin)
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        store
            .save_policy_version_from("legal-aid", 0, r#"{"v":1}"#, "other", &admin)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        store.latest_policy_versions().await.unwrap(),
        vec![
            ("dibao".to_owned(), r#"{"v":2}"#.to_owned()),
            ("legal-aid".to_owned(), r#"{"v":1}"#.to_owned())
        ]
    );
    let history = store.policy_history("dibao").await.unwrap();
    assert_eq!(
        history
            .iter()
            .map(|v| (v.version, v.note.as_str()))
            .collect::<Vec<_>>(),
        [(2, "second"), (1, "first")]
    );
    assert_eq!(history[0].editor, "张管理");
    assert_eq!(
        store.verify_audit_log().await.unwrap(),
        AuditVerification::Intact { entries: 3 }
    );

    // The log refuses changes through SQL; someone who gets around that is still found out.
    let tamper = match store.backend() {
        Backend::Sqlite => "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET subject = 'tekun-support' WHERE id = 2",
        Backend::Postgres => {
            "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only; \
             UPDATE audit_log SET subject = 'tekun-support' WHERE id = 2"
        }
    };
    db.execute_raw(tamper).await;
    assert!(matches!(
        store.verify_audit_log().await.unwrap(),
        AuditVerification::Broken { entry_id: 2, .. }
    ));
}
on_both_databases!(
    edits_sqlite,
    edits_postgres,
    edits_are_versioned_and_every_save_is_in_an_intact_audit_chain
);

async fn the_audit_log_refuses_updates_and_deletes(db: TestDatabase) {
    let store = db.store().await;
    let admin = store
        .create_staff_user(NewStaffUser {
            username: "admin.li".parse().unwrap(),
            display_name: "李管理".into(),
            role: Role::Admin,
            county: County::Qufu,
            password: "a long admin passphrase".parse().unwrap(),
        })
        .await
        .unwrap();
    store
        .save_policy_version_from("dibao", 0, "{}", "edit", &admin)
        .await
        .unwrap();
    for sql in [
        "UPDATE audit_log SET subject = 'x'",
        "DELETE FROM audit_log",
    ] {
        assert!(!db.try_execute_raw(sql).await, "{sql} must be refused");
    }
    assert_eq!(
        store.verify_audit_log().await.unwrap(),
        AuditVerification::Intact { entries: 1 }
    );
}
on_both_databases!(
    append_only_sqlite,
    append_only_postgres,
    the_audit_log_refuses_updates_and_deletes
);

async fn a_save_based_on_an_old_version_is_refused(db: TestDatabase) {
    use store::policy_edits::PolicySaveError;
    let store = db.store().await;
    let mut admins = Vec::new();
    for name in ["admin.zhao", "admin.qian"] {
        admins.push(
            store
                .create_staff_user(NewStaffUser {
                    username: name.parse().unwrap(),
                    display_name: name.into(),
                    role: Role::Admin,
                    county: County::Rencheng,
                    password: "a long admin passphrase".parse().unwrap(),
                })
                .await
                .unwrap(),
        );
    }
    let mark = store.policy_edits_mark().await.unwrap();
    // Both opened the content-file version (0); the first save wins.
    assert_eq!(
        store
            .save_policy_version_from("dibao", 0, r#"{"v":"zhao"}"#, "zhao", &admins[0])
            .await
            .unwrap(),
        1
    );
    assert_ne!(store.policy_edits_mark().await.unwrap(), mark);
    assert!(matches!(
        store
            .save_policy_version_from("dibao", 0, r#"{"v":"qian"}"#, "qian", &admins[1])
            .await,
        Err(PolicySaveError::Stale { base: 0, latest: 1 })
    ));
    let latest = store.latest_policy_version("dibao").await.unwrap().unwrap();
    assert_eq!(
        (
            latest.version,
            latest.content.as_str(),
            latest.editor.as_str()
        ),
        (1, r#"{"v":"zhao"}"#, "admin.zhao")
    );
    assert_eq!(
        store
            .save_policy_version_from("dibao", 1, r#"{"v":"qian"}"#, "qian, seen", &admins[1])
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        store
            .policy_version_content("dibao", 1)
            .await
            .unwrap()
            .as_deref(),
        Some(r#"{"v":"zhao"}"#)
    );
}
on_both_databases!(
    stale_sqlite,
    stale_postgres,
    a_save_based_on_an_old_version_is_refused
);

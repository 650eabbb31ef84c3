//! Every audit entry names its actor, and the chain still verifies across the migration that
//! added actors: entries written before it hash as they always did, entries after it also hash
//! their actor, so changing, adding or blanking an actor breaks the chain.

use std::borrow::Cow;

use casework::Actor;
use casework::{read_application, IdempotencyKey};
use sha2::{Digest, Sha256};
use sqlx::Connection;
use store::applications::APPLICANT_ACTOR;
use store::audit::AuditVerification;
use store::testing::{example_application, TestDatabase};
use store::{on_both_databases, Backend};

/// The hash of an entry as the portal wrote it before actors were recorded: six length-prefixed
/// fields, the staff id empty when there was none.
fn hash_before_actors(
    prev: &str,
    at: i64,
    staff: Option<i64>,
    action: &str,
    subject: &str,
    detail: &str,
) -> String {
    let mut hasher = Sha256::new();
    let at = at.to_string();
    let staff = staff.map(|s| s.to_string()).unwrap_or_default();
    for part in [prev, at.as_str(), staff.as_str(), action, subject, detail] {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part.as_bytes());
    }
    hex::encode(hasher.finalize())
}

/// Migrates the database only as far as the portal did before actors were recorded, and writes
/// three entries as it did then.
async fn chain_written_before_actors(db: &TestDatabase) {
    sqlx::any::install_default_drivers();
    let url = db.url.as_str();
    let folder = if url.starts_with("sqlite:") {
        "sqlite"
    } else {
        "postgres"
    };
    let mut migrator = sqlx::migrate::Migrator::new(std::path::Path::new(&format!(
        "{}/migrations/{folder}",
        env!("CARGO_MANIFEST_DIR")
    )))
    .await
    .expect("the migrations");
    migrator.migrations = Cow::Owned(
        migrator
            .migrations
            .iter()
            .filter(|m| m.version <= 11)
            .cloned()
            .collect(),
    );
    let mut connection = sqlx::AnyConnection::connect(url)
        .await
        .expect("connect to the test database");
    migrator
        .run(&mut connection)
        .await
        .expect("migrate to 0011");
    let mut prev = "genesis".to_owned();
    for (at, staff, action, subject) in [
        (1_700_000_000, Some(7), "policy.edit", "dibao"),
        (1_700_000_010, None, "application.submit", "JSJ-2023-000001"),
        (1_700_000_020, Some(7), "case.act", "JSJ-2023-000001"),
    ] {
        let hash = hash_before_actors(&prev, at, staff, action, subject, "{}");
        sqlx::query(
            "INSERT INTO audit_log (at, actor, action, subject, detail, prev_hash, hash) VALUES ($1, $2, $3, $4, '{}', $5, $6)",
        )
        .bind(at)
        .bind(staff)
        .bind(action)
        .bind(subject)
        .bind(&prev)
        .bind(&hash)
        .execute(&mut connection)
        .await
        .expect("an entry written before actors");
        sqlx::query("UPDATE audit_head SET entries = entries + 1, hash = $1 WHERE id = 1")
            .bind(&hash)
            .execute(&mut connection)
            .await
            .expect("the head");
        prev = hash;
    }
    connection.close().await.expect("close");
}

/// Runs SQL on the audit log with its append-only guard lifted, as someone with access to the
/// database could.
async fn tamper(db: &TestDatabase, backend: Backend, sql: &str) {
    match backend {
        Backend::Sqlite => {
            db.execute_raw(&format!(
                "DROP TRIGGER IF EXISTS audit_log_no_update; {sql}"
            ))
            .await
        }
        Backend::Postgres => {
            db.execute_raw(&format!(
                "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only; {sql}; \
                 ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only"
            ))
            .await
        }
    }
}

async fn entries_before_and_after_actors_verify_as_one_chain(db: TestDatabase) {
    chain_written_before_actors(&db).await;
    let store = db.store().await;
    assert_eq!(
        store.verify_audit_log().await.expect("verify"),
        AuditVerification::Intact { entries: 3 },
        "the migration leaves the old entries verifying"
    );

    let cli = Actor::system(Actor::CLI);
    let issued = store
        .issue_api_key("12345 热线", 5, &cli)
        .await
        .expect("issue");
    let application =
        read_application(&example_application("13800138000", serde_json::Value::Null))
            .expect("a valid application");
    store
        .submit_application(
            &application,
            &"00000000-0000-4000-8000-000000000001"
                .parse::<IdempotencyKey>()
                .unwrap(),
            "a",
        )
        .await
        .expect("submitted");
    let partner = Actor::Partner {
        api_key: "12345 热线".into(),
    };
    store
        .submit_application_as(
            &application,
            &"00000000-0000-4000-8000-000000000002"
                .parse::<IdempotencyKey>()
                .unwrap(),
            "b",
            &partner,
        )
        .await
        .expect("submitted");
    store
        .revoke_api_key(&issued.id, &cli)
        .await
        .expect("revoke");
    assert_eq!(
        store.verify_audit_log().await.expect("verify"),
        AuditVerification::Intact { entries: 7 }
    );

    let records = store.audit_records(None).await.expect("records");
    let actors: Vec<(Option<Actor>, &str)> = records
        .iter()
        .map(|r| (r.actor.clone(), r.action.as_str()))
        .collect();
    assert_eq!(
        actors,
        [
            (Some(Actor::Staff { id: 7 }), "policy.edit"),
            (None, "application.submit"),
            (Some(Actor::Staff { id: 7 }), "case.act"),
            (Some(cli.clone()), "api_key.issue"),
            (Some(Actor::Applicant), "application.submit"),
            (Some(partner.clone()), "application.submit"),
            (Some(cli.clone()), "api_key.revoke"),
        ]
    );
    assert_eq!(
        db.raw_texts("SELECT acted_by FROM audit_log ORDER BY id")
            .await,
        [
            "",
            "",
            "",
            "system:cli",
            "applicant",
            "partner:12345 热线",
            "system:cli"
        ]
    );
    let new_ids: Vec<i64> = records.iter().skip(3).map(|r| r.id).collect();
    let (old_id, new_id) = (records[1].id, new_ids[1]);

    // Another actor on a new entry.
    tamper(
        &db,
        store.backend(),
        &format!("UPDATE audit_log SET acted_by = 'system:housekeeping' WHERE id = {new_id}"),
    )
    .await;
    assert_eq!(
        store.verify_audit_log().await.expect("verify"),
        AuditVerification::Broken {
            entry_id: new_id,
            reason: "its content was changed"
        }
    );
    // No actor at all, as if the entry were older than actors.
    tamper(
        &db,
        store.backend(),
        &format!("UPDATE audit_log SET acted_by = '' WHERE id = {new_id}"),
    )
    .await;
    assert!(matches!(
        store.verify_audit_log().await.expect("verify"),
        AuditVerification::Broken { entry_id, .. } if entry_id == new_id
    ));
    // Put back, the chain holds again.
    tamper(
        &db,
        store.backend(),
        &format!("UPDATE audit_log SET acted_by = 'applicant' WHERE id = {new_id}"),
    )
    .await;
    assert_eq!(
        store.verify_audit_log().await.expect("verify"),
        AuditVerification::Intact { entries: 7 }
    );
    // An actor given afterwards to an entry older than actors.
    tamper(
        &db,
        store.backend(),
        &format!("UPDATE audit_log SET acted_by = 'applicant' WHERE id = {old_id}"),
    )
    .await;
    assert!(matches!(
        store.verify_audit_log().await.expect("verify"),
        AuditVerification::Broken { entry_id, .. } if entry_id == old_id
    ));
}

on_both_databases!(
    across_the_migration_sqlite,
    across_the_migration_postgres,
    entries_before_and_after_actors_verify_as_one_chain
);

#[test]
fn the_applicants_timeline_name_is_the_text_of_the_applicant_actor() {
    assert_eq!(Actor::Applicant.to_string(), APPLICANT_ACTOR);
}

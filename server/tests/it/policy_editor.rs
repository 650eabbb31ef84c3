//! Administrators edit the handbook through plain form posts; residents see the change at once.

use casework::County;
use store::audit::AuditVerification;
use store::on_both_databases;
use store::staff::Role;
use store::testing::TestDatabase;

use crate::common::{self, policy_edit_form, TestServer};

async fn an_administrator_edits_a_policy_and_residents_see_it_at_once(db: TestDatabase) {
    let server = TestServer::start(db).await;
    let admin = server
        .staff_session("admin.wu", Role::Admin, County::Rencheng)
        .await;
    let before = server.get("/policies/dibao").await.text().await.unwrap();
    let dibao = server.served_dibao().await;

    let editor = server
        .get_with_cookie("/staff/policies/dibao", &admin)
        .await;
    assert_eq!(editor.status(), 200);
    let editor = editor.text().await.unwrap();
    assert!(editor.contains(r#"name="zh_who""#) && editor.contains("data-notice=\"no_history\""));

    let new_who = "修改后：家里每人每月收入低于低保标准的本地家庭。";
    let saved = server
        .save_policy(
            &policy_edit_form(&dibao, 0, new_who, "按 2026 年通知更新"),
            &admin,
        )
        .await;
    assert_eq!(
        common::location(&saved).as_deref(),
        Some("/staff/policies/dibao?saved=1")
    );

    let after = server.get("/policies/dibao").await.text().await.unwrap();
    assert!(
        !before.contains(new_who) && after.contains(new_who),
        "the cached page was replaced"
    );
    let api = server.served_dibao().await;
    assert_eq!(api.text.zh.who, new_who);
    let history = server
        .get_with_cookie("/staff/policies/dibao", &admin)
        .await;
    assert!(history.text().await.unwrap().contains("按 2026 年通知更新"));
    assert_eq!(policy_edits_audited(&server).await, 1);

    // After a restart the edit is still what residents see.
    let config = server::Config::for_tests("sqlite://unused.db".parse().unwrap());
    let reloaded = server::application::load_handbook(&config, &server.store)
        .await
        .unwrap();
    assert_eq!(reloaded.policy("dibao").unwrap().text.zh.who, new_who);
}
on_both_databases!(
    edit_sqlite,
    edit_postgres,
    an_administrator_edits_a_policy_and_residents_see_it_at_once
);

async fn only_administrators_may_edit_and_a_note_is_required(db: TestDatabase) {
    let server = TestServer::start(db).await;
    let dibao = server.served_dibao().await;
    let caseworker = server
        .staff_session("case.he", Role::Caseworker, County::Rencheng)
        .await;
    let page = server
        .get_with_cookie("/staff/policies/dibao", &caseworker)
        .await;
    assert_eq!(page.status(), 403);
    assert!(page
        .text()
        .await
        .unwrap()
        .contains("data-error=\"forbidden\""));
    server
        .save_policy(
            &policy_edit_form(&dibao, 0, "不该生效", "试试"),
            &caseworker,
        )
        .await;
    assert_eq!(server.served_dibao().await, dibao);

    let anonymous = server.get("/staff/policies").await;
    assert_eq!(
        common::location(&anonymous).as_deref(),
        Some("/staff/login")
    );

    let admin = server
        .staff_session("admin.qin", Role::Admin, County::Rencheng)
        .await;
    let no_note = server
        .save_policy(&policy_edit_form(&dibao, 0, "没有说明的修改", " "), &admin)
        .await;
    assert_eq!(
        common::location(&no_note).as_deref(),
        Some("/staff/policies/dibao?error=note")
    );
    // The refused form comes back as it was typed, once.
    let refused = server
        .get_with_cookie("/staff/policies/dibao?error=note", &admin)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        refused.contains("data-problem=\"empty\" data-field=\"note\"")
            && refused.contains("没有说明的修改")
    );
    let again = server
        .get_with_cookie("/staff/policies/dibao", &admin)
        .await
        .text()
        .await
        .unwrap();
    assert!(!again.contains("没有说明的修改"), "the draft is used once");
    let empty_who = server
        .save_policy(&policy_edit_form(&dibao, 0, "  ", "清空"), &admin)
        .await;
    assert_eq!(
        common::location(&empty_who).as_deref(),
        Some("/staff/policies/dibao?error=zh.who")
    );
    let shown = server
        .get_with_cookie("/staff/policies/dibao?error=zh.who", &admin)
        .await;
    let shown = shown.text().await.unwrap();
    assert!(shown.contains("data-problem=\"empty\" data-field=\"zh.who\""));
    assert!(shown.contains(r#"value="清空""#), "the note typed is kept");
    assert_eq!(server.served_dibao().await, dibao);
    assert_eq!(policy_edits_audited(&server).await, 0);
}
on_both_databases!(
    access_sqlite,
    access_postgres,
    only_administrators_may_edit_and_a_note_is_required
);

/// The audit log checks out; how many of its entries record policy edits (the staff's sign-ins
/// are recorded too).
async fn policy_edits_audited(server: &TestServer) -> usize {
    assert!(matches!(
        server.store.verify_audit_log().await.unwrap(),
        AuditVerification::Intact { .. }
    ));
    server
        .store
        .audit_records(None)
        .await
        .unwrap()
        .iter()
        .filter(|record| !record.action.starts_with("staff."))
        .count()
}

//! Administrators edit the handbook through plain form posts; residents see the change at once.

mod common;

use common::{TestServer, PASSWORD};
use server::sessions::COOKIE_NAME;
use store::audit::AuditVerification;
use store::on_both_databases;
use store::staff::Role;
use store::testing::TestDatabase;
use store::County;

async fn signed_in(server: &TestServer, username: &str, role: Role) -> String {
    server.create_staff(username, role, County::Rencheng).await;
    let response = server
        .post_form(
            "/api/staff/login",
            &[("username", username), ("password", PASSWORD)],
            None,
        )
        .await;
    common::cookie(&response, COOKIE_NAME)
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned()
}

/// The edit form as the editor page fills it, with `who` in Chinese changed and a note.
fn edit_form(server_policy: &handbook::Policy, new_who: &str, note: &str) -> Vec<(String, String)> {
    let mut form = vec![
        ("slug".to_owned(), server_policy.slug.clone()),
        ("base_version".to_owned(), "0".to_owned()),
        ("note".to_owned(), note.to_owned()),
        ("sample_figures".to_owned(), "on".to_owned()),
    ];
    for (prefix, text) in [
        ("zh", &server_policy.text.zh),
        ("en", &server_policy.text.en),
    ] {
        let who = if prefix == "zh" {
            new_who.to_owned()
        } else {
            text.who.clone()
        };
        for (field, value) in [
            ("title", text.title.clone()),
            ("summary", text.summary.clone()),
            ("who", who),
            ("what_you_get", text.what_you_get.clone()),
            ("conditions", text.conditions.join("\n")),
            ("documents", text.documents.join("\n")),
            ("how_to_apply", text.how_to_apply.clone()),
            ("where_to_apply", text.where_to_apply.clone()),
            ("time_limits", text.time_limits.clone()),
            ("contact", text.contact.clone()),
            ("legal_basis", text.legal_basis.join("\n")),
        ] {
            form.push((format!("{prefix}_{field}"), value));
        }
    }
    form
}

/// The dibao policy as the public API serves it right now.
async fn served_dibao(server: &TestServer) -> handbook::Policy {
    server
        .get("/api/v1/policies/dibao")
        .await
        .json()
        .await
        .expect("the policy as JSON")
}

async fn post(server: &TestServer, form: &[(String, String)], cookie: &str) -> reqwest::Response {
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    server
        .post_form("/api/staff/policies/save", &pairs, Some(cookie))
        .await
}

async fn an_administrator_edits_a_policy_and_residents_see_it_at_once(db: TestDatabase) {
    let server = TestServer::start(db).await;
    let admin = signed_in(&server, "admin.wu", Role::Admin).await;
    let before = server.get("/policies/dibao").await.text().await.unwrap();
    let dibao = served_dibao(&server).await;

    let editor = server
        .get_with_cookie("/staff/policies/dibao", &admin)
        .await;
    assert_eq!(editor.status(), 200);
    let editor = editor.text().await.unwrap();
    assert!(editor.contains(r#"name="zh_who""#) && editor.contains("还没有修改过"));

    let new_who = "修改后：家里每人每月收入低于低保标准的本地家庭。";
    let saved = post(
        &server,
        &edit_form(&dibao, new_who, "按 2026 年通知更新"),
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
    let api = served_dibao(&server).await;
    assert_eq!(api.text.zh.who, new_who);
    let history = server
        .get_with_cookie("/staff/policies/dibao", &admin)
        .await;
    assert!(history.text().await.unwrap().contains("按 2026 年通知更新"));
    assert_eq!(
        server.store.verify_audit_log().await.unwrap(),
        AuditVerification::Intact { entries: 1 }
    );

    // After a restart the edit is still what residents see.
    let config = server::Config::for_tests("sqlite://unused.db".parse().unwrap());
    let reloaded = server::router::load_handbook(&config, &server.store)
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
    let dibao = served_dibao(&server).await;
    let caseworker = signed_in(&server, "case.he", Role::Caseworker).await;
    let page = server
        .get_with_cookie("/staff/policies/dibao", &caseworker)
        .await;
    assert_eq!(page.status(), 403);
    assert!(page
        .text()
        .await
        .unwrap()
        .contains("只有管理员可以编辑政策手册"));
    post(&server, &edit_form(&dibao, "不该生效", "试试"), &caseworker).await;
    assert_eq!(served_dibao(&server).await, dibao);

    let anonymous = server.get("/staff/policies").await;
    assert_eq!(
        common::location(&anonymous).as_deref(),
        Some("/staff/login")
    );

    let admin = signed_in(&server, "admin.qin", Role::Admin).await;
    let no_note = post(&server, &edit_form(&dibao, "没有说明的修改", " "), &admin).await;
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
    assert!(refused.contains("请写一下修改说明") && refused.contains("没有说明的修改"));
    let again = server
        .get_with_cookie("/staff/policies/dibao", &admin)
        .await
        .text()
        .await
        .unwrap();
    assert!(!again.contains("没有说明的修改"), "the draft is used once");
    let empty_who = post(&server, &edit_form(&dibao, "  ", "清空"), &admin).await;
    assert_eq!(
        common::location(&empty_who).as_deref(),
        Some("/staff/policies/dibao?error=zh.who")
    );
    let shown = server
        .get_with_cookie("/staff/policies/dibao?error=zh.who", &admin)
        .await;
    let shown = shown.text().await.unwrap();
    assert!(shown.contains("“中文 · 谁可以申请”不能为空"));
    assert!(shown.contains(r#"value="清空""#), "the note typed is kept");
    assert_eq!(served_dibao(&server).await, dibao);
    assert_eq!(
        server.store.verify_audit_log().await.unwrap(),
        AuditVerification::Intact { entries: 0 }
    );
}
on_both_databases!(
    access_sqlite,
    access_postgres,
    only_administrators_may_edit_and_a_note_is_required
);

//! Handbook edits over two instances on one database: an edit saved on one is served by the other
//! within seconds, and a save based on a version someone else has since replaced is refused with
//! the differences shown, so neither administrator's change is silently lost.

use app::i18n::{tr, Lang};
use casework::County;
use store::on_both_databases;
use store::staff::Role;
use store::testing::TestDatabase;

use crate::common::{self, policy_edit_form, TestServer};

async fn save(server: &TestServer, form: &[(String, String)], cookie: &str) -> Option<String> {
    common::location(&server.save_policy(form, cookie).await)
}

/// Asks `server` for the page until it shows `text`, a bounded number of times (the other
/// instance looks for edits every 200 ms in tests, every 2 s in service).
async fn eventually_shows(server: &TestServer, path: &str, text: &str) -> bool {
    for _ in 0..150 {
        if server
            .get(path)
            .await
            .text()
            .await
            .unwrap_or_default()
            .contains(text)
        {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    false
}

async fn an_edit_on_one_instance_is_served_by_the_other(db: TestDatabase) {
    let second_db = db.another_handle();
    let first = TestServer::start(db).await;
    let second = TestServer::start(second_db).await;
    let admin = first
        .staff_session("admin.wu", Role::Admin, County::Rencheng)
        .await;
    let dibao = second.served_dibao().await;
    // The second instance has the page in its cache before the edit.
    assert!(second.get("/policies/dibao").await.status().is_success());

    let new_who = "两个实例：家里每人每月收入低于低保标准的本地家庭。";
    assert_eq!(
        save(
            &first,
            &policy_edit_form(&dibao, 0, new_who, "按通知更新"),
            &admin
        )
        .await
        .as_deref(),
        Some("/staff/policies/dibao?saved=1")
    );
    assert!(
        eventually_shows(&second, "/policies/dibao", new_who).await,
        "the other instance serves the edit"
    );
    assert_eq!(second.served_dibao().await.text.zh.who, new_who);
}

on_both_databases!(
    follow_sqlite,
    follow_postgres,
    an_edit_on_one_instance_is_served_by_the_other
);

async fn a_save_from_an_old_version_is_refused_with_the_differences(db: TestDatabase) {
    let second_db = db.another_handle();
    let first = TestServer::start(db).await;
    let second = TestServer::start(second_db).await;
    let zhao = first
        .staff_session("admin.zhao", Role::Admin, County::Rencheng)
        .await;
    let qian = second
        .staff_session("admin.qian", Role::Admin, County::Rencheng)
        .await;
    // Both open the editor on version 0 (the content files).
    let opened = second
        .get_with_cookie("/staff/policies/dibao", &qian)
        .await
        .text()
        .await
        .unwrap_or_default();
    assert!(
        opened.contains(r#"name="base_version" value="0""#),
        "the form says which version it was filled from"
    );
    let dibao = first.served_dibao().await;

    let zhaos = "赵改的：城乡居民家庭人均收入低于当地低保标准。";
    assert_eq!(
        save(
            &first,
            &policy_edit_form(&dibao, 0, zhaos, "赵的修改"),
            &zhao
        )
        .await
        .as_deref(),
        Some("/staff/policies/dibao?saved=1")
    );
    let qians = "钱改的：共同生活的家庭成员人均收入低于低保标准。";
    let refused = save(
        &second,
        &policy_edit_form(&dibao, 0, qians, "钱的修改"),
        &qian,
    )
    .await;
    assert_eq!(
        refused.as_deref(),
        Some("/staff/policies/dibao?conflict=1"),
        "a save based on version 0 after version 1 is refused"
    );
    assert_eq!(
        first.served_dibao().await.text.zh.who,
        zhaos,
        "the first save was not overwritten"
    );

    let page = second
        .get_with_cookie("/staff/policies/dibao?conflict=1", &qian)
        .await
        .text()
        .await
        .unwrap_or_default();
    assert!(page.contains(tr::editor_conflict_title(Lang::Zh)), "{page}");
    assert!(page.contains("测试admin.zhao"), "who saved in between");
    assert!(
        page.contains(&format!(
            "{} · {}",
            tr::editor_chinese(Lang::Zh),
            tr::handbook_who(Lang::Zh)
        )),
        "the field that differs"
    );
    assert!(
        page.contains(zhaos) && page.contains(qians),
        "their text and what was typed, side by side"
    );
    assert!(
        page.contains(r#"name="base_version" value="1""#),
        "the form is now based on their version"
    );
    // Saving again after seeing their change is a deliberate choice, and it goes through.
    let dibao_now = first.served_dibao().await;
    assert_eq!(
        save(
            &second,
            &policy_edit_form(&dibao_now, 1, qians, "看过赵的修改后"),
            &qian
        )
        .await
        .as_deref(),
        Some("/staff/policies/dibao?saved=2")
    );
    assert!(eventually_shows(&first, "/policies/dibao", qians).await);
}

on_both_databases!(
    stale_sqlite,
    stale_postgres,
    a_save_from_an_old_version_is_refused_with_the_differences
);

//! The policy handbook over HTTP, as a phone without JS and as a partner system see it.

use app::i18n::{format_date, tr, Lang};
use store::on_both_databases;
use store::testing::TestDatabase;

use crate::common::TestServer;

fn count_items(html: &str) -> usize {
    html.matches(r#"<li class="policy-item">"#).count()
}

async fn the_list_shows_every_policy_and_narrows_by_search_and_filter(db: TestDatabase) {
    let server = TestServer::start(db).await;
    let all = server.get("/policies").await.text().await.unwrap();
    assert_eq!(count_items(&all), 38);
    assert!(all.contains(&tr::handbook_results_count(Lang::Zh, 38)));

    let medical = server
        .get("/policies?q=%E5%8C%BB%E7%96%97")
        .await
        .text()
        .await
        .unwrap();
    let found = count_items(&medical);
    assert!(found > 0 && found < 38, "?q=医疗 narrows the list: {found}");
    assert!(
        medical.contains(r#"value="医疗""#),
        "the search box keeps the words"
    );

    let emergency = server
        .get("/policies?category=emergency")
        .await
        .text()
        .await
        .unwrap();
    assert!(count_items(&emergency) < 38 && emergency.contains("临时救助"));

    let nothing = server
        .get("/policies?q=zzzzqqq")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(count_items(&nothing), 0);
    assert!(nothing.contains(tr::handbook_no_results(Lang::Zh)));
}
on_both_databases!(
    list_sqlite,
    list_postgres,
    the_list_shows_every_policy_and_narrows_by_search_and_filter
);

async fn a_policy_page_names_its_documents_and_how_to_apply_in_both_languages(db: TestDatabase) {
    let server = TestServer::start(db).await;
    let zh = server.get("/policies/dibao").await;
    assert_eq!(zh.status(), 200);
    let zh = zh.text().await.unwrap();
    for heading in [
        tr::handbook_documents,
        tr::handbook_how_to_apply,
        tr::handbook_where_to_apply,
        tr::handbook_time_limits,
        tr::handbook_legal_basis,
        tr::handbook_check_link,
    ]
    .map(|heading| heading(Lang::Zh))
    {
        assert!(zh.contains(heading), "missing {heading}");
    }
    assert!(
        zh.contains("户口簿")
            && zh.contains(r#"href="/check?policy=dibao""#)
            && zh.contains(r#"href="/apply?policy=dibao""#)
    );
    let reviewed = server.served_dibao().await.last_reviewed;
    assert!(zh.contains(&tr::handbook_last_reviewed(
        Lang::Zh,
        format_date(Lang::Zh, reviewed)
    )));

    let en = server.get_with_cookie("/policies/dibao", "lang=en").await;
    let en = en.text().await.unwrap();
    for heading in [
        tr::handbook_documents,
        tr::handbook_how_to_apply,
        tr::handbook_where_to_apply,
        tr::handbook_legal_basis,
        tr::handbook_check_link,
    ]
    .map(|heading| heading(Lang::En))
    {
        assert!(en.contains(heading), "missing {heading}");
    }
    assert_eq!(server.get("/policies/no-such-policy").await.status(), 404);
}
on_both_databases!(
    detail_sqlite,
    detail_postgres,
    a_policy_page_names_its_documents_and_how_to_apply_in_both_languages
);

async fn the_json_api_lists_searches_and_returns_one_policy(db: TestDatabase) {
    let server = TestServer::start(db).await;
    let all: serde_json::Value = server.get("/api/v1/policies").await.json().await.unwrap();
    assert_eq!(all["count"], 38);
    assert_eq!(all["policies"].as_array().unwrap().len(), 38);
    let medical: serde_json::Value = server
        .get("/api/v1/policies?q=medical")
        .await
        .json()
        .await
        .unwrap();
    assert!(medical["count"].as_u64().unwrap() < 38);

    let dibao: serde_json::Value = server
        .get("/api/v1/policies/dibao")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(dibao["slug"], "dibao");
    assert_eq!(dibao["programmes"][0], "dibao");
    assert!(dibao["text"]["zh"]["documents"]
        .as_array()
        .is_some_and(|d| !d.is_empty()));
    assert!(dibao["text"]["en"]["how_to_apply"]
        .as_str()
        .is_some_and(|t| !t.is_empty()));

    let missing = server.get("/api/v1/policies/nope").await;
    assert_eq!(missing.status(), 404);
    let body: serde_json::Value = missing.json().await.unwrap();
    assert_eq!(body["errors"][0]["code"], "not_found");
}
on_both_databases!(
    api_sqlite,
    api_postgres,
    the_json_api_lists_searches_and_returns_one_policy
);

async fn the_openapi_document_is_served(db: TestDatabase) {
    let server = TestServer::start(db).await;
    let document: serde_json::Value = server
        .get("/api/v1/openapi.json")
        .await
        .json()
        .await
        .unwrap();
    assert!(document["paths"]["/api/v1/policies/{slug}"]["get"].is_object());
}
on_both_databases!(
    openapi_sqlite,
    openapi_postgres,
    the_openapi_document_is_served
);

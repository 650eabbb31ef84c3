//! `/apply` without JS: a draft kept by the server, one page per question, each consent on its
//! own page, and a confirmation with the reference number once the application is stored.

use app::i18n::{format_yuan, tr, Lang};
use store::on_both_databases;
use store::testing::TestDatabase;

use crate::common::{location, TestServer, SELF_CHECK_ANSWERS};

async fn post(server: &TestServer, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
    server.post_form(path, form, None).await
}

async fn a_self_application_goes_from_the_self_check_to_a_receipt(db: TestDatabase) {
    let server = TestServer::start(db).await;
    let start = post(
        &server,
        "/apply/start",
        &[("answers", SELF_CHECK_ANSWERS), ("go", "apply")],
    )
    .await;
    assert_eq!(start.status(), 303);
    let who = location(&start).expect("the first page");
    assert!(who.starts_with("/apply/") && who.ends_with("/who"), "{who}");
    let page = server.get(&who).await.text().await.expect("page");
    assert!(page.contains(tr::apply_who_title(Lang::Zh)));

    let applicant = server.answer(&who, &[("who", "self")]).await;
    // A wrong check digit comes back with the problem beside the field, and nothing is kept.
    let refused = post(
        &server,
        &applicant,
        &[
            ("name", "张三"),
            ("id_number", "110105194912310021"),
            ("phone", "13800138000"),
            ("county", "rencheng"),
            ("address", "任城区某街道 1 号"),
        ],
    )
    .await;
    assert_eq!(refused.status(), 422);
    let text = refused.text().await.expect("page");
    assert!(text.contains("data-problem=\"id_number_checksum\""));
    assert!(
        text.contains("value=\"110105194912310021\""),
        "what was typed stays"
    );
    let programmes = server
        .answer(
            &applicant,
            &[
                ("name", "张三"),
                ("id_number", "11010519491231002x"),
                ("phone", "13800138000"),
                ("county", "rencheng"),
                ("address", "任城区某街道 1 号"),
            ],
        )
        .await;
    let page = server.get(&programmes).await.text().await.expect("page");
    assert!(
        page.contains(&tr::apply_programme_fits_amount(
            Lang::Zh,
            format_yuan(1424.0)
        )),
        "the estimate ticks tekun"
    );
    let documents = server.answer(&programmes, &[("programme", "tekun")]).await;
    let photos = server
        .answer(&documents, &[("missing", "household_register")])
        .await;
    assert!(photos.ends_with("/photos"));
    let consent = server.answer(&photos, &[]).await;
    assert!(consent.ends_with("/consent-application"));
    // Refusing a consent keeps the page and says what happens.
    let refusal = post(&server, &consent, &[("agree", "no")]).await;
    assert_eq!(refusal.status(), 422);
    assert!(refusal
        .text()
        .await
        .expect("page")
        .contains("data-notice=\"consent_refused\""));
    let verification = server.answer(&consent, &[("agree", "yes")]).await;
    let sensitive = server.answer(&verification, &[("signed", "0")]).await;
    let notice = server.answer(&sensitive, &[("agree", "yes")]).await;
    let check = server.answer(&notice, &[("agree", "yes")]).await;
    assert!(
        check.ends_with("/check"),
        "on their own behalf, no confirmation page: {check}"
    );
    let page = server.get(&check).await.text().await.expect("page");
    assert!(
        page.contains("110*************2X"),
        "the ID number is shown masked"
    );
    let done = server.answer(&check, &[]).await;
    assert!(done.ends_with("/done"));
    let page = server.get(&done).await.text().await.expect("page");
    assert!(page.contains(tr::apply_done_title(Lang::Zh)));
    assert!(page.contains("<svg"), "a QR code to the tracking page");
    let references = server.store.application_references().await.expect("list");
    assert_eq!(references.len(), 1);
    assert!(page.contains(&references[0]));
    assert!(
        page.contains("id=\"access-code\""),
        "the access code, to write down"
    );

    // On a phone passed to the next resident, the page no longer shows the access code.
    server.clock.advance(time::Duration::minutes(
        app::apply::ACCESS_CODE_SHOWN_MINUTES + 1,
    ));
    let later = server.get(&done).await.text().await.expect("page");
    assert!(later.contains(&references[0]), "the reference stays");
    assert!(!later.contains("id=\"access-code\""));
    assert!(later.contains("data-notice=\"code_sent\""));

    // Sending again (a double tap, a reload) stores nothing new and shows the same receipt.
    let again = post(&server, &check, &[]).await;
    assert_eq!(location(&again).as_deref(), Some(done.as_str()));
    assert_eq!(
        server
            .store
            .application_references()
            .await
            .expect("list")
            .len(),
        1
    );
}

on_both_databases!(
    self_sqlite,
    self_postgres,
    a_self_application_goes_from_the_self_check_to_a_receipt
);

async fn pages_cannot_be_skipped_and_wrong_links_are_not_found(db: TestDatabase) {
    let server = TestServer::start(db).await;
    let who = location(&post(&server, "/apply/start", &[("answers", SELF_CHECK_ANSWERS)]).await)
        .expect("who");
    let token_path = who.trim_end_matches("/who");
    let skipped = server.get(&format!("{token_path}/check")).await;
    assert_eq!(skipped.status(), 303);
    assert_eq!(location(&skipped).as_deref(), Some(who.as_str()));
    let unknown = server
        .get("/apply/0123456789abcdef0123456789abcdef/who")
        .await;
    assert_eq!(unknown.status(), 404);
    // Without finished self-check answers, the application starts with the self-check.
    let no_answers = post(&server, "/apply/start", &[("answers", "{}")]).await;
    assert_eq!(location(&no_answers).as_deref(), Some("/check"));
}

on_both_databases!(
    skip_sqlite,
    skip_postgres,
    pages_cannot_be_skipped_and_wrong_links_are_not_found
);

/// A multipart upload of one file to a draft, as a browser without JS sends it.
async fn upload(
    server: &TestServer,
    token_path: &str,
    document: &str,
    name: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    server
        .post_photo(&format!("{token_path}/upload"), document, name, bytes, None)
        .await
}

async fn photos_are_kept_and_bad_files_refused_with_a_reason(db: TestDatabase) {
    let server = TestServer::start(db).await;
    let who = location(&post(&server, "/apply/start", &[("answers", SELF_CHECK_ANSWERS)]).await)
        .expect("who");
    let token_path = who.trim_end_matches("/who").to_owned();
    let stored = upload(
        &server,
        &token_path,
        "id_card",
        "id.png",
        crate::common::png(40, 30),
    )
    .await;
    assert_eq!(stored.status(), 303);
    let renamed = upload(
        &server,
        &token_path,
        "id_card",
        "photo.jpg",
        b"MZ\x90\x00program".to_vec(),
    )
    .await;
    assert_eq!(renamed.status(), 422);
    assert!(renamed
        .text()
        .await
        .expect("page")
        .contains("data-problem=\"not_allowed\""));
    let huge = upload(
        &server,
        &token_path,
        "id_card",
        "big.jpg",
        vec![0xFF; 30 * 1024 * 1024],
    )
    .await;
    assert_eq!(huge.status(), 413);
    assert!(huge
        .text()
        .await
        .expect("page")
        .contains("data-error=\"upload_too_large\""));
    let token: store::DraftToken = token_path
        .trim_start_matches("/apply/")
        .parse()
        .expect("token");
    let kept = server.store.draft_uploads(&token).await.expect("uploads");
    assert_eq!(kept.len(), 1, "only the photo");
    assert_eq!(kept[0].content_type, "image/png");
}

on_both_databases!(
    photos_sqlite,
    photos_postgres,
    photos_are_kept_and_bad_files_refused_with_a_reason
);
